/** Constant padding of `[N, C, H, W]` images on all four sides (e.g. MNIST 28 -> 32 with 2). */
import { imageDims, withValues } from '../batch.ts';
import type { Transform } from './transform.ts';

/** Pads each image by `amount` pixels of `value` on every side. */
export function pad(amount: number, value = 0): Transform {
  if (!Number.isInteger(amount) || amount < 0) {
    throw new Error(`pad: amount must be a non-negative integer, got ${amount}`);
  }
  return (batch) => {
    const [n, c, h, w] = imageDims(batch.shape);
    const H = h + 2 * amount;
    const W = w + 2 * amount;
    const out = new Float32Array(n * c * H * W).fill(value);
    for (let p = 0; p < n * c; p++) {
      for (let y = 0; y < h; y++) {
        const src = (p * h + y) * w;
        out.set(batch.x.subarray(src, src + w), (p * H + y + amount) * W + amount);
      }
    }
    return withValues(batch, out, [n, c, H, W]);
  };
}
