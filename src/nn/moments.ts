/**
 * Batch-free normalisation statistics built from ReduceMean and element-wise ops, so that
 * `grad` differentiates them (ONNX InstanceNormalization / GroupNormalization have no VJP
 * rule here).
 */
import { add, div, mul, reduceMean, sqrt, sub, type Value } from '../graph/index.ts';

export interface Moments {
  /** Mean over the axes, kept as size-1 axes. */
  readonly mean: Value;
  /** Biased variance (divided by the count, as torch instance/group norm use). */
  readonly variance: Value;
}

/** Mean and biased variance of x over `axes` (kept as size-1 axes). */
export function moments(x: Value, axes: readonly number[]): Moments {
  const mean = reduceMean(x, axes, true);
  const d = sub(x, mean);
  return { mean, variance: reduceMean(mul(d, d), axes, true) };
}

/** (x - mean) / sqrt(var + eps) over `axes`: the normalisation step of instance/group norm. */
export function standardize(x: Value, axes: readonly number[], eps: number): Value {
  const { mean, variance } = moments(x, axes);
  return div(sub(x, mean), sqrt(add(variance, eps)));
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
  const { mean, variance } = moments(x, [axis]);
  return div(sub(x, mean), sqrt(add(mul(variance, n / (n - 1)), eps)));
}
