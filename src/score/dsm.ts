/**
 * Denoising score matching loss (Vincent 2011; algorithms.md section 2) with
 * lambda(sigma) = sigma^2:
 *
 *   L = mean over the batch of 1/2 * || sigma * s_theta(x + sigma z, sigma) + z ||^2
 *
 * summed over the data dimensions. The caller feeds x [B, ...D], z [B, ...D] ~ N(0, I) and
 * sigma [B] (one level drawn per example), so the graph itself is deterministic.
 */
import { add, mul, reduceMean, reduceSum, reshape, type Value } from '../graph/index.ts';

/** A score model inside a graph: (x~ [B, ...D], sigma [B]) -> score [B, ...D]. */
export type ScoreNet = (xNoisy: Value, sigma: Value) => Value;

/** Returns the DSM loss builder for `net`. */
export function dsmLoss(net: ScoreNet): (x: Value, z: Value, sigma: Value) => Value {
  return (x, z, sigma) => {
    const rank = x.rank;
    const s = reshape(sigma, [x.shape[0]!, ...Array<number>(rank - 1).fill(1)]); // [B, 1, ...]
    const xNoisy = add(x, mul(s, z));
    const r = add(mul(s, net(xNoisy, sigma)), z); // sigma * score + z
    const perExample = reduceSum(
      mul(r, r),
      [...Array(rank - 1).keys()].map((a) => a + 1),
    );
    return mul(reduceMean(perExample), 0.5);
  };
}
