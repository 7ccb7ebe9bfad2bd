/**
 * The standard picture for 2D toys: a heat map of the density (viridis, linear in p) with
 * the sample points drawn over it. Pure raster code; write it with `writePng`.
 */
import type { Image } from './image.ts';
import { viridis } from './colormap.ts';

/** Options for {@link scatterPlot}. */
export interface ScatterOptions {
  /** Plotted square [lo, hi] on both axes, or [xlo, xhi, ylo, yhi] (default: the points' extent). */
  readonly box?: readonly [number, number] | readonly [number, number, number, number];
  /** Image width and height in pixels (default 512). */
  readonly size?: number;
  /** log p(x) for rows of `[n, 2]`; drawn as the background when given. */
  readonly logDensity?: (x: Float64Array) => Float64Array;
  /** Density grid cells per side (default 128), upsampled to `size`. */
  readonly densityResolution?: number;
  /** Point colour (default white). */
  readonly pointColor?: readonly [number, number, number];
  /** Point radius in pixels (default 1). */
  readonly pointRadius?: number;
}

/** Renders `points` (`[n, 2]`) over an optional density heat map as an RGB image. */
export function scatterPlot(points: ArrayLike<number>, options: ScatterOptions = {}): Image {
  const size = options.size ?? 512;
  const [x0, x1, y0, y1] = plotBox(points, options.box);
  const data = new Uint8Array(size * size * 3);
  if (options.logDensity === undefined) data.fill(24);
  else
    drawDensity(data, size, [x0, x1, y0, y1], options.logDensity, options.densityResolution ?? 128);
  const color = options.pointColor ?? [255, 255, 255];
  const r = options.pointRadius ?? 1;
  for (let i = 0; i < points.length / 2; i++) {
    const px = Math.floor(((points[2 * i]! - x0) / (x1 - x0)) * size);
    const py = Math.floor(((y1 - points[2 * i + 1]!) / (y1 - y0)) * size); // y up
    for (let dy = -r + 1; dy < r; dy++) {
      for (let dx = -r + 1; dx < r; dx++) {
        const [qx, qy] = [px + dx, py + dy];
        if (qx >= 0 && qy >= 0 && qx < size && qy < size) data.set(color, (qy * size + qx) * 3);
      }
    }
  }
  return { width: size, height: size, channels: 3, data };
}

function plotBox(
  points: ArrayLike<number>,
  box: ScatterOptions['box'],
): [number, number, number, number] {
  if (box !== undefined) return box.length === 2 ? [box[0], box[1], box[0], box[1]] : [...box];
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < points.length; i++)
    [lo, hi] = [Math.min(lo, points[i]!), Math.max(hi, points[i]!)];
  if (!(hi > lo)) [lo, hi] = [lo - 1 || -1, hi + 1 || 1];
  const m = 0.05 * (hi - lo);
  return [lo - m, hi + m, lo - m, hi + m];
}

/** Fills `data` with the density at cell centres of a `res` x `res` grid, scaled to its maximum. */
function drawDensity(
  data: Uint8Array,
  size: number,
  [x0, x1, y0, y1]: [number, number, number, number],
  logDensity: (x: Float64Array) => Float64Array,
  res: number,
): void {
  const grid = new Float64Array(2 * res * res);
  for (let j = 0; j < res; j++) {
    for (let i = 0; i < res; i++) {
      grid[2 * (j * res + i)] = x0 + ((i + 0.5) / res) * (x1 - x0);
      grid[2 * (j * res + i) + 1] = y1 - ((j + 0.5) / res) * (y1 - y0);
    }
  }
  const logp = logDensity(grid);
  const max = logp.reduce((a, b) => (b > a ? b : a), -Infinity);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const cell = Math.floor((py * res) / size) * res + Math.floor((px * res) / size);
      data.set(viridis(Math.exp(logp[cell]! - max)), (py * size + px) * 3);
    }
  }
}
