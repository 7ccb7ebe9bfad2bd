/**
 * The probability-flow ODE (Song et al. 2021, eq. 13; algorithms.md section 6) solved by the
 * adaptive Dormand-Prince 5(4) Runge-Kutta method (Dormand & Prince 1980; score_sde's
 * "RK45"), in u = log sigma where the dynamics are smooth:
 *
 *   dx/du = sigma dx/dsigma = -sigma^2 s(x, sigma),   u from log sigma_max to log sigma_min,
 *
 * then Tweedie's denoising step. The whole batch is one system (RMS error norm, as score_sde).
 */
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkPositive } from './check-options.ts';
import { finalDenoise } from './final-denoise.ts';
import { LevelScore } from './level-score.ts';
import { type AnnealedOptions, type SampleBatch, StepReporter } from './sampler-step.ts';

export interface Rk45Options extends AnnealedOptions {
  /** Relative tolerance (default 1e-5, as score_sde). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Give up after this many steps (default 10000). */
  readonly maxSteps?: number;
}

export interface Rk45Result {
  readonly x: Float32Array;
  /** Network evaluations per sample. */
  readonly evaluations: number;
  readonly acceptedSteps: number;
  readonly rejectedSteps: number;
}

// Dormand-Prince tableau: stage coefficients, nodes, and 5th minus 4th order weights.
const A: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/** Integrates from sigma_max to sigma_min adaptively, then denoises (unless turned off). */
export async function probabilityFlowRk45(
  score: ScoreFn,
  init: SampleBatch,
  range: { readonly sigmaMax: number; readonly sigmaMin: number },
  opts: Rk45Options = {},
): Promise<Rk45Result> {
  checkBatch(init.x, init.shape);
  const { sigmaMax, sigmaMin } = range;
  if (!(sigmaMax > sigmaMin && sigmaMin > 0))
    throw new Error(`RK45 needs sigmaMax > sigmaMin > 0, got ${sigmaMax} and ${sigmaMin}`);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-5;
  checkPositive('rtol', rtol);
  checkPositive('atol', atol);
  const maxSteps = opts.maxSteps ?? 10000;
  const levelScore = new LevelScore(score, init.shape);
  const size = init.x.length;
  const reporter = new StepReporter(opts.callback, 50, size);
  const x = Float32Array.from(init.x);
  const y = new Float32Array(size);
  const k = Array.from({ length: 7 }, () => new Float32Array(size));
  const uEnd = Math.log(sigmaMin);
  let u = Math.log(sigmaMax);
  let h = -0.05 * (u - uEnd);
  // dx/du at (u, y) into out; returns the raw score for the denoised estimate.
  const slope = async (uu: number, yy: Float32Array, out: Float32Array): Promise<Float32Array> => {
    const sigma = Math.exp(uu);
    const s = await levelScore.at(yy, sigma);
    for (let i = 0; i < size; i++) out[i] = -sigma * sigma * s[i]!;
    return s;
  };
  let s0 = await slope(u, x, k[0]!);
  let [accepted, rejected] = [0, 0];
  while (u > uEnd + 1e-12) {
    if (accepted + rejected >= maxSteps)
      throw new Error(
        `RK45 did not reach sigma_min in ${maxSteps} steps (at sigma = ${Math.exp(u)})`,
      );
    h = Math.max(h, uEnd - u);
    // 1. The six new stages; the last one is the 5th-order solution (first-same-as-last).
    for (let j = 1; j < 7; j++) {
      for (let i = 0; i < size; i++) {
        let v = x[i]!;
        for (let m = 0; m < j; m++) v += h * A[j]![m]! * k[m]![i]!;
        y[i] = v;
      }
      await slope(u + C[j]! * h, y, k[j]!);
    }
    // 2. The RMS of the embedded error estimate, scaled by the tolerances.
    let err2 = 0;
    for (let i = 0; i < size; i++) {
      let e = 0;
      for (let m = 0; m < 7; m++) e += E[m]! * k[m]![i]!;
      err2 += ((h * e) / (atol + rtol * Math.max(Math.abs(x[i]!), Math.abs(y[i]!)))) ** 2;
    }
    const err = Math.sqrt(err2 / size);
    // 3. Accept (advance, reuse the last stage) or reject; adapt h either way.
    if (err <= 1) {
      reporter.denoise(x, s0, Math.exp(u));
      let sum = 0;
      for (let i = 0; i < size; i++) sum += x[i] = y[i]!;
      u += h;
      accepted++;
      reporter.totalSteps = accepted + Math.ceil((u - uEnd) / Math.max(-h, 1e-12)) + 1;
      await reporter.done(x, Math.exp(u), sum);
      k[0]!.set(k[6]!);
      s0 = Float32Array.from(k[6]!, (v) => -v / Math.exp(2 * u));
    } else rejected++;
    h *= Math.min(5, Math.max(0.2, 0.9 * (err > 0 ? err : 1e-10) ** -0.2));
  }
  // 4. Tweedie's denoising step.
  if (opts.denoise ?? true) await finalDenoise(levelScore, x, sigmaMin, reporter);
  return {
    x,
    evaluations: levelScore.evaluations,
    acceptedSteps: accepted,
    rejectedSteps: rejected,
  };
}
