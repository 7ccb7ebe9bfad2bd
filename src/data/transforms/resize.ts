/**
 * Bilinear resize of `[N, C, H, W]` images with half-pixel centres (the convention of
 * PyTorch's `interpolate(mode='bilinear', align_corners=False)` and ONNX Resize).
 */
import { imageDims, withValues } from '../batch.ts';
import type { Transform } from './transform.ts';

/** Resizes every image to `height` x `width` bilinearly. */
export function resize(height: number, width = height): Transform {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new Error(`resize: size must be positive integers, got ${height}x${width}`);
  }
  return (batch) => {
    const [n, c, h, w] = imageDims(batch.shape);
    const ys = axisWeights(h, height);
    const xs = axisWeights(w, width);
    const out = new Float32Array(n * c * height * width);
    for (let p = 0; p < n * c; p++) {
      const base = p * h * w;
      for (let y = 0; y < height; y++) {
        const [y0, y1, fy] = [ys.i0[y]!, ys.i1[y]!, ys.f[y]!];
        for (let x = 0; x < width; x++) {
          const [x0, x1, fx] = [xs.i0[x]!, xs.i1[x]!, xs.f[x]!];
          const top = batch.x[base + y0 * w + x0]! * (1 - fx) + batch.x[base + y0 * w + x1]! * fx;
          const bot = batch.x[base + y1 * w + x0]! * (1 - fx) + batch.x[base + y1 * w + x1]! * fx;
          out[(p * height + y) * width + x] = top * (1 - fy) + bot * fy;
        }
      }
    }
    return withValues(batch, out, [n, c, height, width]);
  };
}

/** Source indices and weights along one axis of length `from` resampled to `to`. */
function axisWeights(
  from: number,
  to: number,
): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(to);
  const i1 = new Int32Array(to);
  const f = new Float64Array(to);
  for (let o = 0; o < to; o++) {
    const s = Math.min(Math.max(((o + 0.5) * from) / to - 0.5, 0), from - 1);
    i0[o] = Math.floor(s);
    i1[o] = Math.min(i0[o]! + 1, from - 1);
    f[o] = s - i0[o]!;
  }
  return { i0, i1, f };
}
