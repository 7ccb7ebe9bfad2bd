/** Embedding table lookup (torch.nn.Embedding): rows of a [numEmbeddings, dim] parameter. */
import { gather, type Value } from '../graph/index.ts';
import type { Init } from './init.ts';
import type { ParamScope } from './params.ts';

/**
 * Rows of the parameter `<name>.weight` [numEmbeddings, dim] at int64 `indices` [N] -> [N, dim].
 * Gather's VJP scatters the gradient back to the selected rows only.
 */
export function embedding(
  scope: ParamScope,
  name: string,
  indices: Value,
  numEmbeddings: number,
  dim: number,
  init: Init,
): Value {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new Error(`embedding "${name}": indices must be int64, got ${indices.toString()}`);
  }
  const weight = scope.child(name).param('weight', [numEmbeddings, dim], init);
  return gather(weight, indices, 0);
}
