/**
 * The largest pairwise Euclidean distance in a dataset, which sets the largest noise level in
 * NCSNv2 (Song & Ermon 2020, Technique 1: sigma_1 = max_{i,j} ||x_i - x_j||).
 *
 * Small sets: exact, over all n(n-1)/2 pairs. Large sets: an estimate with guaranteed bounds.
 * (1) Exact maximum over a random subset R; its best pair are the first anchors.
 * (2) A streaming pass measures every item's distance to the anchors and its distance r_i to
 * the mean of R. (3) A second pass measures every item's distance to the J items with the
 * largest r (so every pair involving one of them is covered exactly). (4) Exact maximum over
 * R plus the K >= J items with the largest r (every pair inside that set is covered).
 * The estimate is the largest distance found, which is attained, so a lower bound. Any pair
 * not covered has both items outside the top J and one outside the top K, so by the
 * triangle inequality its distance is at most r_(J+1) + r_(K+1): the upper bound.
 */
import type { Rng } from '../rng/rng.ts';
import { itemSize, type FiniteSource } from './source.ts';

/** The result: exact, or an estimate with a guaranteed interval. */
export interface MaxDistanceEstimate {
  /** The distance to use (exact, or the largest distance actually found between two items). */
  readonly value: number;
  readonly exact: boolean;
  /** Guaranteed bounds on the true maximum (equal to `value` when exact). */
  readonly lowerBound: number;
  readonly upperBound: number;
  /** (upperBound - lowerBound) / lowerBound: the largest possible relative error of `value`. */
  readonly maxRelativeError: number;
  /** How it was computed, in words. */
  readonly method: string;
}

/** Options for {@link maxPairwiseDistance}. */
export interface MaxDistanceOptions {
  /** Pairs x dimension up to which the exact O(n^2 d) computation runs (default 2e8). */
  readonly exactBudget?: number;
  /** Items per read in streaming passes (default 2048). */
  readonly chunkSize?: number;
}

/** The largest pairwise distance of `source`'s items; `rng` picks the subset for large sets. */
export async function maxPairwiseDistance(
  source: FiniteSource,
  rng: Rng,
  options: MaxDistanceOptions = {},
): Promise<MaxDistanceEstimate> {
  const n = source.size;
  const d = itemSize(source.shape);
  const budget = options.exactBudget ?? 2e8;
  if (n < 2) throw new Error(`${source.name}: need at least 2 items for a pairwise distance`);
  if ((n * (n - 1) * d) / 2 <= budget) {
    const all = await source.read(range(n));
    const best = exactMax(all, n, d);
    return { ...bounds(best.dist, best.dist), exact: true, method: `exact over all ${n} items` };
  }
  const chunk = options.chunkSize ?? 2048;
  const m = Math.max(2, Math.min(n, Math.floor(Math.sqrt((2 * budget) / d))));
  const half = Math.max(2, Math.ceil(m / 2));
  // (1) Random subset R and its best pair.
  const sub = await source.read(rng.permutation(n).subarray(0, half));
  const best = exactMax(sub, half, d);
  const pair = [best.i, best.j].map((i) => sub.slice(i * d, (i + 1) * d));
  // (2) Distances to the best pair and to the centre of R.
  const pass1 = await sweep(source, pair, meanRow(sub, half, d), chunk);
  const radii = pass1.radii;
  const order = Array.from(radii.keys()).sort((i, j) => radii[j]! - radii[i]!);
  // (3) Distances from the J outermost items to every item.
  const j = Math.min(n - 2, Math.max(2, Math.min(256, Math.floor(budget / (n * d)))));
  const outer = await source.read(Int32Array.from(order.slice(0, j)));
  const rows = Array.from({ length: j }, (_, i) => outer.subarray(i * d, (i + 1) * d));
  const pass2 = await sweep(source, rows, new Float64Array(d), chunk);
  // (4) Exact maximum over R and the K outermost items.
  const k = Math.max(j, Math.min(m - half, n - 1));
  const union = new Float32Array((half + k) * d);
  union.set(sub);
  union.set(await source.read(Int32Array.from(order.slice(0, k))), half * d);
  const unionBest = exactMax(union, half + k, d).dist;
  const lower = Math.max(best.dist, pass1.farthest, pass2.farthest, unionBest);
  const upper = radii[order[j]!]! + radii[order[k]!]!;
  return {
    ...bounds(lower, Math.max(lower, upper)),
    exact: false,
    method:
      `estimate over ${n} items: exact over ${half} random and the ${k} outermost items, ` +
      `distances from the ${j} outermost and the best random pair to all items; ` +
      `upper bound by the triangle inequality`,
  };
}

function bounds(lower: number, upper: number): Omit<MaxDistanceEstimate, 'exact' | 'method'> {
  return {
    value: lower,
    lowerBound: lower,
    upperBound: upper,
    maxRelativeError: lower > 0 ? (upper - lower) / lower : 0,
  };
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Exact maximum distance over the rows of `x` ([n, d]) and the pair attaining it. */
export function exactMax(
  x: Float32Array,
  n: number,
  d: number,
): { dist: number; i: number; j: number } {
  let best = { d2: -1, i: 0, j: 0 };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[i * d + k]! - x[j * d + k]!;
        s += t * t;
      }
      if (s > best.d2) best = { d2: s, i, j };
    }
  }
  return { dist: Math.sqrt(best.d2), i: best.i, j: best.j };
}

function meanRow(x: Float32Array, n: number, d: number): Float64Array {
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) c[k]! += x[i * d + k]! / n;
  return c;
}

function dist(x: Float32Array, offset: number, y: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) s += (x[offset + k]! - y[k]!) ** 2;
  return Math.sqrt(s);
}

/** One pass: farthest distance to any anchor, and every item's distance to `centre`. */
async function sweep(
  source: FiniteSource,
  anchors: readonly Float32Array[],
  centre: Float64Array,
  chunk: number,
): Promise<{ farthest: number; radii: Float64Array }> {
  const d = centre.length;
  const radii = new Float64Array(source.size);
  let farthest = 0;
  for (let start = 0; start < source.size; start += chunk) {
    const count = Math.min(chunk, source.size - start);
    const x = await source.read(Int32Array.from({ length: count }, (_, i) => start + i));
    for (let i = 0; i < count; i++) {
      for (const a of anchors) farthest = Math.max(farthest, dist(x, i * d, a));
      radii[start + i] = dist(x, i * d, centre);
    }
  }
  return { farthest, radii };
}
