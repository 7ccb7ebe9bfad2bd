/**
 * Checkerboard: uniform on the "black" cells (row + column even) of a `cells` x `cells` board
 * of side `cellSize`, centred at the origin (FFJORD's toy). The density is piecewise
 * constant: 1 / (black cells * cellSize^2) on the black cells, 0 elsewhere.
 */
import type { Rng } from '../../rng/rng.ts';
import type { DistributionSource } from '../source.ts';

/** Options for {@link checkerboard}. */
export interface CheckerboardOptions {
  /** Cells per side (default 4). */
  readonly cells?: number;
  /** Side of one cell (default 1). */
  readonly cellSize?: number;
}

/** The checkerboard distribution with its exact log density (-Infinity off the black cells). */
export function checkerboard(options: CheckerboardOptions = {}): DistributionSource {
  const n = options.cells ?? 4;
  const c = options.cellSize ?? 1;
  if (!Number.isInteger(n) || n < 1 || !(c > 0)) {
    throw new Error(`checkerboard: cells must be a positive integer and cellSize positive`);
  }
  const half = (n * c) / 2;
  const black: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((i + j) % 2 === 0) black.push([i, j]);
  const logP = -Math.log(black.length * c * c);

  const sample = (m: number, rng: Rng): Float32Array => {
    const out = new Float32Array(2 * m);
    for (let k = 0; k < m; k++) {
      const [i, j] = black[rng.int(black.length)]!;
      out[2 * k] = (i + rng.uniform()) * c - half;
      out[2 * k + 1] = (j + rng.uniform()) * c - half;
    }
    return out;
  };

  const logDensity = (x: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(x.length / 2);
    for (let k = 0; k < out.length; k++) {
      const i = Math.floor((x[2 * k]! + half) / c);
      const j = Math.floor((x[2 * k + 1]! + half) / c);
      const inside = i >= 0 && j >= 0 && i < n && j < n && (i + j) % 2 === 0;
      out[k] = inside ? logP : -Infinity;
    }
    return out;
  };

  return {
    kind: 'distribution',
    name: 'checkerboard',
    shape: [2],
    range: [-half, half],
    sample,
    logDensity,
    logDensityKind: 'closed-form',
  };
}
