/**
 * The final denoising step of every annealed sampler (Song & Ermon 2020, section 4 and
 * appendix; Jolicoeur-Martineau et al. 2020): x <- x + sigma_L^2 s(x, sigma_L), no noise.
 * Tweedie's formula, worth 31.75 -> 10.87 FID on CIFAR-10 (algorithms.md section 3).
 */
import type { LevelScore } from './level-score.ts';
import type { StepReporter } from './sampler-step.ts';
import { addScaled } from './updates.ts';

/** Applies the denoising step in place and reports it as one step at sigma_L. */
export async function finalDenoise(
  score: LevelScore,
  x: Float32Array,
  sigmaL: number,
  reporter: StepReporter,
): Promise<void> {
  const s = await score.at(x, sigmaL);
  reporter.denoise(x, s, sigmaL);
  await reporter.done(x, sigmaL, addScaled(x, s, sigmaL * sigmaL));
}
