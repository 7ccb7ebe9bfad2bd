/**
 * Source separation (algorithms.md section 8; Jayaram & Thickstun 2020, "Source separation
 * with deep generative priors", BASIS): y = x1 + x2 + s_y z with priors p1, p2 (two score
 * models, or one twice). The sampler runs on (x1, x2), stacked as two blocks of its batch,
 * with the scores
 *
 *   s1(x1, sigma_i) + g,   s2(x2, sigma_i) + g,   g = (y - x1 - x2) / (sigma_i^2 + s_y^2),
 *
 * which is the linear-likelihood score of A = [I I] (annealed).
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
import { checkNoiseStd } from './linear-likelihood.ts';

export interface SeparationOptions {
  /** The prior of x2 (default: the prior of x1, the sampler's score). */
  readonly secondPrior?: ScoreFn;
  /** s_y: the std of the noise on the mixture (default 0). */
  readonly noiseStd?: number;
}

/** Separation of mixtures y [M, ...D] into x1 and x2 (the problem's two parts). */
export function sourceSeparation(
  dataShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  opts: SeparationOptions = {},
): InverseProblem {
  const noiseStd = opts.noiseStd ?? 0;
  checkNoiseStd(noiseStd);
  const count = checkObservationShape('source separation', 'mixture', yShape, dataShape);
  const d = sizeOf(dataShape);
  return {
    name: 'source separation',
    dataShape,
    count,
    parts: 2,
    batch: (rows: Int32Array, prior: ScoreFn, _rng: Rng): TaskBatch => ({
      score: separationScore(prior, opts.secondPrior, gatherRows(y, d, rows), noiseStd),
    }),
  };
}

/** The score of the stacked batch [x1; x2] ([2n, ...D]) for mixtures y [n, ...D]. */
function separationScore(
  s1: ScoreFn,
  s2: ScoreFn | undefined,
  y: Float32Array,
  noiseStd: number,
): ScoreFn {
  return async (x, sigma, shape) => {
    const n = shape[0]! / 2;
    const half = x.length / 2;
    // 1. The prior scores: one call over the whole batch when both priors are the same.
    let s: Float32Array;
    if (!s2) s = Float32Array.from(await s1(x, sigma, shape));
    else {
      const hShape = [n, ...shape.slice(1)];
      s = new Float32Array(x.length);
      s.set(await s1(x.slice(0, half), sigma.slice(0, n), hShape), 0);
      s.set(await s2(x.slice(half), sigma.slice(n), hShape), half);
    }
    // 2. g = (y - x1 - x2) / (sigma^2 + s_y^2), added to both scores.
    const d = half / n;
    for (let i = 0; i < n; i++) {
      const c = 1 / (sigma[i]! ** 2 + noiseStd * noiseStd);
      for (let k = i * d; k < (i + 1) * d; k++) {
        const g = c * (y[k]! - x[k]! - x[half + k]!);
        s[k] = s[k]! + g;
        s[half + k] = s[half + k]! + g;
      }
    }
    return s;
  };
}
