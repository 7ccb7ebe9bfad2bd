/** Fully connected layer: y = x W + b, W [in, out] (PyTorch nn.Linear initialisation). */
import { add, matmul, type Value } from '../graph/index.ts';
import { fanInUniform } from './init.ts';
import type { ParamScope } from './params.ts';

/** x [..., inFeatures] -> [..., outFeatures]. */
export function linear(
  scope: ParamScope,
  name: string,
  x: Value,
  inFeatures: number,
  outFeatures: number,
  bias = true,
): Value {
  const p = scope.child(name);
  const w = p.param('weight', [inFeatures, outFeatures], fanInUniform(inFeatures));
  const y = matmul(x, w);
  return bias ? add(y, p.param('bias', [outFeatures], fanInUniform(inFeatures))) : y;
}
