/**
 * The exact score of a Gaussian N(mu, S) perturbed by N(0, sigma^2 I) (algorithms.md section 8):
 *
 *   p_sigma = N(mu, S + sigma^2 I),   score(x, sigma) = -(S + sigma^2 I)^{-1} (x - mu)
 *
 * computed as -Q diag(1 / (lambda + sigma^2)) Q^T (x - mu) from one eigendecomposition
 * S = Q diag(lambda) Q^T, so every sigma costs two D x D products per sample.
 */
import {
  add,
  constant,
  div,
  matmul,
  mul,
  reshape,
  sub,
  tensor,
  type Value,
} from '../graph/index.ts';
import type { ScoreFn } from './score-fn.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** A Gaussian with its score and log density at every noise level. */
export interface GaussianScore {
  readonly dim: number;
  readonly mean: Float64Array;
  /** S, row-major [D, D]. */
  readonly covariance: Float64Array;
  /** The {@link ScoreFn} of N(mu, S + sigma^2 I). */
  readonly score: ScoreFn;
  /** log N(x; mu, S + sigma^2 I) for each row of x [N, D]. */
  logDensity(x: ArrayLike<number>, sigma: number): Float64Array;
  /** The same score as graph nodes (x [N, ...D], sigma [N] -> [N, ...D]), for ONNX export. */
  graph(x: Value, sigma: Value): Value;
}

/** The perturbed Gaussian N(mean, covariance + sigma^2 I); `covariance` is symmetric PSD [D, D]. */
export function gaussianScore(
  mean: ArrayLike<number>,
  covariance: ArrayLike<number>,
): GaussianScore {
  const dim = mean.length;
  const { values: lambda, vectors: q } = symmetricEigen(covariance, dim);
  if (lambda.some((l) => l < -1e-9 * Math.max(1, ...lambda)))
    throw new Error(`gaussianScore: the covariance is not positive semi-definite`);
  const mu = Float64Array.from(mean);
  const project = new Float64Array(dim);

  /** out = -(S + sigma^2 I)^{-1} (x - mu) for one row; returns the quadratic form. */
  const solveRow = (
    x: ArrayLike<number>,
    off: number,
    sigma2: number,
    out: Float32Array | null,
  ): number => {
    let quad = 0;
    for (let j = 0; j < dim; j++) {
      let t = 0;
      for (let k = 0; k < dim; k++) t += (x[off + k]! - mu[k]!) * q[k * dim + j]!;
      project[j] = t / (Math.max(lambda[j]!, 0) + sigma2);
      quad += t * project[j]!;
    }
    if (out) {
      for (let k = 0; k < dim; k++) {
        let t = 0;
        for (let j = 0; j < dim; j++) t += q[k * dim + j]! * project[j]!;
        out[off + k] = -t;
      }
    }
    return quad;
  };

  const score: ScoreFn = async (x, sigma) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < sigma.length; i++) solveRow(x, i * dim, sigma[i]! ** 2, out);
    return out;
  };

  const logDensity = (x: ArrayLike<number>, sigma: number): Float64Array => {
    const n = x.length / dim;
    let logDet = 0;
    for (const l of lambda) logDet += Math.log(Math.max(l, 0) + sigma * sigma);
    const c = -0.5 * (dim * Math.log(2 * Math.PI) + logDet);
    return Float64Array.from(
      { length: n },
      (_, i) => c - 0.5 * solveRow(x, i * dim, sigma * sigma, null),
    );
  };

  const graph = (x: Value, sigma: Value): Value => {
    const g = x.graph;
    const n = x.shape[0]!;
    const flat = reshape(x, [n, dim], undefined); // [N, D]
    const qT = constant(g, tensor('float32', [dim, dim], q)); // Q
    const qBack = constant(g, tensor('float32', [dim, dim], transpose(q, dim))); // Q^T
    const lam = constant(
      g,
      tensor(
        'float32',
        [dim],
        Array.from(lambda, (l) => Math.max(l, 0)),
      ),
    );
    const centred = sub(flat, constant(g, tensor('float32', [dim], mu)));
    const s2 = reshape(mul(sigma, sigma), [n, 1]); // [N, 1]
    const scaled = div(matmul(centred, qT), add(lam, s2)); // [N, D]
    return reshape(mul(matmul(scaled, qBack), -1), x.shape, x);
  };

  return { dim, mean: mu, covariance: Float64Array.from(covariance), score, logDensity, graph };
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}
