/**
 * Annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1; algorithms.md section 3), with
 * the final denoising step of NCSNv2 (Song & Ermon 2020) on by default:
 *
 *   for i in 1..L:  a_i = eps * sigma_i^2 / sigma_L^2
 *     repeat T times:  x <- x + a_i s(x, sigma_i) + sqrt(2 a_i) z
 *   x <- x + sigma_L^2 s(x, sigma_L)
 *
 * NCSN settings: geometric sigmas, T = 100, eps = 2e-5 (our convention, images in [0, 1]).
 * NCSNv2 is the same loop with sigma_1, L and eps from score/ncsnv2-rules.ts and T = 5.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkInteger, checkPositive, checkSigmas } from './check-options.ts';
import { finalDenoise } from './final-denoise.ts';
import { LevelScore } from './level-score.ts';
import { type AnnealedOptions, type SampleBatch, StepReporter } from './sampler-step.ts';
import { langevinUpdate } from './updates.ts';

export interface AnnealedLangevinOptions extends AnnealedOptions {
  /** T: Langevin steps per noise level. */
  readonly stepsPerScale: number;
  /** eps: the step size at the smallest level (our convention a s + sqrt(2a) z). */
  readonly eps: number;
}

/** Runs annealed Langevin dynamics over `sigmas` (largest first) from `init`. */
export async function annealedLangevin(
  score: ScoreFn,
  init: SampleBatch,
  sigmas: ArrayLike<number>,
  opts: AnnealedLangevinOptions,
  rng: Rng,
): Promise<Float32Array> {
  checkBatch(init.x, init.shape);
  checkSigmas(sigmas);
  checkPositive('eps', opts.eps);
  checkInteger('stepsPerScale', opts.stepsPerScale);
  const { stepsPerScale: T, eps } = opts;
  const denoise = opts.denoise ?? true;
  const L = sigmas.length;
  const sigmaL = sigmas[L - 1]!;
  const levelScore = new LevelScore(score, init.shape);
  const reporter = new StepReporter(opts.callback, L * T + (denoise ? 1 : 0), init.x.length);
  const x = Float32Array.from(init.x);
  for (let i = 0; i < L; i++) {
    // 1. The step size of level i, proportional to sigma_i^2.
    const sigma = sigmas[i]!;
    const a = (eps * sigma * sigma) / (sigmaL * sigmaL);
    // 2. T Langevin steps at that level.
    for (let t = 0; t < T; t++) {
      const s = await levelScore.at(x, sigma);
      reporter.denoise(x, s, sigma);
      await reporter.done(x, sigma, langevinUpdate(x, s, a, Math.sqrt(2 * a), rng));
    }
  }
  // 3. Tweedie's denoising step.
  if (denoise) await finalDenoise(levelScore, x, sigmaL, reporter);
  return x;
}
