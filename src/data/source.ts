/**
 * What every dataset opens to: either a finite collection read by index (images, tabular
 * rows) or a distribution sampled on demand (the 2D toys). Both carry the item shape and the
 * data range, so models, samplers and plots never guess them.
 */
import type { Rng } from '../rng/rng.ts';

/** The closed interval `[lo, hi]` that data values live in. */
export type DataRange = readonly [number, number];

/** A finite dataset; items are read lazily, so a large image folder is never decoded at once. */
export interface FiniteSource {
  readonly kind: 'finite';
  /** A human-readable origin, e.g. the dataset name and path. */
  readonly name: string;
  /** Shape of one item, e.g. `[1, 28, 28]` (C, H, W) or `[D]`. */
  readonly shape: readonly number[];
  readonly range: DataRange;
  /** Number of items. */
  readonly size: number;
  /** Integer class labels (or mode ids), one per item, when the dataset has them. */
  readonly labels?: Int32Array;
  /** The items at `indices`, concatenated in that order: `[indices.length, ...shape]`. */
  read(indices: ArrayLike<number>): Promise<Float32Array>;
}

/** How a log density is computed: in closed form, or by a numerical quadrature. */
export type LogDensityKind = 'closed-form' | 'quadrature';

/** A distribution sampled on demand, with its log density where one is known. */
export interface DistributionSource {
  readonly kind: 'distribution';
  readonly name: string;
  /** Shape of one sample, e.g. `[2]`. */
  readonly shape: readonly number[];
  /** A box that holds (nearly) all the mass; used for plots, not for clipping. */
  readonly range: DataRange;
  /** `n` samples, `[n, ...shape]`. */
  sample(n: number, rng: Rng): Float32Array;
  /** log p(x) for each row of `x` (`[n, ...shape]`), when known. */
  readonly logDensity?: (x: ArrayLike<number>) => Float64Array;
  readonly logDensityKind?: LogDensityKind;
}

/** Any opened dataset. */
export type DataSource = FiniteSource | DistributionSource;

/** Number of scalars in one item of `shape`. */
export function itemSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Builds an in-memory {@link FiniteSource} over `data` (`[size, ...shape]`). */
export function arraySource(
  name: string,
  data: Float32Array,
  shape: readonly number[],
  range: DataRange,
  labels?: Int32Array,
): FiniteSource {
  return rowSource(name, data, shape, range, { labels });
}

/** How a {@link rowSource} reads and names its rows. */
export interface RowSourceOptions {
  /** One label per row. */
  readonly labels?: Int32Array | undefined;
  /** Each value is divided by it when read (default 1). */
  readonly divisor?: number;
  /** What the errors call the values and the rows (default 'values', 'items'). */
  readonly words?: { readonly values: string; readonly items: string };
}

/**
 * A {@link FiniteSource} over the rows of `data` (`[size, ...shape]`, any numeric array), each
 * value divided by `divisor` when read. Throws when `data` or the labels do not fit the shape.
 */
export function rowSource(
  name: string,
  data: ArrayLike<number>,
  shape: readonly number[],
  range: DataRange,
  { labels, divisor = 1, words = { values: 'values', items: 'items' } }: RowSourceOptions = {},
): FiniteSource {
  const d = itemSize(shape);
  if (d === 0 || data.length % d !== 0) {
    throw new Error(
      `${name}: ${data.length} ${words.values} do not split into ${words.items} of shape [${shape}]`,
    );
  }
  const size = data.length / d;
  if (labels !== undefined && labels.length !== size) {
    throw new Error(`${name}: ${labels.length} labels for ${size} ${words.items}`);
  }
  return {
    kind: 'finite',
    name,
    shape,
    range,
    size,
    ...(labels === undefined ? {} : { labels }),
    read: async (indices) => gatherRows(data, d, indices, name, divisor),
  };
}

/** Throws, naming `name`, unless `i` is an integer in [0, size). */
export function checkIndex(i: number, size: number, name: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new Error(`${name}: index ${i} is out of range [0, ${size})`);
  }
}

/** Rows `indices` of a row-major `[rows, d]` array, concatenated, each value divided by `divisor`. */
export function gatherRows(
  data: ArrayLike<number>,
  d: number,
  indices: ArrayLike<number>,
  name = 'dataset',
  divisor = 1,
): Float32Array {
  const rows = data.length / d;
  const out = new Float32Array(indices.length * d);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    checkIndex(i, rows, name);
    for (let j = 0; j < d; j++) out[k * d + j] = data[i * d + j]! / divisor;
  }
  return out;
}
