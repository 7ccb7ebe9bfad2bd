/** Shared test data: random well-conditioned covariances. */
import type { Rng } from '../../src/rng/rng.ts';

/** S = A A^T / D + 0.1 I with A standard normal: non-diagonal, eigenvalues in about [0.1, 4.2]. */
export function randomCovariance(dim: number, rng: Rng): Float64Array {
  const a = rng.fillNormal(new Float64Array(dim * dim));
  const s = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++) {
      let v = 0;
      for (let k = 0; k < dim; k++) v += a[i * dim + k]! * a[j * dim + k]!;
      s[i * dim + j] = v / dim + (i === j ? 0.1 : 0);
    }
  return s;
}
