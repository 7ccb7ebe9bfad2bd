/**
 * Uniform dequantization (Theis, van den Oord & Bethge 2016; Uria et al. 2013): discrete
 * values k / (levels - 1), k = 0..levels-1, become (k + u) / levels with u ~ U[0, 1), a
 * continuous density on [0, 1) whose likelihood bounds the discrete one.
 */
import { withValues } from '../batch.ts';
import type { Transform } from './transform.ts';

/** Dequantizes values in [0, 1] that take `levels` equally spaced values (default 256). */
export function dequantize(levels = 256): Transform {
  if (!Number.isInteger(levels) || levels < 2) {
    throw new Error(`dequantize: levels must be an integer >= 2, got ${levels}`);
  }
  return (batch, rng) => {
    const out = new Float32Array(batch.x.length);
    for (let i = 0; i < out.length; i++) {
      const k = Math.round(batch.x[i]! * (levels - 1));
      out[i] = (k + rng.uniform()) / levels;
    }
    return withValues(batch, out, batch.shape);
  };
}
