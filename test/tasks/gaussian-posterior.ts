/**
 * Exact Gaussian posteriors for the task tests (algorithms.md section 8): with a prior
 * N(mu, S) and y = A x + s_y z, x | y ~ N(mu + K (y - A mu), S - K A S) with
 * K = S A^T (A S A^T + s_y^2 I)^{-1}; and the samples' errors in Monte Carlo standard errors,
 * Var(mean_a) = C_aa / n and Var(C^_ab) = (C_aa C_bb + C_ab^2) / n.
 */
import type { LinearOperator } from '../../src/tasks/linear-operators.ts';

export interface Gaussian {
  readonly mean: Float64Array;
  /** Row-major [d, d]. */
  readonly cov: Float64Array;
}

/** The matrix [p, d] of a linear operator, column by column. */
export function operatorMatrix(A: LinearOperator): Float64Array {
  const d = A.inShape.reduce((a, b) => a * b, 1);
  const p = A.outShape.reduce((a, b) => a * b, 1);
  const m = new Float64Array(p * d);
  for (let j = 0; j < d; j++) {
    const e = new Float32Array(d);
    e[j] = 1;
    const col = A.apply(e, 1);
    for (let i = 0; i < p; i++) m[i * d + j] = col[i]!;
  }
  return m;
}

/** a [r, k] times b [k, c]. */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  r: number,
  k: number,
  c: number,
): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      let v = 0;
      for (let l = 0; l < k; l++) v += a[i * k + l]! * b[l * c + j]!;
      out[i * c + j] = v;
    }
  return out;
}

export function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = a[i * c + j]!;
  return t;
}

/** The inverse of a symmetric positive-definite [n, n] matrix (Gauss-Jordan). */
export function inverse(m: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) {
      [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
      [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k]!, inv[c * n + k]!];
    }
    const piv = a[c * n + c]!;
    for (let k = 0; k < n; k++) {
      a[c * n + k]! /= piv;
      inv[c * n + k]! /= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c]!;
      for (let k = 0; k < n; k++) {
        a[r * n + k]! -= f * a[c * n + k]!;
        inv[r * n + k]! -= f * inv[c * n + k]!;
      }
    }
  }
  return inv;
}

/** x | y for the prior N(mu, S) [d], the matrix A [p, d], y [p] and noise std s_y. */
export function linearGaussianPosterior(
  prior: Gaussian,
  A: Float64Array,
  y: ArrayLike<number>,
  noiseStd: number,
): Gaussian {
  const d = prior.mean.length;
  const p = y.length;
  const S = prior.cov;
  const SAt = matmul(S, transpose(A, p, d), d, d, p); // [d, p]
  const G = matmul(A, SAt, p, d, p); // A S A^T
  for (let i = 0; i < p; i++) G[i * p + i]! += noiseStd * noiseStd;
  const K = matmul(SAt, inverse(G, p), d, p, p); // [d, p]
  const Amu = matmul(A, prior.mean, p, d, 1);
  const r = Float64Array.from({ length: p }, (_, i) => y[i]! - Amu[i]!);
  const mean = Float64Array.from(matmul(K, r, d, p, 1), (v, i) => v + prior.mean[i]!);
  const KAS = matmul(K, matmul(A, S, p, d, d), d, p, d);
  const cov = Float64Array.from(S, (v, i) => v - KAS[i]!);
  return { mean, cov };
}

/** Sample mean and covariance of rows [n, d] (rows `offset` .. of a larger array allowed). */
export function moments(x: ArrayLike<number>, n: number, d: number): Gaussian {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const da = x[i * d + a]! - mean[a]!;
      for (let b = 0; b < d; b++) cov[a * d + b]! += (da * (x[i * d + b]! - mean[b]!)) / (n - 1);
    }
  return { mean, cov };
}

/**
 * The worst mean and covariance errors of n samples against `exact`, in standard errors
 * (entries whose exact variance is below `floor` are skipped: known values have none).
 */
export function standardErrors(
  x: ArrayLike<number>,
  n: number,
  exact: Gaussian,
  floor = 1e-6,
): { mean: number; cov: number } {
  const d = exact.mean.length;
  const got = moments(x, n, d);
  const C = exact.cov;
  let [mean, cov] = [0, 0];
  for (let a = 0; a < d; a++) {
    if (C[a * d + a]! < floor) continue;
    mean = Math.max(mean, Math.abs(got.mean[a]! - exact.mean[a]!) / Math.sqrt(C[a * d + a]! / n));
    for (let b = a; b < d; b++) {
      if (C[b * d + b]! < floor) continue;
      const se = Math.sqrt((C[a * d + a]! * C[b * d + b]! + C[a * d + b]! ** 2) / n);
      cov = Math.max(cov, Math.abs(got.cov[a * d + b]! - C[a * d + b]!) / se);
    }
  }
  return { mean, cov };
}
