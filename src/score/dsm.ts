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

/** The DSM loss and its per-example terms. */
export interface DsmTerms {
  /** Scalar: the batch mean of the per-example terms. */
  readonly loss: Value;
  /** [B]: 1/2 || sigma s + z ||^2 for each example (for per-noise-level statistics). */
  readonly perExample: Value;
}

/** Returns the DSM loss builder for `net`. */
export function dsmLoss(net: ScoreNet): (x: Value, z: Value, sigma: Value) => DsmTerms {
  return (x, z, sigma) => {
    const rank = x.rank;
    const s = reshape(sigma, [x.shape[0]!, ...Array<number>(rank - 1).fill(1)]); // [B, 1, ...]
    const xNoisy = add(x, mul(s, z));
    const r = add(mul(s, net(xNoisy, sigma)), z); // sigma * score + z
    const dataAxes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
    const perExample = mul(reduceSum(mul(r, r), dataAxes), 0.5); // [B]
    return { loss: reduceMean(perExample), perExample };
  };
}
