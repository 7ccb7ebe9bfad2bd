/**
 * Bayesian linear regression, the conjugate test case of posterior sampling: y = X w + noise
 * (std s), prior w ~ N(0, alpha^{-1} I). The posterior is exact: N(m, V) with
 * V = (alpha I + X^T X / s^2)^{-1}, m = V X^T y / s^2 (Bishop 2006, eqs. 3.53-3.54).
 */
import {
  constant,
  Graph,
  matmul,
  mul,
  reduceSum,
  sub,
  tensor,
  type Value,
} from '../../src/graph/index.ts';
import { Rng } from '../../src/rng/rng.ts';
import { type Gaussian, inverse, matmul as mm, transpose } from './gaussian-posterior.ts';

export interface Regression {
  readonly d: number;
  readonly n: number;
  /** X [n, d] row-major */
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly noiseStd: number;
  readonly alpha: number;
}

export function makeRegression(d: number, n: number, seed: number): Regression {
  const rng = new Rng(seed);
  const X = rng.fillNormal(new Float64Array(n * d));
  const w = rng.fillNormal(new Float64Array(d));
  const noiseStd = 0.5;
  const y = Float64Array.from({ length: n }, (_, i) => {
    let v = 0;
    for (let j = 0; j < d; j++) v += X[i * d + j]! * w[j]!;
    return v + noiseStd * rng.normal();
  });
  return { d, n, X, y, noiseStd, alpha: 1 };
}

export function exactPosterior(r: Regression): Gaussian {
  const { d, n, X, y, noiseStd: s, alpha } = r;
  const Xt = transpose(X, n, d);
  const P = mm(Xt, X, d, n, d).map((v) => v / (s * s));
  for (let i = 0; i < d; i++) P[i * d + i]! += alpha;
  const cov = inverse(P, d);
  const mean = mm(cov, mm(Xt, y, d, n, 1), d, d, 1).map((v) => v / (s * s));
  return { mean, cov };
}

/** logp(theta) = -|y - X theta|^2 / (2 s^2) - alpha |theta|^2 / 2 on the graph builder. */
export function regressionLogp(r: Regression, theta: Value): Value {
  const g = theta.graph;
  const Xt = constant(g, tensor('float32', [r.d, r.n], transpose(r.X, r.n, r.d)));
  const resid = sub(matmul(theta, Xt), constant(g, tensor('float32', [r.n], r.y))); // [N, n]
  const lik = mul(reduceSum(mul(resid, resid), [1]), -0.5 / r.noiseStd ** 2); // [N]
  return sub(lik, mul(reduceSum(mul(theta, theta), [1]), 0.5 * r.alpha));
}

/** The same log density as an ONNX file (theta [N, d] -> logp [N]). */
export function regressionOnnx(r: Regression): { graph: Graph; theta: Value; logp: Value } {
  const graph = new Graph();
  const theta = graph.input('theta', 'float32', ['N', r.d]);
  return { graph, theta, logp: regressionLogp(r, theta) };
}
