/**
 * The exact score of an isotropic Gaussian mixture p = sum_k w_k N(mu_k, s_k^2 I) perturbed by
 * N(0, sigma^2 I) (Song & Ermon 2019, section 3; algorithms.md section 2): the perturbed
 * density is the mixture with variances v_k = s_k^2 + sigma^2, and
 *
 *   score(x, sigma) = sum_k r_k(x) (mu_k - x) / v_k,   r_k = softmax_k(log w_k - D/2 log v_k - |x - mu_k|^2 / (2 v_k))
 *
 * in any dimension D. Parameters are those of data/toys/gaussian-mixture.ts.
 */
import type { GaussianMixtureParams } from '../data/toys/gaussian-mixture.ts';
import { gaussianMixture } from '../data/toys/gaussian-mixture.ts';
import { logSumExp } from '../data/toys/log-sum-exp.ts';
import {
  add,
  constant,
  div,
  exp,
  log,
  matmul,
  mul,
  reduceMax,
  reduceSum,
  reshape,
  sub,
  tensor,
  type Value,
} from '../graph/index.ts';
import type { ScoreFn } from './score-fn.ts';

/** A Gaussian mixture with its score and log density at every noise level. */
export interface GaussianMixtureScore {
  readonly dim: number;
  /** The {@link ScoreFn} of the mixture convolved with N(0, sigma^2 I). */
  readonly score: ScoreFn;
  /** log p_sigma(x) for each row of x [N, D]. */
  logDensity(x: ArrayLike<number>, sigma: number): Float64Array;
  /** The same score as graph nodes (x [N, ...D], sigma [N] -> [N, ...D]), for ONNX export. */
  graph(x: Value, sigma: Value): Value;
}

/** The closed-form perturbed score of the mixture `params`. */
export function gaussianMixtureScore(params: GaussianMixtureParams): GaussianMixtureScore {
  const { means, scales, weights } = gaussianMixture(params); // validated, normalised
  const K = means.length;
  const dim = means[0]!.length;
  const logits = new Float64Array(K);

  /** Fills `logits` for row `off` of x at variance offset sigma^2. */
  const componentLogits = (x: ArrayLike<number>, off: number, sigma2: number): void => {
    for (let k = 0; k < K; k++) {
      const v = scales[k]! ** 2 + sigma2;
      let r2 = 0;
      for (let j = 0; j < dim; j++) r2 += (x[off + j]! - means[k]![j]!) ** 2;
      logits[k] = Math.log(weights[k]!) - 0.5 * dim * Math.log(2 * Math.PI * v) - r2 / (2 * v);
    }
  };

  const score: ScoreFn = async (x, sigma) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < sigma.length; i++) {
      const sigma2 = sigma[i]! ** 2;
      componentLogits(x, i * dim, sigma2);
      const lse = logSumExp(logits);
      for (let k = 0; k < K; k++) {
        const r = Math.exp(logits[k]! - lse) / (scales[k]! ** 2 + sigma2);
        for (let j = 0; j < dim; j++) out[i * dim + j]! += r * (means[k]![j]! - x[i * dim + j]!);
      }
    }
    return out;
  };

  const logDensity = (x: ArrayLike<number>, sigma: number): Float64Array =>
    Float64Array.from({ length: x.length / dim }, (_, i) => {
      componentLogits(x, i * dim, sigma * sigma);
      return logSumExp(logits);
    });

  const graph = (x: Value, sigma: Value): Value => {
    const g = x.graph;
    const n = x.shape[0]!;
    const c = (shape: number[], v: ArrayLike<number>): Value =>
      constant(g, tensor('float32', shape, v));
    const flat = reshape(x, [n, dim]); // [N, D]
    const mu = c(
      [dim, K],
      Array.from({ length: dim * K }, (_, i) => means[i % K]![Math.floor(i / K)]!),
    );
    const v = add(
      c(
        [K],
        scales.map((s) => s * s),
      ),
      reshape(mul(sigma, sigma), [n, 1]),
    ); // [N, K]
    const r2 = add(
      sub(reduceSum(mul(flat, flat), [1], true), mul(matmul(flat, mu), 2)),
      c(
        [K],
        means.map((m) => m.reduce((a, b) => a + b * b, 0)),
      ),
    ); // |x - mu_k|^2, [N, K]
    const logit = sub(
      sub(c([K], weights.map(Math.log)), mul(log(mul(v, 2 * Math.PI)), 0.5 * dim)),
      div(r2, mul(v, 2)),
    );
    const e = exp(sub(logit, reduceMax(logit, [1], true)));
    const rOverV = div(div(e, reduceSum(e, [1], true)), v); // r_k / v_k, [N, K]
    const muT = c([K, dim], means.flat());
    const score = sub(matmul(rOverV, muT), mul(flat, reduceSum(rOverV, [1], true)));
    return reshape(score, x.shape, x);
  };

  return { dim, score, logDensity, graph };
}
