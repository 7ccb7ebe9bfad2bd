/** Center crop of `[N, C, H, W]` images. */
import { imageDims, withValues } from '../batch.ts';
import type { Transform } from './transform.ts';

/** Crops the central `height` x `width` window (offsets rounded down, as torchvision does). */
export function centerCrop(height: number, width = height): Transform {
  return (batch) => {
    const [n, c, h, w] = imageDims(batch.shape);
    if (height > h || width > w || height < 1 || width < 1) {
      throw new Error(`centerCrop: cannot crop ${height}x${width} from ${h}x${w} images`);
    }
    const top = Math.floor((h - height) / 2);
    const left = Math.floor((w - width) / 2);
    const out = new Float32Array(n * c * height * width);
    for (let p = 0; p < n * c; p++) {
      for (let y = 0; y < height; y++) {
        const src = (p * h + top + y) * w + left;
        out.set(batch.x.subarray(src, src + width), (p * height + y) * width);
      }
    }
    return withValues(batch, out, [n, c, height, width]);
  };
}
