/** Affine rescaling between data ranges, e.g. [0, 1] -> [-1, 1] (Song & Ermon 2020 use both). */
import { withValues } from '../batch.ts';
import type { DataRange } from '../source.ts';
import type { Transform } from './transform.ts';

/** `x` mapped affinely from `from` to `to`, as a new array. */
export function rescale(x: ArrayLike<number>, from: DataRange, to: DataRange): Float32Array {
  const [a, b] = from;
  const [c, d] = to;
  if (!(b > a) || !(d > c))
    throw new Error(`rescale: ranges must be increasing, got [${from}] -> [${to}]`);
  const k = (d - c) / (b - a);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = c + (x[i]! - a) * k;
  return out;
}

/** A transform mapping values from range `from` to range `to`. */
export function scaleTo(from: DataRange, to: DataRange): Transform {
  return (batch) => withValues(batch, rescale(batch.x, from, to), batch.shape);
}
