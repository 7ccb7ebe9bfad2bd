/**
 * Linear inverse problems y = A x + s_y z by conditional annealed Langevin (algorithms.md
 * section 8; Jalal et al. 2021, "Robust compressed sensing MRI with deep generative priors",
 * eq. 4): the sampler follows the prior score plus the likelihood score of y with the noise
 * level sigma_i added to the measurement noise,
 *
 *   s(x, sigma_i) + A^T (y - A x) / (s_y^2 + sigma_i^2),
 *
 * which tends to the exact posterior score grad log p(x | y) as sigma_i -> 0. Super-resolution,
 * deblurring, colorization and denoising (A = I) are this problem with their operators.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import {
  checkObservationShape,
  gatherRows,
  type InverseProblem,
  type TaskBatch,
  sizeOf,
} from './inverse-problem.ts';
import type { LinearOperator } from './linear-operators.ts';

/** Throws unless the measurement noise std is a finite number >= 0. */
export function checkNoiseStd(noiseStd: number): void {
  if (!(noiseStd >= 0 && Number.isFinite(noiseStd)))
    throw new Error(`the noise std must be >= 0, got ${noiseStd}`);
}

/** The score s(x, sigma) + A^T (y - A x) / (s_y^2 + sigma^2), y [n, ...A.outShape] row by row. */
export function linearLikelihoodScore(
  prior: ScoreFn,
  A: LinearOperator,
  y: Float32Array,
  noiseStd: number,
): ScoreFn {
  return async (x, sigma, shape) => {
    const n = shape[0]!;
    const s = Float32Array.from(await prior(x, sigma, shape)); // [n, ...D]
    const r = A.apply(x, n); // [n, ...out]
    for (let k = 0; k < r.length; k++) r[k] = y[k]! - r[k]!;
    const g = A.adjoint(r, n); // A^T (y - A x), [n, ...D]
    const d = g.length / n;
    for (let i = 0; i < n; i++) {
      const c = 1 / (noiseStd * noiseStd + sigma[i]! ** 2);
      for (let k = i * d; k < (i + 1) * d; k++) s[k] = s[k]! + c * g[k]!;
    }
    return s;
  };
}

/** The inverse problem y = A x + s_y z for observations y [M, ...A.outShape]. */
export function linearInverseProblem(
  name: string,
  A: LinearOperator,
  y: Float32Array,
  yShape: readonly number[],
  noiseStd: number,
): InverseProblem {
  checkNoiseStd(noiseStd);
  const count = checkObservationShape(name, 'observation', yShape, A.outShape);
  const size = sizeOf(A.outShape);
  return {
    name,
    dataShape: A.inShape,
    count,
    parts: 1,
    batch: (rows: Int32Array, prior: ScoreFn, _rng: Rng): TaskBatch => ({
      score: linearLikelihoodScore(prior, A, gatherRows(y, size, rows), noiseStd),
    }),
  };
}
