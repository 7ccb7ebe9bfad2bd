/**
 * DDPM ancestral sampling (Ho et al. 2020, Algorithm 2; algorithms.md section 7) for any
 * score model, through the VP wrapper eps_theta(x_t, t) = -sigma_t s(x_t / sqrt(alpha_bar_t), sigma_t):
 *
 *   x_T ~ N(0, I)
 *   for t = T..1:  x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_theta(x_t, t)) / sqrt(1 - beta_t) + sqrt(beta_t) z
 *
 * with z = 0 at t = 1 (Ho et al.'s final step, the DDPM counterpart of denoising; with
 * denoise off the last step adds noise too).
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { epsFromScore, type VpSchedule } from '../score/vp.ts';
import { checkBatch } from './check-options.ts';
import { type AnnealedOptions, type SampleBatch, StepReporter } from './sampler-step.ts';

/** Runs DDPM ancestral sampling over `schedule` from `init` (x_T, normally N(0, I)). */
export async function ddpm(
  score: ScoreFn,
  init: SampleBatch,
  schedule: VpSchedule,
  opts: AnnealedOptions,
  rng: Rng,
): Promise<Float32Array> {
  checkBatch(init.x, init.shape);
  const eps = epsFromScore(score, schedule);
  const denoise = opts.denoise ?? true;
  const T = schedule.betas.length;
  const n = init.shape[0]!;
  const reporter = new StepReporter(opts.callback, T, init.x.length);
  const x = Float32Array.from(init.x);
  const t = new Int32Array(n);
  for (let step = T - 1; step >= 0; step--) {
    const beta = schedule.betas[step]!;
    const alphaBar = schedule.alphaBars[step]!;
    // 1. Predict the noise in x_t.
    t.fill(step);
    const e = await eps(x, t, init.shape);
    if (reporter.denoised) {
      // x_0 estimate (x_t - sqrt(1 - alpha_bar) eps) / sqrt(alpha_bar)
      for (let k = 0; k < x.length; k++)
        reporter.denoised[k] = (x[k]! - Math.sqrt(1 - alphaBar) * e[k]!) / Math.sqrt(alphaBar);
    }
    // 2. The posterior mean of x_{t-1}, plus noise except at the last step.
    const coef = beta / Math.sqrt(1 - alphaBar);
    const noiseStd = step > 0 || !denoise ? Math.sqrt(beta) : 0;
    let sum = 0;
    for (let k = 0; k < x.length; k++) {
      const v =
        (x[k]! - coef * e[k]!) / Math.sqrt(1 - beta) + (noiseStd > 0 ? noiseStd * rng.normal() : 0);
      x[k] = v;
      sum += v;
    }
    await reporter.done(x, schedule.sigmas[step]!, sum);
  }
  return x;
}
