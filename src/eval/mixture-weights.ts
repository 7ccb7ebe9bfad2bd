/**
 * Mixture-weight recovery (algorithms.md section 9): each sample is assigned to the
 * component of an isotropic Gaussian mixture with the largest responsibility
 * w_k N(x; mu_k, s_k^2 I); the fractions estimate the weights the sampler reproduced.
 */

export interface MixtureComponents {
  readonly means: readonly (readonly number[])[];
  readonly scales: readonly number[];
  readonly weights: readonly number[];
}

/** Fraction of the samples `x` ([n, d]) assigned to each component. */
export function mixtureWeights(x: ArrayLike<number>, mix: MixtureComponents): number[] {
  const K = mix.means.length;
  const d = mix.means[0]!.length;
  const n = x.length / d;
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestLog = -Infinity;
    for (let k = 0; k < K; k++) {
      const s = mix.scales[k]!;
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (x[i * d + j]! - mix.means[k]![j]!) ** 2;
      const logp = Math.log(mix.weights[k]!) - d * Math.log(s) - sq / (2 * s * s);
      if (logp > bestLog) [best, bestLog] = [k, logp];
    }
    counts[best]!++;
  }
  return counts.map((c) => c / n);
}
