/**
 * Consistent annealed sampling keeps the noise level on schedule (Jolicoeur-Martineau et al.
 * 2020, Proposition 1): on Gaussian data N(0, s0^2 I) the variance after level i is
 * s0^2 + sigma_{i+1}^2. With the exact marginal score (rather than the per-sample noise that
 * the proposition assumes) one level maps a variance V to
 * (1 - eta sigma_i^2 / (s0^2 + sigma_i^2))^2 V + beta^2 sigma_{i+1}^2, which lags the schedule
 * by about eta / 2 of the variance at most: the sample variance must follow that recursion within 4
 * standard errors (of a variance from n D values), and the recursion the schedule within eta.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/rng.ts';
import { checkCasStepSize, consistentAnnealed } from '../../src/sampling/consistent-annealed.ts';
import { gaussianScore } from '../../src/score/gaussian-score.ts';
import { geometricSigmas } from '../../src/score/schedule.ts';

describe('consistent annealed sampling', () => {
  it('variance after level i = var(data) + sigma_{i+1}^2', async () => {
    const [D, N, s0] = [16, 2000, 1];
    const cov = new Float64Array(D * D);
    for (let i = 0; i < D; i++) cov[i * D + i] = s0 * s0;
    const g = gaussianScore(new Float64Array(D), cov);
    const sigmas = geometricSigmas(10, 0.01, 100);
    const gamma = sigmas[1]! / sigmas[0]!;
    const eta = 2 * (1 - gamma);
    const beta = Math.sqrt(1 - ((1 - eta) / gamma) ** 2);
    let V = sigmas[0]! ** 2; // the exact variance recursion, from the initial N(0, sigma_1^2 I)
    let [worstSample, worstLag] = [0, 0];
    await consistentAnnealed(
      g.score,
      { x: new Rng(1).fillNormal(new Float32Array(N * D), 0, sigmas[0]!), shape: [N, D] },
      sigmas,
      {
        eps: eta * 0.01 ** 2,
        denoise: false,
        callback: ({ step, x }) => {
          if (step + 1 >= sigmas.length) return;
          const [sigma, next] = [sigmas[step]!, sigmas[step + 1]!];
          V = (1 - (eta * sigma * sigma) / (s0 * s0 + sigma * sigma)) ** 2 * V + (beta * next) ** 2;
          let v = 0;
          for (const t of x) v += t * t;
          v /= x.length;
          const target = s0 * s0 + next * next;
          worstSample = Math.max(worstSample, Math.abs(v - V) / (4 * V * Math.sqrt(2 / (N * D))));
          worstLag = Math.max(worstLag, Math.abs(V - target) / target);
        },
      },
      new Rng(2),
    );
    expect(worstSample).toBeLessThan(1);
    expect(worstLag).toBeLessThan(eta);
  });

  it('rejects eps outside (sigma_L^2 (1 - gamma), sigma_L^2 (1 + gamma))', () => {
    const sigmas = geometricSigmas(1, 0.1, 10); // gamma = 0.774
    expect(() => checkCasStepSize(sigmas, 0.001)).toThrow(
      /eps in \(0\.00225\d*, 0\.0177\d*\).*got eps = 0\.001/,
    );
    expect(() => checkCasStepSize(sigmas, 0.02)).toThrow(/consistent annealed sampling needs/);
    expect(() => checkCasStepSize(sigmas, 0.01)).not.toThrow();
  });
});
