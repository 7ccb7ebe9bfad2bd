/** log(sum(exp(a))) over `a`, stable for large magnitudes; -Infinity for an empty or all -Infinity input. */
export function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]!);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i]! - m);
  return m + Math.log(s);
}

/** Index drawn from the categorical distribution with cumulative weights `cdf` (last = 1). */
export function drawCategorical(cdf: ArrayLike<number>, u: number): number {
  for (let k = 0; k < cdf.length - 1; k++) if (u < cdf[k]!) return k;
  return cdf.length - 1;
}

/** Normalised cumulative sums of non-negative `weights`; throws naming `what` if invalid. */
export function cumulativeWeights(weights: readonly number[], what: string): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || weights.some((w) => !(w >= 0)) || !(total > 0)) {
    throw new Error(`${what}: weights must be non-negative with a positive sum, got [${weights}]`);
  }
  const cdf = new Float64Array(weights.length);
  let c = 0;
  weights.forEach((w, k) => {
    c += w / total;
    cdf[k] = c;
  });
  cdf[weights.length - 1] = 1;
  return cdf;
}
