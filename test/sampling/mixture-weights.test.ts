/**
 * Song & Ermon 2019, section 3.2.2 and Figure 3: on a 2-D mixture of two far-apart Gaussians
 * with weights 0.8 / 0.2, annealed samplers recover the weights and plain Langevin at the
 * smallest level does not. Exact scores, 5000 samples (standard error of a weight 0.006).
 */
import { describe, expect, it } from 'vitest';
import { arraySource } from '../../src/data/source.ts';
import { gaussianMixture } from '../../src/data/toys/gaussian-mixture.ts';
import { Rng } from '../../src/rng/rng.ts';
import { annealedLangevin } from '../../src/sampling/annealed-langevin.ts';
import { consistentAnnealed } from '../../src/sampling/consistent-annealed.ts';
import { langevin } from '../../src/sampling/langevin.ts';
import { predictorCorrector } from '../../src/sampling/predictor-corrector.ts';
import { gaussianMixtureScore } from '../../src/score/gaussian-mixture-score.ts';
import { ncsnv2StepSize, sigmaMaxFromData } from '../../src/score/ncsnv2-rules.ts';
import { geometricSigmas } from '../../src/score/schedule.ts';

/** Components N((-2,-2), I) and N((8,8), I): 14 standard deviations apart, mean at the origin. */
const PARAMS = {
  means: [
    [-2, -2],
    [8, 8],
  ],
  scales: 1,
  weights: [0.8, 0.2],
};
const N = 5000;
const SHAPE = [N, 2];
const mixture = gaussianMixtureScore(PARAMS);

/** Fraction of samples on the first component's side of the bisector x + y = 6. */
function firstWeight(x: Float32Array): number {
  let k = 0;
  for (let i = 0; i < N; i++) if (x[2 * i]! + x[2 * i + 1]! < 6) k++;
  return k / N;
}

const init = (std: number) => ({
  x: new Rng(1).fillNormal(new Float32Array(2 * N), 0, std),
  shape: SHAPE,
});
const results: Record<string, number> = {};

describe('mixture weights 0.8 / 0.2', () => {
  it('annealed Langevin (NCSN: geometric 20 -> 0.01, T = 100, eps = 2e-5)', async () => {
    const sigmas = geometricSigmas(20, 0.01, 30);
    const x = await annealedLangevin(
      mixture.score,
      init(20),
      sigmas,
      { stepsPerScale: 100, eps: 2e-5 },
      new Rng(2),
    );
    results['als'] = firstWeight(x);
    expect(Math.abs(results['als'] - 0.8)).toBeLessThan(0.03);
  });

  it('NCSNv2 (sigma_1 from the data, eps from T)', async () => {
    const data = arraySource(
      'mixture',
      gaussianMixture(PARAMS).sample(N, new Rng(3)),
      [2],
      [-12, 12],
    );
    const sigma1 = await sigmaMaxFromData(data, new Rng(4)); // technique 1
    const sigmas = geometricSigmas(sigma1.value, 0.01, 100); // technique 2 needs D >= 5
    const T = 20;
    const eps = ncsnv2StepSize(T, sigmas[0]! / sigmas[1]!, 0.01); // technique 4
    expect(eps.f).toBeGreaterThan(1);
    const x = await annealedLangevin(
      mixture.score,
      init(sigma1.value),
      sigmas,
      { stepsPerScale: T, eps: eps.value },
      new Rng(2),
    );
    results['ncsnv2'] = firstWeight(x);
    expect(Math.abs(results['ncsnv2'] - 0.8)).toBeLessThan(0.03);
  });

  it('consistent annealed sampling (200 levels, eta = 2 (1 - gamma))', async () => {
    const sigmas = geometricSigmas(20, 0.01, 200);
    const eps = 2 * (1 - sigmas[1]! / sigmas[0]!) * 1e-4;
    const x = await consistentAnnealed(mixture.score, init(20), sigmas, { eps }, new Rng(2));
    results['cas'] = firstWeight(x);
    expect(Math.abs(results['cas'] - 0.8)).toBeLessThan(0.03);
  });

  it('predictor-corrector (200 levels, snr 0.16)', async () => {
    const sigmas = geometricSigmas(20, 0.01, 200);
    const x = await predictorCorrector(mixture.score, init(20), sigmas, { snr: 0.16 }, new Rng(2));
    results['pc'] = firstWeight(x);
    expect(Math.abs(results['pc'] - 0.8)).toBeLessThan(0.03);
  });

  it('plain Langevin at the smallest level does not', async () => {
    const x = await langevin(
      mixture.score,
      init(20),
      0.01,
      { stepSize: 0.01, steps: 1000 },
      new Rng(2),
    );
    results['langevin'] = firstWeight(x);
    expect(Math.abs(results['langevin'] - 0.8)).toBeGreaterThan(0.15);
    console.log(`first-component weight (true 0.8, n = ${N}): ${JSON.stringify(results)}`);
  });
});
