/** Gradient clipping by global norm (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_. */
import { add, div, mul, reduceSum, sqrt, where, less, type Value } from '../graph/index.ts';

/** The global L2 norm of a list of gradients. */
export function globalNorm(grads: readonly Value[]): Value {
  let sq = reduceSum(mul(grads[0]!, grads[0]!));
  for (let i = 1; i < grads.length; i++) sq = add(sq, reduceSum(mul(grads[i]!, grads[i]!)));
  return sqrt(sq);
}

/**
 * Scales every gradient by min(1, maxNorm / (norm + 1e-6)) where norm is the global norm
 * (the factor torch.nn.utils.clip_grad_norm_ applies).
 */
export function clipByGlobalNorm(grads: readonly Value[], norm: Value, maxNorm: number): Value[] {
  const ratio = div(maxNorm, add(norm, 1e-6));
  const scale = where(less(ratio, 1), ratio, 1);
  return grads.map((g) => mul(g, scale));
}
