/**
 * A batch of images tiled into one picture, `columns` per row with `padding` pixels between
 * and around them (the layout of torchvision's make_grid).
 */
import { imageDims } from '../data/batch.ts';
import type { DataRange } from '../data/source.ts';
import type { Image } from './image.ts';

/** Options for {@link imageGrid}. */
export interface GridOptions {
  /** Images per row (default ceil(sqrt(N))). */
  readonly columns?: number;
  /** Pixels between and around images (default 2). */
  readonly padding?: number;
  /** Grey level 0-255 of the padding (default 255, white). */
  readonly padValue?: number;
  /** The data range mapped to 0-255, values outside it clipped (default [0, 1]). */
  readonly range?: DataRange;
  /** Integer upscaling of every image, nearest neighbour (default 1). */
  readonly scale?: number;
}

/** Tiles `x` (`[N, C, H, W]`, C = 1 or 3) into one grey or RGB image. */
export function imageGrid(
  x: ArrayLike<number>,
  shape: readonly number[],
  options: GridOptions = {},
): Image {
  const [n, c, h0, w0] = imageDims(shape);
  const k = options.scale ?? 1;
  if (!(Number.isInteger(k) && k >= 1))
    throw new Error(`imageGrid: scale must be a positive integer, got ${k}`);
  const [h, w] = [h0 * k, w0 * k];
  if (c !== 1 && c !== 3) throw new Error(`imageGrid: images need 1 or 3 channels, got ${c}`);
  if (x.length !== n * c * h0 * w0)
    throw new Error(`imageGrid: ${x.length} values for shape [${shape}]`);
  const columns = Math.max(1, Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / columns);
  const pad = options.padding ?? 2;
  const [lo, hi] = options.range ?? [0, 1];
  const width = columns * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const data = new Uint8Array(width * height * c).fill(options.padValue ?? 255);
  for (let i = 0; i < n; i++) {
    const top = pad + Math.floor(i / columns) * (h + pad);
    const left = pad + (i % columns) * (w + pad);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          const v = x[((i * c + ch) * h0 + Math.floor(y / k)) * w0 + Math.floor(xx / k)]!;
          data[((top + y) * width + left + xx) * c + ch] = toByte(v, lo, hi);
        }
      }
    }
  }
  return { width, height, channels: c, data };
}

/** `v` mapped from [lo, hi] to a byte, clipped; NaN becomes 0. */
export function toByte(v: number, lo: number, hi: number): number {
  const t = Math.round(((v - lo) / (hi - lo)) * 255);
  return t > 255 ? 255 : t > 0 ? t : 0;
}
