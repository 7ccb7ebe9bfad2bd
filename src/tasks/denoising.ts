/**
 * Denoising y = x + s_y z with known s_y (algorithms.md section 8), two ways:
 *
 *   - 'likelihood': conditional annealed Langevin with A = I, i.e. the sampler follows
 *     s(x, sigma_i) + (y - x) / (s_y^2 + sigma_i^2) (exact as sigma_L -> 0, any sampler);
 *   - 'start': y is a draw of x at noise level s_y, so annealing starts there, from x = y, on
 *     the levels below s_y, with the prior score alone (Kadkhodaie & Simoncelli 2021; exact for
 *     the reverse diffusion, e.g. pc without corrector steps; Langevin-heavy samplers mix away
 *     from y).
 */
import type { Rng } from '../rng/rng.ts';
import type { SamplerInputs } from '../sampling/registry.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import {
  checkObservationShape,
  gatherRows,
  type InverseProblem,
  sizeOf,
} from './inverse-problem.ts';
import { checkNoiseStd, linearInverseProblem } from './linear-likelihood.ts';
import { identityOperator } from './linear-operators.ts';

export type DenoisingMethod = 'likelihood' | 'start';

/** Denoising of noisy observations y [M, ...D] with noise std `noiseStd`. */
export function denoising(
  dataShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  noiseStd: number,
  method: DenoisingMethod = 'likelihood',
): InverseProblem {
  checkNoiseStd(noiseStd);
  if (method === 'likelihood')
    return linearInverseProblem('denoising', identityOperator(dataShape), y, yShape, noiseStd);
  if (method !== 'start')
    throw new Error(`unknown denoising method "${String(method)}" (methods: likelihood, start)`);
  if (noiseStd === 0)
    throw new Error('denoising by starting at the noise level needs noise std > 0');
  const count = checkObservationShape('denoising', 'observation', yShape, dataShape);
  const d = sizeOf(dataShape);
  return {
    name: 'denoising',
    dataShape,
    count,
    parts: 1,
    batch: (rows: Int32Array, prior: ScoreFn, _rng: Rng) => ({
      score: prior,
      init: gatherRows(y, d, rows),
    }),
  };
}

/**
 * Sampler inputs whose schedule starts at sigma_1 = s_y: the levels of `inputs` (flags, else
 * the file's) below s_y, geometric from s_y to sigma_L.
 */
export function startAtNoiseLevel(inputs: SamplerInputs, noiseStd: number): SamplerInputs {
  const sigmaMin = inputs.sigmaMin ?? inputs.fileSigmas?.[inputs.fileSigmas.length - 1];
  if (sigmaMin !== undefined && !(noiseStd > sigmaMin))
    throw new Error(
      `denoising: the noise std ${noiseStd} must exceed the smallest noise level ${sigmaMin} to start annealing there`,
    );
  const below = inputs.fileSigmas?.filter((s) => s < noiseStd).length;
  const numScales = inputs.numScales ?? (below !== undefined ? Math.max(below + 1, 2) : undefined);
  return { ...inputs, sigmaMax: noiseStd, ...(numScales !== undefined ? { numScales } : {}) };
}
