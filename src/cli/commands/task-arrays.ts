/**
 * Reading and writing the arrays of the task commands: .npy as float32 of any shape, or PNG
 * images mapped to and from the model's data range ([1, C, H, W] for one image; C = 1 takes
 * the mean of R, G, B). Outputs [M, K, ...D] go to .npy, or to a PNG grid with one row per
 * observation: the observation as shown in data space, then its K samples.
 */
import { extname } from 'node:path';
import { writeImageGrid } from '../../io/figures.ts';
import { readNpy, writeNpy } from '../../io/npy.ts';
import { readPng } from '../../io/png.ts';
import { UsageError } from '../command.ts';

/** A float32 array and its shape. */
export interface FloatArray {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

const isPng = (path: string): boolean => extname(path).toLowerCase() === '.png';

/** [C, H, W] of an item shape, or null when it is not an image (C = 1 or 3). */
export function imageItem(shape: readonly number[]): [number, number, number] | null {
  if (shape.length === 2) return [1, shape[0]!, shape[1]!];
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3))
    return [shape[0]!, shape[1]!, shape[2]!];
  return null;
}

/**
 * Reads `path`: a .npy array (float32 or float64, as float32), or a PNG as one item of
 * `itemShape` ([1, ...itemShape]) with bytes mapped to `range`.
 */
export async function readArray(
  path: string,
  itemShape: readonly number[],
  range: readonly [number, number],
): Promise<FloatArray> {
  if (!isPng(path)) {
    const a = await readNpy(path);
    if (a.dtype !== 'float32' && a.dtype !== 'float64')
      throw new UsageError(`${path}: expected a float32 or float64 .npy array, got ${a.dtype}`);
    return { data: Float32Array.from(a.data), shape: a.shape };
  }
  const img = await readPng(path);
  const dims = imageItem(itemShape);
  if (!dims || dims[1] !== img.height || dims[2] !== img.width)
    throw new UsageError(
      `${path}: a ${img.width}x${img.height} PNG does not fit the expected item shape [${itemShape}]`,
    );
  const [c, h, w] = dims;
  const [lo, hi] = range;
  const data = new Float32Array(c * h * w);
  for (let p = 0; p < h * w; p++) {
    const px = img.data.subarray(4 * p, 4 * p + 3);
    for (let ch = 0; ch < c; ch++) {
      const byte = c === 1 ? (px[0]! + px[1]! + px[2]!) / 3 : px[ch]!;
      data[ch * h * w + p] = lo + ((hi - lo) * byte) / 255;
    }
  }
  return { data, shape: [1, ...itemShape] };
}

/** Reads a mask (.npy of 0/1, or a PNG: 1 where the pixel is light) for items of `itemShape`. */
export async function readMask(path: string, itemShape: readonly number[]): Promise<FloatArray> {
  if (!isPng(path)) return readArray(path, itemShape, [0, 1]);
  const a = await readArray(path, itemShape, [0, 1]);
  return { data: a.data.map((v) => (v >= 0.5 ? 1 : 0)), shape: itemShape };
}

/**
 * Writes samples [M, K, ...D] to `path` (.npy, or .png: a grid of M rows of 1 + K images,
 * `shown` [M, ...D] first, in `range`).
 */
export async function writeSamples(
  path: string,
  samples: Float32Array,
  shape: readonly number[],
  shown: Float32Array,
  range: readonly [number, number],
): Promise<void> {
  if (!isPng(path)) {
    await writeNpy(path, { dtype: 'float32', shape, data: samples });
    return;
  }
  const [m, k, ...item] = shape as [number, number, ...number[]];
  const dims = imageItem(item);
  if (!dims)
    throw new UsageError(`${path}: a PNG needs image data [C, H, W] or [H, W], got [${item}]`);
  const d = dims[0] * dims[1] * dims[2];
  const grid = new Float32Array(m * (k + 1) * d);
  for (let i = 0; i < m; i++) {
    grid.set(shown.subarray(i * d, (i + 1) * d), i * (k + 1) * d);
    grid.set(samples.subarray(i * k * d, (i + 1) * k * d), (i * (k + 1) + 1) * d);
  }
  await writeImageGrid(path, grid, [m * (k + 1), ...dims], { columns: k + 1, range });
}
