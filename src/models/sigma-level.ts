/**
 * Noise-level index of a sigma, computed inside the graph, so that a network conditioned on
 * the level index (NCSN v1) still satisfies the score-model contract (inputs x and sigma).
 */
import { cast, constant, less, reduceSum, tensor, unsqueeze, type Value } from '../graph/index.ts';

/**
 * The index i of the level sigma_i nearest to `sigma` in log scale, for levels sigma_1 > ... >
 * sigma_L (0-based). Computed as the number of geometric midpoints sqrt(sigma_i sigma_{i+1})
 * that lie above sigma, so each training level maps to its own index and a sigma between two
 * levels to the nearer one. sigma [N] float32 -> int64 [N].
 */
export function nearestLevel(sigma: Value, sigmas: readonly number[]): Value {
  if (sigmas.length < 2) throw new Error('nearestLevel needs at least two noise levels');
  const mids = sigmas.slice(1).map((s, i) => Math.sqrt(s * sigmas[i]!));
  const bounds = constant(sigma.graph, tensor('float32', [mids.length], mids)); // [L - 1]
  const above = cast(less(unsqueeze(sigma, [1]), bounds), 'float32'); // [N, L - 1]
  return cast(reduceSum(above, [1]), 'int64'); // [N]
}
