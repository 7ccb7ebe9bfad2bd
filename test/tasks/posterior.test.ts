/**
 * Posterior sampling of log densities scorekit differentiates itself: Bayesian linear
 * regression (conjugate, exact posterior) from ONNX files built with the graph builder and
 * exported by PyTorch, MALA against unadjusted Langevin on a banana density, SGLD on
 * minibatches. Chains are independent and each keeps one draw after a long burn-in, so the
 * Monte Carlo standard errors are those of independent samples.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  add,
  exportOnnx,
  Graph,
  mul,
  reduceSum,
  matmul,
  slice,
  sub,
  transpose,
  type Value,
} from '../../src/graph/index.ts';
import { Rng } from '../../src/rng/rng.ts';
import { logDensityFromGraph, logDensityFromOnnx } from '../../src/tasks/log-density.ts';
import { samplePosterior } from '../../src/tasks/posterior.ts';
import { sgld } from '../../src/tasks/sgld.ts';
import { moments, standardErrors } from './gaussian-posterior.ts';
import { exactPosterior, makeRegression, regressionOnnx } from './regression.ts';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`skipping the PyTorch log-density test: ${PYTHON} cannot import torch`);
const dir = mkdtempSync(join(tmpdir(), 'scorekit-posterior-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REG = makeRegression(3, 30, 1);
const EXACT = exactPosterior(REG);
const CHAINS = 2000;

async function malaOnFile(bytes: Uint8Array, name: string): Promise<void> {
  const density = await logDensityFromOnnx(bytes, name, { threads: 1 });
  try {
    const init = new Rng(2).fillNormal(new Float32Array(CHAINS * 3));
    const r = await samplePosterior(
      density,
      { sampler: 'mala', stepSize: 0.004, steps: 300, burnIn: 299, init },
      new Rng(3),
    );
    expect(r.kept).toBe(1);
    const e = standardErrors(r.samples, CHAINS, EXACT);
    console.log(
      `${name}: MALA acceptance ${r.acceptanceRate!.toFixed(3)}, worst mean error ${e.mean.toFixed(2)} SE, worst covariance error ${e.cov.toFixed(2)} SE`,
    );
    expect(e.mean).toBeLessThan(5);
    expect(e.cov).toBeLessThan(5);
    expect(r.acceptanceRate).toBeGreaterThan(0.3);
  } finally {
    await density.release();
  }
}

/** The banana log p = -t1^2 / 2 - (t2 - t1^2)^2 / 2: t1 ~ N(0, 1), t2 | t1 ~ N(t1^2, 1). */
function banana(theta: Value): Value {
  const t1 = slice(theta, [0], [1], [1]); // [N, 1]
  const t2 = slice(theta, [1], [2], [1]);
  const dev = sub(t2, mul(t1, t1));
  return mul(reduceSum(add(mul(t1, t1), mul(dev, dev)), [1]), -0.5);
}

/** Exact draws of the banana: the chains start at the target. */
function bananaDraws(c: number, rng: Rng): Float32Array {
  const x = new Float32Array(2 * c);
  for (let i = 0; i < c; i++) {
    const t1 = rng.normal();
    x[2 * i] = t1;
    x[2 * i + 1] = t1 * t1 + rng.normal();
  }
  return x;
}

/** E t2 = 1, Var t1 = 1, Var t2 = 1 + Var(t1^2) = 3: each error in standard errors of C draws. */
function bananaErrors(
  x: Float32Array,
  c: number,
): { meanT2: number; varT1: number; varT2: number; values: string } {
  const col = (j: number): Float64Array =>
    Float64Array.from({ length: c }, (_, i) => x[2 * i + j]!);
  const stats = (v: Float64Array): { mean: number; variance: number; m4: number } => {
    const mean = v.reduce((a, b) => a + b, 0) / c;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (c - 1);
    const m4 = v.reduce((a, b) => a + (b - mean) ** 4, 0) / c;
    return { mean, variance, m4 };
  };
  const [s1, s2] = [stats(col(0)), stats(col(1))];
  return {
    meanT2: (s2.mean - 1) / Math.sqrt(s2.variance / c),
    varT1: (s1.variance - 1) / Math.sqrt((s1.m4 - s1.variance ** 2) / c),
    varT2: (s2.variance - 3) / Math.sqrt((s2.m4 - s2.variance ** 2) / c),
    values: `E t2 = ${s2.mean.toFixed(3)}, Var t1 = ${s1.variance.toFixed(3)}, Var t2 = ${s2.variance.toFixed(3)}`,
  };
}

describe('posterior sampling', () => {
  it('on a banana density, MALA removes the bias of unadjusted Langevin with a large step', async () => {
    const density = await logDensityFromGraph(banana, 2, { threads: 1 });
    const c = 4000;
    const run = (sampler: 'langevin' | 'mala'): ReturnType<typeof samplePosterior> =>
      samplePosterior(
        density,
        {
          sampler,
          stepSize: 0.06,
          steps: 1000,
          burnIn: 999,
          init: bananaDraws(c, new Rng(4)),
        },
        new Rng(5),
      );
    try {
      const ula = bananaErrors((await run('langevin')).samples, c);
      const m = await run('mala');
      const adjusted = bananaErrors(m.samples, c);
      const f = (e: typeof ula): string =>
        `${e.values} (errors ${e.meanT2.toFixed(1)}, ${e.varT1.toFixed(1)}, ${e.varT2.toFixed(1)} SE)`;
      console.log(
        `banana, a = 0.06, 1000 steps from exact draws: Langevin ${f(ula)}; MALA (acceptance ${m.acceptanceRate!.toFixed(3)}) ${f(adjusted)}`,
      );
      expect(
        Math.max(Math.abs(ula.meanT2), Math.abs(ula.varT1), Math.abs(ula.varT2)),
      ).toBeGreaterThan(8);
      for (const v of [adjusted.meanT2, adjusted.varT1, adjusted.varT2])
        expect(Math.abs(v)).toBeLessThan(4);
    } finally {
      await density.release();
    }
  });

  it('MALA matches the exact Bayesian linear-regression posterior (graph-built ONNX file)', async () => {
    const { graph, theta, logp } = regressionOnnx(REG);
    await malaOnFile(exportOnnx(graph, { inputs: [theta], outputs: { logp } }), 'regression.onnx');
  });

  it.skipIf(!hasTorch)('... and from a file exported by torch.onnx.export', async () => {
    const problem = join(dir, 'problem.json');
    const file = join(dir, 'torch-regression.onnx');
    writeFileSync(
      problem,
      JSON.stringify({
        X: Array.from({ length: REG.n }, (_, i) => Array.from(REG.X.subarray(i * 3, i * 3 + 3))),
        y: Array.from(REG.y),
        noise_std: REG.noiseStd,
        alpha: REG.alpha,
      }),
    );
    const script = join(import.meta.dirname, 'torch_log_density.py');
    const res = spawnSync(PYTHON, [script, file, problem], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    await malaOnFile(readFileSync(file), 'torch-regression.onnx');
  });

  it('SGLD on minibatches (N / B scaling, decreasing step) approaches the exact posterior', async () => {
    const g = new Graph();
    const theta = g.input('theta', 'float32', ['N', 3]);
    const data = g.input('data', 'float32', ['B', 4]); // rows (x_1, x_2, x_3, y)
    const x = slice(data, [0], [3], [1]); // [B, 3]
    const y = transpose(slice(data, [3], [4], [1]), [1, 0]); // [1, B]
    const resid = sub(matmul(theta, transpose(x, [1, 0])), y); // [N, B]
    const logp = mul(reduceSum(mul(resid, resid), [1]), -0.5 / REG.noiseStd ** 2);
    const logPrior = mul(reduceSum(mul(theta, theta), [1]), -0.5 * REG.alpha);
    const bytes = exportOnnx(g, {
      inputs: [theta, data],
      outputs: { logp, log_prior: logPrior },
    });
    const density = await logDensityFromOnnx(bytes, 'minibatch.onnx', { threads: 1 });
    const rows = Float32Array.from({ length: REG.n * 4 }, (_, k) => {
      const [i, j] = [Math.floor(k / 4), k % 4];
      return j < 3 ? REG.X[i * 3 + j]! : REG.y[i]!;
    });
    try {
      const r = await sgld(
        density,
        {
          stepSize: 0.004,
          steps: 8000,
          burnIn: 4000,
          thin: 40,
          batchSize: 10,
          data: rows,
          init: new Rng(6).fillNormal(new Float32Array(200 * 3), 0, 0.1),
        },
        new Rng(7),
      );
      // The chains share each step's minibatch, so they are not independent: errors are
      // measured in posterior standard deviations over all 200 x 100 kept draws.
      const got = moments(r.samples, 200 * r.kept, 3);
      const sd = [0, 1, 2].map((j) => Math.sqrt(EXACT.cov[j * 4]!));
      const meanErr = [0, 1, 2].map((j) => Math.abs(got.mean[j]! - EXACT.mean[j]!) / sd[j]!);
      const varRatio = [0, 1, 2].map((j) => got.cov[j * 4]! / EXACT.cov[j * 4]!);
      console.log(
        `SGLD (B = 10 of 30): mean errors ${meanErr.map((v) => v.toFixed(3)).join(', ')} posterior sd, variance ratios ${varRatio.map((v) => v.toFixed(3)).join(', ')}`,
      );
      for (const v of meanErr) expect(v).toBeLessThan(0.15);
      for (const v of varRatio) expect(Math.abs(v - 1)).toBeLessThan(0.25);
    } finally {
      await density.release();
    }
  });
});
