/**
 * Eigendecomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * Matrix Computations, 4th ed., section 8.5). Used to invert S + sigma^2 I for every sigma at
 * once: (S + sigma^2 I)^{-1} = Q diag(1 / (lambda + sigma^2)) Q^T.
 */

/** S = Q diag(values) Q^T; `vectors` is Q row-major [D, D] (column j is eigenvector j). */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

/** Eigenvalues and eigenvectors of the symmetric `matrix` (row-major [D, D]). */
export function symmetricEigen(matrix: ArrayLike<number>, dim: number): SymmetricEigen {
  if (matrix.length !== dim * dim)
    throw new Error(`symmetricEigen: ${matrix.length} entries for a ${dim}x${dim} matrix`);
  const a = Float64Array.from(matrix);
  const q = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) q[i * dim + i] = 1;
  for (
    let sweep = 0;
    sweep < 100 && offDiagonalNorm(a, dim) > 1e-22 * diagonalNorm(a, dim);
    sweep++
  ) {
    for (let p = 0; p < dim; p++) for (let r = p + 1; r < dim; r++) rotate(a, q, dim, p, r);
  }
  const values = new Float64Array(dim);
  for (let i = 0; i < dim; i++) values[i] = a[i * dim + i]!;
  return { values, vectors: q };
}

/** One Jacobi rotation that zeroes a[p][r] (and a[r][p]). */
function rotate(a: Float64Array, q: Float64Array, n: number, p: number, r: number): void {
  const apr = a[p * n + r]!;
  if (apr === 0) return;
  const theta = (a[r * n + r]! - a[p * n + p]!) / (2 * apr);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    // columns p and r of A
    const akp = a[k * n + p]!;
    const akr = a[k * n + r]!;
    a[k * n + p] = c * akp - s * akr;
    a[k * n + r] = s * akp + c * akr;
  }
  for (let k = 0; k < n; k++) {
    // rows p and r of A
    const apk = a[p * n + k]!;
    const ark = a[r * n + k]!;
    a[p * n + k] = c * apk - s * ark;
    a[r * n + k] = s * apk + c * ark;
  }
  for (let k = 0; k < n; k++) {
    const qkp = q[k * n + p]!;
    const qkr = q[k * n + r]!;
    q[k * n + p] = c * qkp - s * qkr;
    q[k * n + r] = s * qkp + c * qkr;
  }
}

function offDiagonalNorm(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += a[i * n + j]! ** 2;
  return s;
}

function diagonalNorm(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i]! ** 2;
  return s || 1;
}
