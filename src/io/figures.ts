/** Writing the standard figures to PNG files: image grids of samples and toy scatter plots. */
import { imageGrid, type GridOptions } from './image-grid.ts';
import { writePng } from './png.ts';
import { scatterPlot, type ScatterOptions } from './scatter-plot.ts';

/** The upscaling that brings an image of height `h` to about 96 pixels (at least 1). */
export function defaultGridScale(h: number): number {
  return Math.max(1, Math.floor(96 / h));
}

/**
 * Writes `x` (`[N, C, H, W]`, C = 1 or 3) to `path` as one PNG grid; small images are
 * upscaled to about 96 pixels unless `options.scale` says otherwise.
 */
export async function writeImageGrid(
  path: string,
  x: ArrayLike<number>,
  shape: readonly number[],
  options: GridOptions = {},
): Promise<void> {
  const scale = options.scale ?? defaultGridScale(shape[2] ?? 96);
  await writePng(path, imageGrid(x, shape, { ...options, scale }));
}

/** Writes `points` (`[n, 2]`) over an optional density heat map to `path` as PNG. */
export async function writeScatterPlot(
  path: string,
  points: ArrayLike<number>,
  options: ScatterOptions = {},
): Promise<void> {
  await writePng(path, scatterPlot(points, options));
}
