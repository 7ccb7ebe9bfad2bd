/**
 * Every inverse problem on a Gaussian prior N(mu, S) (exact perturbed score, no training) has
 * a known Gaussian posterior (algorithms.md section 8); the samples' mean and covariance must
 * match it within 5 Monte Carlo standard errors (the worst of up to ~90 entries checked at
 * once, each N(0, 1) when unbiased). The sampler's own bias is small against that: the
 * likelihood term is exact at sigma_L = 0.01 up to O(sigma_L^2), and annealed Langevin stops
 * tracking the moving target at about a relative 1 / (T eps / sigma_L^2) = 1/150 (T = 300,
 * eps / sigma_L^2 = 0.5); with T = 100 super-resolution and colorization show 5-7 SE mean errors.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/rng.ts';
import { samplerEntry, type SamplerInputs } from '../../src/sampling/registry.ts';
import { gaussianScore } from '../../src/score/gaussian-score.ts';
import type { ScoreFn } from '../../src/score/score-fn.ts';
import { gaussianKernel } from '../../src/tasks/blur-kernel.ts';
import { colorization } from '../../src/tasks/colorization.ts';
import { deblurring } from '../../src/tasks/deblurring.ts';
import { denoising, startAtNoiseLevel } from '../../src/tasks/denoising.ts';
import { inpainting } from '../../src/tasks/inpainting.ts';
import { type InverseProblem, solveInverseProblem } from '../../src/tasks/inverse-problem.ts';
import {
  averagePoolOperator,
  blurOperator,
  greyOperator,
  identityOperator,
  type LinearOperator,
} from '../../src/tasks/linear-operators.ts';
import { sourceSeparation } from '../../src/tasks/source-separation.ts';
import { superResolution } from '../../src/tasks/super-resolution.ts';
import { randomCovariance } from '../sampling/gaussian-fixtures.ts';
import {
  type Gaussian,
  linearGaussianPosterior,
  operatorMatrix,
  standardErrors,
} from './gaussian-posterior.ts';

const N = 1000;
const ALS: SamplerInputs = {
  sigmaMax: 10,
  sigmaMin: 0.01,
  numScales: 10,
  stepsPerScale: 300,
  eps: 5e-5,
  denoise: true,
  dataDim: 0,
};

function prior(d: number, seed: number): Gaussian & { score: ScoreFn } {
  const rng = new Rng(seed);
  const cov = randomCovariance(d, rng);
  const mean = Float64Array.from(rng.normals(d), (v) => 0.5 * v);
  return { mean, cov, score: gaussianScore(mean, cov).score };
}

/** y = A x + s_y z for one x from the prior. */
function observe(p: Gaussian, A: LinearOperator, noiseStd: number, rng: Rng): Float32Array {
  const d = p.mean.length;
  const x = new Float32Array(d);
  const z = rng.normals(d);
  // x = mu + L z with L from the eigen-free route: sample by a Cholesky factor.
  const L = cholesky(p.cov, d);
  for (let i = 0; i < d; i++) {
    let v = p.mean[i]!;
    for (let k = 0; k <= i; k++) v += L[i * d + k]! * z[k]!;
    x[i] = v;
  }
  const y = A.apply(x, 1);
  for (let k = 0; k < y.length; k++) y[k]! += noiseStd * rng.normal();
  return y;
}

function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j]!;
    }
  return l;
}

async function solve(
  problem: InverseProblem,
  score: ScoreFn,
  inputs: SamplerInputs = ALS,
  seed = 5,
): Promise<Float32Array[]> {
  const d = problem.dataShape.reduce((a, b) => a * b, 1);
  const plan = samplerEntry('als').plan({ ...inputs, dataDim: d });
  return solveInverseProblem(problem, score, plan, { samplesPerInput: N }, new Rng(seed));
}

function check(name: string, x: Float32Array, exact: Gaussian): void {
  const e = standardErrors(x, N, exact);
  console.log(
    `${name}: worst mean error ${e.mean.toFixed(2)} SE, worst covariance error ${e.cov.toFixed(2)} SE`,
  );
  expect(e.mean).toBeLessThan(5);
  expect(e.cov).toBeLessThan(5);
}

describe('inverse problems on a Gaussian prior match the exact posterior', () => {
  it('inpainting (known half, replaced after every step)', async () => {
    const shape = [1, 2, 4];
    const p = prior(8, 1);
    const mask = Float32Array.from([1, 1, 0, 0, 1, 0, 1, 0]);
    const known = [0, 1, 4, 6];
    const A = new Float64Array(known.length * 8);
    known.forEach((j, i) => (A[i * 8 + j] = 1));
    const y = observe(p, identityOperator(shape), 0, new Rng(2));
    const [x] = await solve(inpainting(shape, y, [1, ...shape], { data: mask, shape }), p.score);
    for (let i = 0; i < N; i++) for (const j of known) expect(x![i * 8 + j]).toBe(y[j]);
    check(
      'inpainting',
      x!,
      linearGaussianPosterior(
        p,
        A,
        known.map((j) => y[j]!),
        0,
      ),
    );
  });

  it('denoising (likelihood score, A = I)', async () => {
    const shape = [8];
    const p = prior(8, 3);
    const A = identityOperator(shape);
    const y = observe(p, A, 0.5, new Rng(4));
    const [x] = await solve(denoising(shape, y, [1, ...shape], 0.5), p.score);
    check('denoising', x!, linearGaussianPosterior(p, operatorMatrix(A), y, 0.5));
  });

  it('super-resolution (average pool by 2)', async () => {
    const shape = [1, 2, 4];
    const p = prior(8, 6);
    const A = averagePoolOperator(shape, 2);
    const y = observe(p, A, 0.1, new Rng(7));
    const problem = superResolution(shape, y, [1, 1, 1, 2], { factor: 2, noiseStd: 0.1 });
    const [x] = await solve(problem, p.score);
    check('super-resolution', x!, linearGaussianPosterior(p, operatorMatrix(A), y, 0.1));
  });

  it('deblurring (Gaussian kernel of width 0.5)', async () => {
    const shape = [1, 3, 3];
    const p = prior(9, 8);
    const kernel = gaussianKernel(0.5);
    const A = blurOperator(shape, kernel);
    const y = observe(p, A, 0.05, new Rng(9));
    const [x] = await solve(
      deblurring(shape, y, [1, ...shape], { kernel, noiseStd: 0.05 }),
      p.score,
    );
    check('deblurring', x!, linearGaussianPosterior(p, operatorMatrix(A), y, 0.05));
  });

  it('colorization (grey = channel mean)', async () => {
    const shape = [3, 2, 2];
    const p = prior(12, 10);
    const A = greyOperator(shape);
    const y = observe(p, A, 0.02, new Rng(11));
    const [x] = await solve(colorization(shape, y, [1, 1, 2, 2], 0.02), p.score);
    check('colorization', x!, linearGaussianPosterior(p, operatorMatrix(A), y, 0.02));
  });

  it('source separation (two priors, y = x1 + x2 + s_y z)', async () => {
    const d = 4;
    const [p1, p2] = [prior(d, 12), prior(d, 13)];
    // The joint prior of (x1, x2) and A = [I I].
    const joint: Gaussian = {
      mean: Float64Array.from([...p1.mean, ...p2.mean]),
      cov: new Float64Array(4 * d * d),
    };
    const A = new Float64Array(d * 2 * d);
    for (let i = 0; i < d; i++) {
      A[i * 2 * d + i] = 1;
      A[i * 2 * d + d + i] = 1;
      for (let j = 0; j < d; j++) {
        joint.cov[i * 2 * d + j] = p1.cov[i * d + j]!;
        joint.cov[(d + i) * 2 * d + d + j] = p2.cov[i * d + j]!;
      }
    }
    const jointOp: LinearOperator = {
      name: 'sum',
      inShape: [2 * d],
      outShape: [d],
      apply: (x) => Float32Array.from({ length: d }, (_, i) => x[i]! + x[d + i]!),
      adjoint: (y) => Float32Array.from([...y, ...y]),
    };
    const y = observe(joint, jointOp, 0.1, new Rng(14));
    const [x1, x2] = await solve(
      sourceSeparation([d], y, [1, d], { secondPrior: p2.score, noiseStd: 0.1 }),
      p1.score,
    );
    const both = new Float32Array(N * 2 * d);
    for (let i = 0; i < N; i++) {
      both.set(x1!.subarray(i * d, (i + 1) * d), i * 2 * d);
      both.set(x2!.subarray(i * d, (i + 1) * d), i * 2 * d + d);
    }
    check('source separation', both, linearGaussianPosterior(joint, A, y, 0.1));
  });

  it('denoising by starting at the noise level (pc reverse diffusion from x = y)', async () => {
    const shape = [8];
    const p = prior(8, 15);
    const A = identityOperator(shape);
    const y = observe(p, A, 0.8, new Rng(16));
    const inputs = startAtNoiseLevel(
      { sigmaMin: 0.01, numScales: 200, stepsPerScale: 0, denoise: true, dataDim: 8 },
      0.8,
    );
    const plan = samplerEntry('pc').plan(inputs);
    const [x] = await solveInverseProblem(
      denoising(shape, y, [1, ...shape], 0.8, 'start'),
      p.score,
      plan,
      { samplesPerInput: N },
      new Rng(17),
    );
    check('denoising (start)', x!, linearGaussianPosterior(p, operatorMatrix(A), y, 0.8));
  });
});
