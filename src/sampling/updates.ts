/**
 * The element-wise updates the samplers are made of (algorithms.md sections 1, 3, 5, 6). Each
 * works in place on x and returns the sum of the new x, which is finite exactly when every
 * entry is (float32 values cannot overflow a float64 sum), so the divergence check is free.
 */
import type { Rng } from '../rng/rng.ts';

/** Langevin step x <- x + a s + noiseStd z, z ~ N(0, I) (with noiseStd = sqrt(2a): eq. of section 1). */
export function langevinUpdate(
  x: Float32Array,
  s: Float32Array,
  a: number,
  noiseStd: number,
  rng: Rng,
): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]! + a * s[k]! + noiseStd * rng.normal();
    x[k] = v;
    sum += v;
  }
  return sum;
}

/** x <- x + c s (a deterministic step: Euler, denoising). */
export function addScaled(x: Float32Array, s: Float32Array, c: number): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]! + c * s[k]!;
    x[k] = v;
    sum += v;
  }
  return sum;
}

/** x <- x + std z, z ~ N(0, I). */
export function addNoise(x: Float32Array, std: number, rng: Rng): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]! + std * rng.normal();
    x[k] = v;
    sum += v;
  }
  return sum;
}

/** Tweedie's formula: out = x + sigma^2 s(x, sigma) = E[x_0 | x] under the model (Efron 2011). */
export function tweedie(
  x: Float32Array,
  s: Float32Array,
  sigma: number,
  out: Float32Array,
): Float32Array {
  const s2 = sigma * sigma;
  for (let k = 0; k < x.length; k++) out[k] = x[k]! + s2 * s[k]!;
  return out;
}
