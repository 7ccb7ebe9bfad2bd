/**
 * Deblurring: y = k * x + s_y z with a known blur kernel k (algorithms.md section 8), solved
 * by conditional annealed Langevin (linear-likelihood.ts).
 */
import type { BlurKernel } from './blur-kernel.ts';
import type { InverseProblem } from './inverse-problem.ts';
import { linearInverseProblem } from './linear-likelihood.ts';
import { blurOperator } from './linear-operators.ts';

export interface DeblurringOptions {
  readonly kernel: BlurKernel;
  /** s_y: the std of the noise on the blurred images. */
  readonly noiseStd: number;
}

/** Deblurring of images y [M, ...D] blurred by `opts.kernel`. */
export function deblurring(
  dataShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  opts: DeblurringOptions,
): InverseProblem {
  const A = blurOperator(dataShape, opts.kernel);
  return linearInverseProblem('deblurring', A, y, yShape, opts.noiseStd);
}
