/**
 * A 64-dimensional Gaussian with a known non-diagonal covariance (exact score, run from its
 * ONNX score-model file): sample mean and covariance match within tolerances set by the Monte
 * Carlo error of n samples, Var(mean_i) = S_ii / n and Var(S^_ij) = (S_ii S_jj + S_ij^2) / n,
 * at 5 standard errors (2,144 entries checked at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/rng.ts';
import { probabilityFlow } from '../../src/sampling/probability-flow.ts';
import { predictorCorrector } from '../../src/sampling/predictor-corrector.ts';
import { closedFormScoreModel } from '../../src/score/closed-form-score-model.ts';
import { gaussianScore } from '../../src/score/gaussian-score.ts';
import { karrasSigmas } from '../../src/score/karras-sigmas.ts';
import { openScoreModel, type ScoreModel } from '../../src/score/score-model-file.ts';
import { geometricSigmas } from '../../src/score/schedule.ts';
import { randomCovariance } from './gaussian-fixtures.ts';

const D = 64;
const N = 2000;
const rng = new Rng(11);
const S = randomCovariance(D, rng);
const MU = Float64Array.from(rng.normals(D), (v) => 0.5 * v);
const SIGMA_MAX = 100;
let model: ScoreModel;

beforeAll(async () => {
  const bytes = closedFormScoreModel(gaussianScore(MU, S), [D]);
  model = await openScoreModel(bytes, 'gaussian-64d', { threads: 1 });
});
afterAll(() => model.release());

/** Worst mean and covariance errors in standard errors. */
function standardErrors(x: Float32Array): { mean: number; cov: number } {
  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) mean[j]! += x[i * D + j]! / N;
  let worstMean = 0;
  for (let j = 0; j < D; j++)
    worstMean = Math.max(worstMean, Math.abs(mean[j]! - MU[j]!) / Math.sqrt(S[j * D + j]! / N));
  let worstCov = 0;
  for (let a = 0; a < D; a++)
    for (let b = a; b < D; b++) {
      let c = 0;
      for (let i = 0; i < N; i++) c += (x[i * D + a]! - mean[a]!) * (x[i * D + b]! - mean[b]!);
      c /= N - 1;
      const se = Math.sqrt((S[a * D + a]! * S[b * D + b]! + S[a * D + b]! ** 2) / N);
      worstCov = Math.max(worstCov, Math.abs(c - S[a * D + b]!) / se);
    }
  return { mean: worstMean, cov: worstCov };
}

const init = () => ({
  x: new Rng(1).fillNormal(new Float32Array(N * D), 0, SIGMA_MAX),
  shape: [N, D],
});

describe('64-dimensional Gaussian, non-diagonal covariance', () => {
  it('probability-flow ODE (Heun, 30 Karras sigmas)', async () => {
    const x = await probabilityFlow(model.score, init(), karrasSigmas(SIGMA_MAX, 0.01, 30));
    const e = standardErrors(x);
    console.log(
      `ode: worst mean error ${e.mean.toFixed(2)} SE, worst covariance error ${e.cov.toFixed(2)} SE`,
    );
    expect(e.mean).toBeLessThan(5);
    expect(e.cov).toBeLessThan(5);
  });

  it('predictor-corrector (300 levels)', async () => {
    const x = await predictorCorrector(
      model.score,
      init(),
      geometricSigmas(SIGMA_MAX, 0.01, 300),
      { snr: 0.16 },
      new Rng(2),
    );
    const e = standardErrors(x);
    console.log(
      `pc: worst mean error ${e.mean.toFixed(2)} SE, worst covariance error ${e.cov.toFixed(2)} SE`,
    );
    expect(e.mean).toBeLessThan(5);
    expect(e.cov).toBeLessThan(5);
  });
});
