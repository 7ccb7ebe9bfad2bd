/** Random horizontal flip of `[N, C, H, W]` images, each image independently. */
import { imageDims, withValues } from '../batch.ts';
import type { Transform } from './transform.ts';

/** Flips each image left-right with probability `p` (default 0.5). */
export function randomHorizontalFlip(p = 0.5): Transform {
  return (batch, rng) => {
    const [n, c, h, w] = imageDims(batch.shape);
    const out = Float32Array.from(batch.x);
    const plane = h * w;
    for (let i = 0; i < n; i++) {
      if (rng.uniform() >= p) continue;
      for (let ch = 0; ch < c; ch++) {
        const base = (i * c + ch) * plane;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) out[base + y * w + x] = batch.x[base + y * w + (w - 1 - x)]!;
        }
      }
    }
    return withValues(batch, out, batch.shape);
  };
}
