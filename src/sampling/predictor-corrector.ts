/**
 * Predictor-corrector sampling for the VE SDE (Song et al. 2021, Algorithm 2; algorithms.md
 * section 6). At each level, C Langevin corrector steps with signal-to-noise ratio r, then
 * one reverse-diffusion predictor step to the next level:
 *
 *   corrector: a = 2 (r ||z|| / ||s||)^2 (norms averaged over the batch), x <- x + a s + sqrt(2a) z
 *   predictor: x <- x + (sigma_i^2 - sigma_{i+1}^2) s(x, sigma_i) + sqrt(sigma_i^2 - sigma_{i+1}^2) z
 *
 * The last predictor step goes to sigma = 0 without noise, which is Tweedie's denoising step
 * (score_sde returns x_mean); with denoise off it stops at sigma_L.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkInteger, checkPositive, checkSigmas } from './check-options.ts';
import { finalDenoise } from './final-denoise.ts';
import { LevelScore } from './level-score.ts';
import { type AnnealedOptions, type SampleBatch, StepReporter } from './sampler-step.ts';
import { addNoise, addScaled } from './updates.ts';

export interface PredictorCorrectorOptions extends AnnealedOptions {
  /** r: the corrector's signal-to-noise ratio (0.16 for CIFAR-10 VE). */
  readonly snr: number;
  /** C: corrector steps per level (default 1; 0 gives the predictor alone). */
  readonly correctorSteps?: number;
}

/** Runs PC sampling over `sigmas` (largest first) from `init`. */
export async function predictorCorrector(
  score: ScoreFn,
  init: SampleBatch,
  sigmas: ArrayLike<number>,
  opts: PredictorCorrectorOptions,
  rng: Rng,
): Promise<Float32Array> {
  checkBatch(init.x, init.shape);
  checkSigmas(sigmas);
  checkPositive('snr', opts.snr);
  const C = opts.correctorSteps ?? 1;
  checkInteger('correctorSteps', C, 0);
  const denoise = opts.denoise ?? true;
  const L = sigmas.length;
  const n = init.shape[0]!;
  const levelScore = new LevelScore(score, init.shape);
  const reporter = new StepReporter(
    opts.callback,
    L * (C + 1) - 1 + (denoise ? 1 : 0),
    init.x.length,
  );
  const x = Float32Array.from(init.x);
  const z = new Float32Array(x.length);
  for (let i = 0; i < L; i++) {
    const sigma = sigmas[i]!;
    // 1. Corrector: Langevin steps whose size is set by the signal-to-noise ratio.
    for (let c = 0; c < C; c++) {
      const s = await levelScore.at(x, sigma);
      reporter.denoise(x, s, sigma);
      rng.fillNormal(z);
      const ratio = (opts.snr * meanRowNorm(z, n)) / meanRowNorm(s, n);
      const a = 2 * ratio * ratio;
      addScaled(x, s, a);
      await reporter.done(x, sigma, addScaled(x, z, Math.sqrt(2 * a)));
    }
    if (i + 1 === L) break;
    // 2. Predictor: one reverse-diffusion step to sigma_{i+1}.
    const dv = sigma * sigma - sigmas[i + 1]! ** 2;
    const s = await levelScore.at(x, sigma);
    reporter.denoise(x, s, sigma);
    addScaled(x, s, dv);
    await reporter.done(x, sigma, addNoise(x, Math.sqrt(dv), rng));
  }
  // 3. The last predictor step, to sigma = 0 without noise: Tweedie's denoising step.
  if (denoise) await finalDenoise(levelScore, x, sigmas[L - 1]!, reporter);
  return x;
}

/** The Euclidean norm of each sample row, averaged over the batch of `n`. */
function meanRowNorm(v: Float32Array, n: number): number {
  const d = v.length / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let k = i * d; k < (i + 1) * d; k++) r2 += v[k]! ** 2;
    total += Math.sqrt(r2);
  }
  return total / n;
}
