/**
 * Consistent annealed sampling, CAS (Jolicoeur-Martineau et al. 2020, "Adversarial score
 * matching and improved sampling for image generation", Algorithm 2; algorithms.md section 5).
 * With eta = eps / sigma_L^2, gamma_i = sigma_{i+1} / sigma_i and
 * beta_i = sqrt(1 - ((1 - eta) / gamma_i)^2):
 *
 *   for i in 1..L:
 *     x <- x + eta sigma_i^2 s(x, sigma_i)
 *     if i < L: x <- x + beta_i sigma_{i+1} z
 *   x <- x + sigma_L^2 s(x, sigma_L)            (final denoising)
 *
 * so the noise level of x follows the schedule exactly. Valid only when
 * sigma_L^2 (1 - gamma) < eps < sigma_L^2 (1 + gamma) at every level.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkPositive, checkSigmas } from './check-options.ts';
import { finalDenoise } from './final-denoise.ts';
import { LevelScore } from './level-score.ts';
import { type AnnealedOptions, type SampleBatch, StepReporter } from './sampler-step.ts';
import { addNoise, addScaled } from './updates.ts';

export interface ConsistentAnnealedOptions extends AnnealedOptions {
  /** eps = eta sigma_L^2: the step size at the smallest level (eta = 1 fully denoises each level). */
  readonly eps: number;
}

/** Throws unless sigma_L^2 (1 - gamma_i) < eps < sigma_L^2 (1 + gamma_i) for every level ratio. */
export function checkCasStepSize(sigmas: ArrayLike<number>, eps: number): void {
  const L = sigmas.length;
  const s2 = sigmas[L - 1]! ** 2;
  for (let i = 0; i + 1 < L; i++) {
    const gamma = sigmas[i + 1]! / sigmas[i]!;
    const [lo, hi] = [s2 * (1 - gamma), s2 * (1 + gamma)];
    if (!(eps > lo && eps < hi)) {
      throw new Error(
        `consistent annealed sampling needs sigma_L^2 (1 - gamma) < eps < sigma_L^2 (1 + gamma), i.e. eps in (${fmt(lo)}, ${fmt(hi)}) for gamma = ${fmt(gamma)}; got eps = ${eps}`,
      );
    }
  }
}

/** Runs CAS over `sigmas` (largest first) from `init`. */
export async function consistentAnnealed(
  score: ScoreFn,
  init: SampleBatch,
  sigmas: ArrayLike<number>,
  opts: ConsistentAnnealedOptions,
  rng: Rng,
): Promise<Float32Array> {
  checkBatch(init.x, init.shape);
  checkSigmas(sigmas);
  checkPositive('eps', opts.eps);
  checkCasStepSize(sigmas, opts.eps);
  const denoise = opts.denoise ?? true;
  const L = sigmas.length;
  const eta = opts.eps / sigmas[L - 1]! ** 2;
  const levelScore = new LevelScore(score, init.shape);
  const reporter = new StepReporter(opts.callback, L + (denoise ? 1 : 0), init.x.length);
  const x = Float32Array.from(init.x);
  for (let i = 0; i < L; i++) {
    const sigma = sigmas[i]!;
    // 1. Move a fraction eta of the way to the denoised estimate.
    const s = await levelScore.at(x, sigma);
    reporter.denoise(x, s, sigma);
    let sum = addScaled(x, s, eta * sigma * sigma);
    // 2. Add exactly the noise that brings x to the next level.
    if (i + 1 < L) {
      const gamma = sigmas[i + 1]! / sigma;
      const beta = Math.sqrt(1 - ((1 - eta) / gamma) ** 2);
      sum = addNoise(x, beta * sigmas[i + 1]!, rng);
    }
    await reporter.done(x, sigma, sum);
  }
  // 3. Tweedie's denoising step.
  if (denoise) await finalDenoise(levelScore, x, sigmas[L - 1]!, reporter);
  return x;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
