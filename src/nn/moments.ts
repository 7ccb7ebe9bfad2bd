/**
 * Normalisation statistics built from ReduceMean and element-wise ops (differentiated by
 * `grad` op by op): the channel-means standardisation of instance norm++. The full-size
 * normalisations use ONNX InstanceNormalization (graph/ops/instance-norm.ts).
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
