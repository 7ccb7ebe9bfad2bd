/**
 * NCSNv2 hyperparameters computed instead of tuned (Song & Ermon 2020, "Improved Techniques for
 * Training Score-Based Generative Models"; algorithms.md section 4). Each function returns the
 * value with the reason for it, so commands can print why a setting was chosen.
 */
import type { FiniteSource } from '../data/source.ts';
import { maxPairwiseDistance } from '../data/max-pairwise-distance.ts';
import type { Rng } from '../rng/rng.ts';
import { normalCdf } from './normal-cdf.ts';

/** A computed hyperparameter and why it has that value. */
export interface Ruled<T = number> {
  readonly value: T;
  readonly reason: string;
}

/** Technique 1: sigma_1 = the largest Euclidean distance between two training points. */
export async function sigmaMaxFromData(source: FiniteSource, rng: Rng): Promise<Ruled> {
  const d = await maxPairwiseDistance(source, rng);
  const bound = d.exact
    ? ''
    : ` (true maximum within [${fmt(d.lowerBound)}, ${fmt(d.upperBound)}])`;
  return {
    value: d.value,
    reason: `technique 1: largest pairwise distance of ${source.name}, ${d.method}${bound}`,
  };
}

/**
 * Technique 2's overlap between consecutive levels for dimension `dim` and ratio `gamma`:
 * Phi(sqrt(2D)(gamma - 1) + 3 gamma) - Phi(sqrt(2D)(gamma - 1) - 3 gamma).
 */
export function levelOverlap(dim: number, gamma: number): number {
  const m = Math.sqrt(2 * dim) * (gamma - 1);
  return normalCdf(m + 3 * gamma) - normalCdf(m - 3 * gamma);
}

/**
 * Technique 2: the ratio gamma = sigma_{i-1}/sigma_i > 1 at which the overlap equals 0.5. The
 * overlap starts near 1 at gamma = 1 and tends to 0 only when sqrt(2D) > 3, so D >= 5 is needed.
 */
export function ncsnv2Ratio(dim: number): Ruled {
  if (!(Number.isInteger(dim) && dim >= 5)) {
    throw new Error(
      `NCSNv2 technique 2 needs data dimension D >= 5 (the overlap rule has no solution for D = ${dim}); give the number of noise levels instead`,
    );
  }
  let lo = 1;
  let hi = 1 + 1e-4;
  while (levelOverlap(dim, hi) >= 0.5) [lo, hi] = [hi, 1 + 2 * (hi - 1)];
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (levelOverlap(dim, mid) >= 0.5) lo = mid;
    else hi = mid;
  }
  const gamma = 0.5 * (lo + hi);
  return {
    value: gamma,
    reason: `technique 2: Phi(sqrt(2D)(gamma-1)+3gamma) - Phi(sqrt(2D)(gamma-1)-3gamma) = 0.5 for D = ${dim}`,
  };
}

/** Technique 2: the number of geometric levels L with ratio at most `gamma` from sigma_1 to sigma_L. */
export function ncsnv2NumScales(sigmaMax: number, sigmaMin: number, gamma: number): Ruled {
  if (!(sigmaMax > sigmaMin && sigmaMin > 0 && gamma > 1))
    throw new Error(`NCSNv2 levels need sigmaMax > sigmaMin > 0 and gamma > 1`);
  const value = Math.ceil(Math.log(sigmaMax / sigmaMin) / Math.log(gamma) - 1e-9) + 1;
  return {
    value,
    reason: `technique 2: ratio ${gamma.toFixed(4)} from ${fmt(sigmaMax)} to ${fmt(sigmaMin)} needs ${value} levels`,
  };
}

/**
 * Technique 4's objective: with eta = eps / sigma_L^2 and b = 2 eta / (1 - (1 - eta)^2),
 * f(eps) = (1 - eta)^(2T) (gamma^2 - b) + b, the variance ratio at the end of a level.
 */
export function stepSizeObjective(eps: number, T: number, gamma: number, sigmaMin: number): number {
  const eta = eps / (sigmaMin * sigmaMin);
  const b = (2 * eta) / (1 - (1 - eta) ** 2);
  return (1 - eta) ** (2 * T) * (gamma * gamma - b) + b;
}

/**
 * Technique 4: the eps in (0, sigma_L^2) that brings f(eps) closest to 1 for T steps per level
 * (a log-spaced scan, then golden-section refinement of |f - 1|).
 */
export function ncsnv2StepSize(T: number, gamma: number, sigmaMin: number): Ruled & { f: number } {
  if (!(Number.isInteger(T) && T >= 1)) throw new Error(`NCSNv2 step size needs T >= 1, got ${T}`);
  const loss = (logEta: number): number =>
    Math.abs(stepSizeObjective(Math.exp(logEta) * sigmaMin * sigmaMin, T, gamma, sigmaMin) - 1);
  const grid = Array.from(
    { length: 401 },
    (_, i) => Math.log(1e-8) + (i / 400) * (Math.log(0.999) - Math.log(1e-8)),
  );
  const best = grid.reduce((a, b) => (loss(b) < loss(a) ? b : a));
  const step = grid[1]! - grid[0]!;
  let [a, b] = [best - step, Math.min(best + step, Math.log(0.999))];
  const r = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 80; i++) {
    const c = b - r * (b - a);
    const d = a + r * (b - a);
    if (loss(c) < loss(d)) b = d;
    else a = c;
  }
  const eps = Math.exp(0.5 * (a + b)) * sigmaMin * sigmaMin;
  const f = stepSizeObjective(eps, T, gamma, sigmaMin);
  return {
    value: eps,
    f,
    reason: `technique 4: minimises |f(eps) - 1| for T = ${T}, gamma = ${gamma.toFixed(4)}, sigma_L = ${fmt(sigmaMin)} (f = ${f.toFixed(3)})`,
  };
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
