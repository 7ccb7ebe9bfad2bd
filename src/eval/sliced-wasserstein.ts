/**
 * Sliced Wasserstein-2 distance between two equal-size point sets (Rabin et al. 2011;
 * algorithms.md section 9, toy metrics): the 1-D W2 distance of their projections on random
 * unit directions (sorted samples matched in order), averaged over directions:
 *
 *   SW2(a, b) = sqrt( mean_k  mean_i (sort(a theta_k)_i - sort(b theta_k)_i)^2 )
 */
import type { Rng } from '../rng/rng.ts';

/** SW2 between `a` and `b` (each [n, d], row-major) over `directions` random projections. */
export function slicedWasserstein(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  d: number,
  rng: Rng,
  directions = 128,
): number {
  if (a.length !== b.length || a.length % d !== 0) {
    throw new Error(
      `slicedWasserstein: point sets of ${a.length} and ${b.length} values do not both hold n x ${d} points`,
    );
  }
  const n = a.length / d;
  const pa = new Float64Array(n);
  const pb = new Float64Array(n);
  const theta = new Float64Array(d);
  let total = 0;
  for (let k = 0; k < directions; k++) {
    rng.fillNormal(theta);
    const norm = Math.hypot(...theta);
    for (let j = 0; j < d; j++) theta[j]! /= norm;
    for (let i = 0; i < n; i++) {
      let sa = 0;
      let sb = 0;
      for (let j = 0; j < d; j++) {
        sa += a[i * d + j]! * theta[j]!;
        sb += b[i * d + j]! * theta[j]!;
      }
      pa[i] = sa;
      pb[i] = sb;
    }
    pa.sort();
    pb.sort();
    for (let i = 0; i < n; i++) total += (pa[i]! - pb[i]!) ** 2;
  }
  return Math.sqrt(total / (directions * n));
}
