/**
 * Batch-free normalisation statistics built from ReduceMean and element-wise ops, so that
 * `grad` differentiates them (ONNX InstanceNormalization / GroupNormalization have no VJP
 * rule here).
 */
import { add, div, mul, reduceMean, sqrt, sub, type Value } from '../graph/index.ts';

export interface Moments {
  /** Mean over the axes, kept as size-1 axes. */
  readonly mean: Value;
  /** x - mean, full size. */
  readonly centered: Value;
  /** Biased variance (divided by the count, as torch instance/group norm use). */
  readonly variance: Value;
}

/** Mean and biased variance of x over `axes` (kept as size-1 axes). */
export function moments(x: Value, axes: readonly number[]): Moments {
  const mean = reduceMean(x, axes, true);
  const centered = sub(x, mean);
  return { mean, centered, variance: reduceMean(mul(centered, centered), axes, true) };
}

/**
 * gamma (x - mean) / sqrt(var + eps) + beta with the affine map folded into the small
 * statistics: (x - mean) * (gamma / sqrt(var + eps)) + beta, so only four full-size
 * intermediates (centre, square, scale, shift) are computed and kept for the backward pass.
 * `gamma` and `beta` broadcast against the statistics' shape (size-1 reduced axes).
 */
export function normalizeAffine(m: Moments, eps: number, gamma: Value, beta: Value | null): Value {
  const scaled = mul(m.centered, div(gamma, sqrt(add(m.variance, eps))));
  return beta ? add(scaled, beta) : scaled;
}

/**
 * Standardises x over `axis` with the unbiased variance (torch.var's default), i.e.
 * (x - mean) / sqrt(sum((x - mean)^2) / (n - 1) + eps): the channel-means term of instance
 * norm++ (Song & Ermon 2019, appendix A.1).
 */
export function standardizeUnbiased(x: Value, axis: number, eps: number): Value {
  const n = x.shape[axis];
  if (typeof n !== 'number' || n < 2) {
    throw new Error(
      `unbiased standardisation needs a static axis of size >= 2, got ${x.toString()}`,
    );
  }
  const { centered, variance } = moments(x, [axis]);
  return div(centered, sqrt(add(mul(variance, n / (n - 1)), eps)));
}
