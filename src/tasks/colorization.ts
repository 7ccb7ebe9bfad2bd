/**
 * Colorization: y = A x + s_y z with A the grey projection (the mean of the RGB channels;
 * algorithms.md section 8), solved by conditional annealed Langevin (linear-likelihood.ts).
 */
import type { InverseProblem } from './inverse-problem.ts';
import { linearInverseProblem } from './linear-likelihood.ts';
import { greyOperator } from './linear-operators.ts';

/** Colorization of grey images y [M, 1, H, W] for RGB data [3, H, W]. */
export function colorization(
  dataShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  noiseStd = 0,
): InverseProblem {
  return linearInverseProblem('colorization', greyOperator(dataShape), y, yShape, noiseStd);
}
