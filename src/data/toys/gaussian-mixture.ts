/**
 * Isotropic Gaussian mixture p(x) = sum_k w_k N(x; mu_k, s_k^2 I), any dimension. Its log
 * density is closed form, and convolving with N(0, sigma^2 I) gives another mixture (scales
 * sqrt(s_k^2 + sigma^2)), which is what makes mixtures the exact test bed for score models
 * (Song & Ermon 2019, section 3; Vincent 2011).
 */
import type { Rng } from '../../rng/rng.ts';
import type { DataRange, DistributionSource } from '../source.ts';
import { cumulativeWeights, drawCategorical, logSumExp } from './log-sum-exp.ts';

/** Parameters of an isotropic Gaussian mixture. */
export interface GaussianMixtureParams {
  /** Component means, `[K][d]`. */
  readonly means: readonly (readonly number[])[];
  /** Standard deviation of each component (one number for all). */
  readonly scales: number | readonly number[];
  /** Mixture weights (normalised here); equal when omitted. */
  readonly weights?: readonly number[];
}

/** A Gaussian-mixture distribution that also exposes its resolved parameters. */
export interface GaussianMixture extends DistributionSource {
  readonly means: readonly (readonly number[])[];
  readonly scales: readonly number[];
  /** Normalised weights. */
  readonly weights: readonly number[];
}

/** Builds the mixture; validates that means share one dimension and scales are positive. */
export function gaussianMixture(
  params: GaussianMixtureParams,
  name = 'gaussian-mixture',
): GaussianMixture {
  const { means } = params;
  const K = means.length;
  const d = means[0]?.length ?? 0;
  if (K === 0 || d === 0 || means.some((m) => m.length !== d || m.some((v) => !isFinite(v)))) {
    throw new Error(`${name}: means must be a non-empty [K][d] array of finite numbers`);
  }
  const scales =
    typeof params.scales === 'number'
      ? means.map(() => params.scales as number)
      : [...params.scales];
  if (scales.length !== K || scales.some((s) => !(s > 0))) {
    throw new Error(`${name}: scales must be ${K} positive numbers, got [${scales}]`);
  }
  const cdf = cumulativeWeights(params.weights ?? means.map(() => 1), name);
  const weights = Array.from(cdf, (c, k) => c - (k > 0 ? cdf[k - 1]! : 0));
  const logNorm = scales.map(
    (s, k) => Math.log(weights[k]!) - d * Math.log(Math.sqrt(2 * Math.PI) * s),
  );

  const sample = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const k = drawCategorical(cdf, rng.uniform());
      for (let j = 0; j < d; j++) out[i * d + j] = means[k]![j]! + scales[k]! * rng.normal();
    }
    return out;
  };

  const logDensity = (x: ArrayLike<number>): Float64Array => {
    const n = x.length / d;
    const out = new Float64Array(n);
    const terms = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        let r2 = 0;
        for (let j = 0; j < d; j++) r2 += (x[i * d + j]! - means[k]![j]!) ** 2;
        terms[k] = logNorm[k]! - r2 / (2 * scales[k]! ** 2);
      }
      out[i] = logSumExp(terms);
    }
    return out;
  };

  return {
    kind: 'distribution',
    name,
    shape: [d],
    range: boundingRange(means, scales),
    sample,
    logDensity,
    logDensityKind: 'closed-form',
    means,
    scales,
    weights,
  };
}

/** A symmetric range holding every mean plus four of its standard deviations. */
function boundingRange(
  means: readonly (readonly number[])[],
  scales: readonly number[],
): DataRange {
  let r = 0;
  means.forEach((m, k) => m.forEach((v) => (r = Math.max(r, Math.abs(v) + 4 * scales[k]!))));
  return [-r, r];
}
