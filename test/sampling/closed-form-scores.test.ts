/**
 * The closed-form scores: the gradient of their own log density (central differences), and
 * their ONNX score-model files (run by ONNX Runtime) give the same numbers as the JS versions.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/graph/index.ts';
import { Rng } from '../../src/rng/rng.ts';
import { Session } from '../../src/runtime/session.ts';
import { closedFormScoreModel } from '../../src/score/closed-form-score-model.ts';
import { gaussianMixtureScore } from '../../src/score/gaussian-mixture-score.ts';
import { gaussianScore } from '../../src/score/gaussian-score.ts';
import { symmetricEigen } from '../../src/score/symmetric-eigen.ts';
import { randomCovariance } from './gaussian-fixtures.ts';

type LogDensity = (x: ArrayLike<number>, sigma: number) => Float64Array;

/** max |score - grad log p| over a few points, by central differences in float64. */
async function gradientError(
  score: (x: Float32Array, s: Float32Array, shape: number[]) => Promise<Float32Array>,
  logDensity: LogDensity,
  dim: number,
  sigma: number,
  rng: Rng,
): Promise<number> {
  const x = rng.fillNormal(new Float32Array(4 * dim), 0, 2);
  const s = await score(x, new Float32Array(4).fill(sigma), [4, dim]);
  let err = 0;
  const h = 1e-3;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < dim; j++) {
      const row = Float64Array.from(x.subarray(i * dim, (i + 1) * dim));
      row[j] = row[j]! + h;
      const up = logDensity(row, sigma)[0]!;
      row[j] = row[j]! - 2 * h;
      const down = logDensity(row, sigma)[0]!;
      err = Math.max(err, Math.abs((up - down) / (2 * h) - s[i * dim + j]!));
    }
  }
  return err;
}

async function runFile(bytes: Uint8Array, x: Float32Array, sigma: Float32Array, shape: number[]) {
  const session = await Session.fromBytes(bytes, { threads: 1 });
  const out = await session.run({
    x: tensor('float32', shape, x),
    sigma: tensor('float32', [shape[0]!], sigma),
  });
  await session.release();
  return out['score']!.data as Float32Array;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describe('closed-form scores', () => {
  it('eigendecomposition reconstructs a symmetric matrix', () => {
    const dim = 12;
    const S = randomCovariance(dim, new Rng(1));
    const { values, vectors: q } = symmetricEigen(S, dim);
    let err = 0;
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) {
        let v = 0;
        for (let k = 0; k < dim; k++) v += q[i * dim + k]! * values[k]! * q[j * dim + k]!;
        err = Math.max(err, Math.abs(v - S[i * dim + j]!));
      }
    expect(err).toBeLessThan(1e-10);
  });

  it('Gaussian: score = grad log N(mu, S + sigma^2 I), file = JS', async () => {
    const dim = 6;
    const rng = new Rng(2);
    const g = gaussianScore(rng.normals(dim), randomCovariance(dim, rng));
    for (const sigma of [0.01, 0.5, 5]) {
      expect(await gradientError(g.score, g.logDensity, dim, sigma, rng)).toBeLessThan(1e-3);
    }
    const x = rng.normals(5 * dim);
    const sigma = Float32Array.from([0.01, 0.1, 1, 3, 10]);
    const js = await g.score(x, sigma, [5, dim]);
    const onnx = await runFile(closedFormScoreModel(g, [dim]), x, sigma, [5, dim]);
    expect(maxDiff(js, onnx)).toBeLessThan(1e-3);
  });

  it('Gaussian mixture: score = grad log p_sigma in 2-D and 5-D, file = JS', async () => {
    const rng = new Rng(3);
    for (const dim of [2, 5]) {
      const means = [0, 1, 2].map(() => Array.from(rng.normals(dim), (v) => 3 * v));
      const m = gaussianMixtureScore({ means, scales: [0.5, 1, 0.3], weights: [0.5, 0.3, 0.2] });
      for (const sigma of [0.01, 0.7, 8]) {
        expect(await gradientError(m.score, m.logDensity, dim, sigma, rng)).toBeLessThan(2e-3);
      }
      const x = rng.fillNormal(new Float32Array(4 * dim), 0, 3);
      const sigma = Float32Array.from([0.01, 0.3, 2, 20]);
      const js = await m.score(x, sigma, [4, dim]);
      const onnx = await runFile(closedFormScoreModel(m, [dim]), x, sigma, [4, dim]);
      expect(maxDiff(js, onnx)).toBeLessThan(2e-3 * Math.max(1, ...js.map(Math.abs)));
    }
  });
});
