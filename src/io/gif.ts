/**
 * Animated GIFs of sampling trajectories with gifenc (a maintained, dependency-free encoder):
 * each frame is quantized to its own 256-colour palette. Image trajectories become grids,
 * 2D point trajectories scatter plots.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { imageGrid, type GridOptions } from './image-grid.ts';
import { toRgba, type Image } from './image.ts';
import { scatterPlot, type ScatterOptions } from './scatter-plot.ts';

interface GifEncoder {
  writeFrame(
    index: Uint8Array,
    width: number,
    height: number,
    opts: { palette: number[][]; delay: number; repeat: number },
  ): void;
  finish(): void;
  bytes(): Uint8Array;
}
interface Gifenc {
  GIFEncoder(): GifEncoder;
  quantize(rgba: Uint8Array, maxColors: number): number[][];
  applyPalette(rgba: Uint8Array, palette: number[][]): Uint8Array;
}
const gifenc = createRequire(import.meta.url)('gifenc') as Gifenc;

/** Options for {@link encodeGif}. */
export interface GifOptions {
  /** Milliseconds per frame (default 100). */
  readonly delayMs?: number;
  /** Loop forever (default true) or play once. */
  readonly loop?: boolean;
}

/** GIF bytes of `frames` (all the same size). */
export function encodeGif(frames: readonly Image[], options: GifOptions = {}): Uint8Array {
  const first = frames[0];
  if (first === undefined) throw new Error('encodeGif: no frames');
  const gif = gifenc.GIFEncoder();
  for (const frame of frames) {
    if (frame.width !== first.width || frame.height !== first.height) {
      throw new Error(
        `encodeGif: frame ${frame.width}x${frame.height} differs from ${first.width}x${first.height}`,
      );
    }
    const rgba = toRgba(frame);
    const palette = gifenc.quantize(rgba, 256);
    gif.writeFrame(gifenc.applyPalette(rgba, palette), frame.width, frame.height, {
      palette,
      delay: options.delayMs ?? 100,
      repeat: (options.loop ?? true) ? 0 : -1,
    });
  }
  gif.finish();
  return gif.bytes();
}

/** Frames of a trajectory: `[N, C, H, W]` images become grids, `[N, 2]` points scatter plots. */
export function trajectoryFrames(
  frames: readonly ArrayLike<number>[],
  shape: readonly number[],
  options: GridOptions & ScatterOptions = {},
): Image[] {
  if (shape.length === 2 && shape[1] === 2) {
    const box = options.box ?? extent(frames[frames.length - 1] ?? []);
    return frames.map((x) => scatterPlot(x, { ...options, box }));
  }
  return frames.map((x) => imageGrid(x, shape, options));
}

function extent(x: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return [-1.1 * m || -1, 1.1 * m || 1];
}

/** Writes the trajectory `frames` (each `shape`) to `path` as an animated GIF. */
export async function writeTrajectoryGif(
  path: string,
  frames: readonly ArrayLike<number>[],
  shape: readonly number[],
  options: GridOptions & ScatterOptions & GifOptions = {},
): Promise<void> {
  await writeFile(path, encodeGif(trajectoryFrames(frames, shape, options), options));
}
