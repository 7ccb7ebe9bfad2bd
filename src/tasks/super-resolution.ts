/**
 * Super-resolution: y = A x + s_y z with A the average pooling by the factor f (algorithms.md
 * section 8), solved by conditional annealed Langevin (linear-likelihood.ts).
 */
import type { InverseProblem } from './inverse-problem.ts';
import { linearInverseProblem } from './linear-likelihood.ts';
import { averagePoolOperator } from './linear-operators.ts';

export interface SuperResolutionOptions {
  /** f: the low-resolution image is the f x f block mean of the high-resolution one. */
  readonly factor: number;
  /** s_y: the std of the noise on the low-resolution images (default 0). */
  readonly noiseStd?: number;
}

/** Super-resolution of low-resolution images y [M, C, H/f, W/f] to the data shape [C, H, W]. */
export function superResolution(
  dataShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  opts: SuperResolutionOptions,
): InverseProblem {
  const A = averagePoolOperator(dataShape, opts.factor);
  return linearInverseProblem('super-resolution', A, y, yShape, opts.noiseStd ?? 0);
}
