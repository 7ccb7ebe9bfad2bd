import { expect } from 'vitest';
import type { TensorData } from '../../src/graph/index.ts';

/**
 * Expects `got` to have the shape of `want` and to differ from it by at most `tol` times the
 * largest |want| (float32 results of different summation orders).
 */
export function expectCloseToScale(
  want: TensorData,
  got: TensorData,
  tol: number,
  what: string,
): void {
  expect(got.shape, what).toEqual(want.shape);
  const [p, q] = [want.data as Float32Array, got.data as Float32Array];
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < p.length; i++) {
    scale = Math.max(scale, Math.abs(p[i]!));
    diff = Math.max(diff, Math.abs(p[i]! - q[i]!));
  }
  expect(diff, `${what}: max difference ${diff} vs max |reference| ${scale}`).toBeLessThanOrEqual(
    tol * scale,
  );
}
