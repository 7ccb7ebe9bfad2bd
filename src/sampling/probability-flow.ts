/**
 * The probability-flow ODE of the VE SDE (Song et al. 2021, eq. 13; algorithms.md section 6),
 *
 *   dx/dsigma = -sigma s(x, sigma),
 *
 * solved from sigma_1 down a grid of levels with Euler or Heun's 2nd-order method (Karras et
 * al. 2022, Algorithm 1 without churn). Deterministic: no noise after the initial draw. With
 * denoise on, the last step goes from sigma_L to 0 by Euler, which is exactly Tweedie's
 * denoising step x + sigma_L^2 s(x, sigma_L). Use karrasSigmas (rho = 7) for the grid.
 */
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkSigmas } from './check-options.ts';
import { finalDenoise } from './final-denoise.ts';
import { LevelScore } from './level-score.ts';
import { type AnnealedOptions, type SampleBatch, StepReporter } from './sampler-step.ts';
import { addScaled } from './updates.ts';

/** The fixed-grid solvers. */
export type OdeSolver = 'euler' | 'heun';

export interface ProbabilityFlowOptions extends AnnealedOptions {
  /** 'heun' (default, 2 evaluations per step) or 'euler' (1). */
  readonly solver?: OdeSolver;
}

/** Network evaluations of one run over a grid of `levels` sigmas. */
export function probabilityFlowEvaluations(
  levels: number,
  solver: OdeSolver,
  denoise: boolean,
): number {
  return (levels - 1) * (solver === 'heun' ? 2 : 1) + (denoise ? 1 : 0);
}

/** Integrates the probability-flow ODE over `sigmas` (largest first) from `init`. */
export async function probabilityFlow(
  score: ScoreFn,
  init: SampleBatch,
  sigmas: ArrayLike<number>,
  opts: ProbabilityFlowOptions = {},
): Promise<Float32Array> {
  checkBatch(init.x, init.shape);
  checkSigmas(sigmas);
  const solver = opts.solver ?? 'heun';
  if (solver !== 'euler' && solver !== 'heun')
    throw new Error(`unknown ODE solver "${String(solver)}" (solvers: euler, heun)`);
  const denoise = opts.denoise ?? true;
  const L = sigmas.length;
  const levelScore = new LevelScore(score, init.shape);
  const reporter = new StepReporter(opts.callback, L - 1 + (denoise ? 1 : 0), init.x.length);
  const x = Float32Array.from(init.x);
  const s1 = new Float32Array(x.length);
  const xEuler = new Float32Array(x.length);
  for (let i = 0; i + 1 < L; i++) {
    const [sigma, next] = [sigmas[i]!, sigmas[i + 1]!];
    // 1. Euler: x + (next - sigma) dx/dsigma = x + (sigma - next) sigma s(x, sigma).
    s1.set(await levelScore.at(x, sigma));
    reporter.denoise(x, s1, sigma);
    if (solver === 'euler') {
      await reporter.done(x, sigma, addScaled(x, s1, (sigma - next) * sigma));
      continue;
    }
    // 2. Heun: average the slopes at both ends of the Euler step.
    xEuler.set(x);
    addScaled(xEuler, s1, (sigma - next) * sigma);
    const s2 = await levelScore.at(xEuler, next);
    addScaled(x, s1, 0.5 * (sigma - next) * sigma);
    await reporter.done(x, sigma, addScaled(x, s2, 0.5 * (sigma - next) * next));
  }
  // 3. Euler from sigma_L to 0: Tweedie's denoising step.
  if (denoise) await finalDenoise(levelScore, x, sigmas[L - 1]!, reporter);
  return x;
}
