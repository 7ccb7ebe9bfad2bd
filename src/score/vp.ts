/**
 * DDPM as a variance-preserving model (Ho et al. 2020; Song et al. 2021, section 3.4;
 * algorithms.md section 7). Linear betas, alpha_bar_t = prod_{s <= t} (1 - beta_s), and the
 * change of variables to the VE score contract:
 *
 *   sigma_t = sqrt((1 - alpha_bar_t) / alpha_bar_t),  x_VE = x_t / sqrt(alpha_bar_t),
 *   score_VE(x_VE, sigma_t) = -eps_theta(x_t, t) / sigma_t.
 */
import { DDPM_BETAS, linearBetas } from '../models/linear-betas.ts';
import type { ScoreFn } from './score-fn.ts';

/** A discrete VP schedule, index t = 0..T-1 standing for DDPM's t = 1..T. */
export interface VpSchedule {
  readonly betas: Float64Array;
  readonly alphaBars: Float64Array;
  /** The VE noise level of each step: sqrt((1 - alpha_bar) / alpha_bar), increasing in t. */
  readonly sigmas: Float64Array;
}

/** A noise predictor eps_theta(x_t [N, ...D], t [N] (0-based step indices)) -> [N, ...D]. */
export type EpsFn = (
  xt: Float32Array,
  t: Int32Array,
  shape: readonly number[],
) => Promise<Float32Array>;

/** Ho et al. (2020), section 4: beta linear from `betaMin` to `betaMax` over T steps. */
export function linearVpSchedule(
  T = DDPM_BETAS.numTimesteps,
  betaMin = DDPM_BETAS.betaMin,
  betaMax = DDPM_BETAS.betaMax,
): VpSchedule {
  if (!(Number.isInteger(T) && T >= 2)) throw new Error(`DDPM needs T >= 2 steps, got ${T}`);
  if (!(0 < betaMin && betaMin <= betaMax && betaMax < 1))
    throw new Error(`DDPM betas need 0 < betaMin <= betaMax < 1, got ${betaMin}, ${betaMax}`);
  const betas = linearBetas({ betaMin, betaMax, numTimesteps: T });
  const alphaBars = new Float64Array(T);
  let prod = 1;
  betas.forEach((b, t) => (alphaBars[t] = prod *= 1 - b));
  const sigmas = alphaBars.map((a) => Math.sqrt((1 - a) / a));
  return { betas, alphaBars, sigmas };
}

/**
 * A score-model's noise prediction (the inverse of the conversion above):
 * eps_theta(x_t, t) = -sigma_t * score_VE(x_t / sqrt(alpha_bar_t), sigma_t).
 */
export function epsFromScore(score: ScoreFn, schedule: VpSchedule): EpsFn {
  return async (xt, t, shape) => {
    const n = t.length;
    const d = xt.length / n;
    const xVe = new Float32Array(xt.length);
    const sigma = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const scale = 1 / Math.sqrt(schedule.alphaBars[t[i]!]!);
      sigma[i] = schedule.sigmas[t[i]!]!;
      for (let j = i * d; j < (i + 1) * d; j++) xVe[j] = xt[j]! * scale;
    }
    const s = await score(xVe, sigma, shape);
    for (let i = 0; i < n; i++) for (let j = i * d; j < (i + 1) * d; j++) s[j] = -sigma[i]! * s[j]!;
    return s;
  };
}

/**
 * A noise predictor as a {@link ScoreFn}: each sigma is mapped to the step t whose sigma_t is
 * nearest in log sigma (exact on the schedule's levels), then score = -eps_theta(x_t, t) / sigma_t.
 */
export function scoreFromEps(eps: EpsFn, schedule: VpSchedule): ScoreFn {
  const logSigmas = Array.from(schedule.sigmas, Math.log);
  return async (x, sigma, shape) => {
    const n = sigma.length;
    const d = x.length / n;
    const t = Int32Array.from(sigma, (s) => nearestIndex(logSigmas, Math.log(s)));
    const xt = new Float32Array(x.length);
    for (let i = 0; i < n; i++) {
      const scale = Math.sqrt(schedule.alphaBars[t[i]!]!);
      for (let j = i * d; j < (i + 1) * d; j++) xt[j] = x[j]! * scale;
    }
    const e = await eps(xt, t, shape);
    for (let i = 0; i < n; i++) {
      const sigmaT = schedule.sigmas[t[i]!]!;
      for (let j = i * d; j < (i + 1) * d; j++) e[j] = -e[j]! / sigmaT;
    }
    return e;
  };
}

/** Index of the value of the increasing `sorted` nearest to `v` (binary search). */
function nearestIndex(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid;
    else hi = mid;
  }
  return Math.abs(sorted[hi]! - v) < Math.abs(v - sorted[lo]!) ? hi : lo;
}
