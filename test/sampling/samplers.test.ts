/**
 * Sampler contracts and smaller analytic checks: MALA removes Langevin's step-size bias, RK45
 * and Heun agree, the VP wrapper inverts, DDPM lands on the data, callbacks carry
 * (step, sigma, x, denoised), and NaN stops a run with its step and sigma.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/rng.ts';
import { annealedLangevin } from '../../src/sampling/annealed-langevin.ts';
import { ddpm } from '../../src/sampling/ddpm.ts';
import { langevin } from '../../src/sampling/langevin.ts';
import { mala } from '../../src/sampling/mala.ts';
import { probabilityFlow } from '../../src/sampling/probability-flow.ts';
import { probabilityFlowRk45 } from '../../src/sampling/probability-flow-rk45.ts';
import type { ScoreFn } from '../../src/score/score-fn.ts';
import { gaussianScore } from '../../src/score/gaussian-score.ts';
import { karrasSigmas } from '../../src/score/karras-sigmas.ts';
import { geometricSigmas } from '../../src/score/schedule.ts';
import { epsFromScore, linearVpSchedule, scoreFromEps } from '../../src/score/vp.ts';

const variance = (x: Float32Array): number => x.reduce((a, v) => a + v * v, 0) / x.length;
const standard = gaussianScore([0], [1]); // N(0, 1)

describe('samplers', () => {
  it('MALA is unbiased where Langevin with the same large step is not', async () => {
    const n = 4000;
    const init = { x: new Rng(1).normals(n), shape: [n, 1] };
    const opts = { stepSize: 0.5, steps: 100 };
    const ula = await langevin(standard.score, init, 1e-6, opts, new Rng(2));
    const logDensity = (x: Float32Array) => standard.logDensity(x, 1e-6);
    const m = await mala(standard.score, init, 1e-6, { ...opts, logDensity }, new Rng(2));
    // ULA's stationary variance is 1 / (1 - a/2) = 1.33; MALA's is 1.
    expect(variance(ula)).toBeGreaterThan(1.2);
    expect(Math.abs(variance(m.x) - 1)).toBeLessThan(0.06);
    expect(m.acceptanceRate).toBeGreaterThan(0.5);
    expect(m.acceptanceRate).toBeLessThan(1);
  });

  it('adaptive RK45 and Heun on Karras sigmas give the same ODE solution', async () => {
    const g = gaussianScore([1, -1, 0.5], [2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 0.3]);
    const init = { x: new Rng(3).fillNormal(new Float32Array(300), 0, 20), shape: [100, 3] };
    const heun = await probabilityFlow(g.score, init, karrasSigmas(20, 0.01, 60));
    const rk = await probabilityFlowRk45(g.score, init, { sigmaMax: 20, sigmaMin: 0.01 });
    const err = heun.reduce((m, v, i) => Math.max(m, Math.abs(v - rk.x[i]!)), 0);
    expect(err).toBeLessThan(1e-2); // Heun's error at 60 steps
    expect(rk.evaluations).toBe(6 * (rk.acceptedSteps + rk.rejectedSteps) + 2);
  });

  it('the VP wrapper: scoreFromEps(epsFromScore(s)) = s on the schedule', async () => {
    const vp = linearVpSchedule(1000);
    const back = scoreFromEps(epsFromScore(standard.score, vp), vp);
    const x = new Rng(4).normals(3);
    const sigma = Float32Array.from([vp.sigmas[0]!, vp.sigmas[500]!, vp.sigmas[999]!]);
    const a = await standard.score(x, sigma, [3, 1]);
    const b = await back(x, sigma, [3, 1]);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
  });

  it('DDPM ancestral sampling of N(0, S) through the VP wrapper', async () => {
    const g = gaussianScore([2], [0.25]);
    const n = 4000;
    const x = await ddpm(
      g.score,
      { x: new Rng(5).normals(n), shape: [n, 1] },
      linearVpSchedule(1000),
      {},
      new Rng(6),
    );
    const mean = x.reduce((a, v) => a + v, 0) / n;
    const v = x.reduce((a, t) => a + (t - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 2)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    expect(Math.abs(v - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / n));
  });

  it('callbacks carry step, sigma, x and the Tweedie estimate', async () => {
    const seen: { step: number; sigma: number; denoisedVar: number }[] = [];
    const sigmas = geometricSigmas(5, 0.1, 3);
    const init = { x: new Rng(7).fillNormal(new Float32Array(2000), 0, 5), shape: [2000, 1] };
    await annealedLangevin(
      standard.score,
      init,
      sigmas,
      {
        stepsPerScale: 2,
        eps: 1e-3,
        callback: ({ step, totalSteps, sigma, denoised }) => {
          expect(totalSteps).toBe(7);
          seen.push({ step, sigma, denoisedVar: variance(denoised) });
        },
      },
      new Rng(8),
    );
    expect(seen.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.map((s) => s.sigma)).toEqual([0, 0, 1, 1, 2, 2, 2].map((i) => sigmas[i]));
    // E[x0 | x] shrinks x by 1 / (1 + sigma^2): far less spread than x itself at sigma = 5.
    expect(seen[0]!.denoisedVar).toBeLessThan(1.5);
  });

  it('stops at the first NaN with the step and sigma', async () => {
    let calls = 0;
    const bad: ScoreFn = async (x) => x.map(() => (++calls > 10 * 3 ? NaN : 0));
    const init = { x: new Float32Array(10), shape: [10, 1] };
    const run = annealedLangevin(bad, init, [1, 0.5], { stepsPerScale: 3, eps: 1e-3 }, new Rng(9));
    await expect(run).rejects.toThrow(/NaN or Inf at step 4 of 7 \(sigma = 0\.5\)/);
  });
});
