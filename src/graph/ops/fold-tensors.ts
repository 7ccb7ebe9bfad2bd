/** Index arithmetic on concrete tensors, for constant folding of the indexing operators. */
import { allocTyped } from '../dtype.ts';
import { type TensorData, tensor } from '../tensor.ts';

/** Folding copies data, so it is done only for tensors up to this many elements. */
export const FOLD_LIMIT = 4096;

/** Whether `t` is small enough to fold. */
export function foldable(t: TensorData): boolean {
  return t.data.length <= FOLD_LIMIT;
}

type Elements = { [i: number]: number | bigint };

function product(ds: readonly number[]): number {
  return ds.reduce((p, d) => p * d, 1);
}

/** Elements of `t` at positions `idx` along `axis` (the axis gets length idx.length). */
export function takeAlong(t: TensorData, axis: number, idx: readonly number[]): TensorData {
  const outer = product(t.shape.slice(0, axis));
  const dim = t.shape[axis]!;
  const inner = product(t.shape.slice(axis + 1));
  const src = t.data as Elements;
  const out = allocTyped(t.dtype, outer * idx.length * inner);
  const dst = out as Elements;
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const j of idx) {
      const base = (o * dim + j) * inner;
      for (let i = 0; i < inner; i++) dst[k++] = src[base + i]!;
    }
  }
  const shape = [...t.shape];
  shape[axis] = idx.length;
  return tensor(t.dtype, shape, out);
}

/** Concatenation of tensors of equal rank and type along `axis`. */
export function concatAlong(ts: readonly TensorData[], axis: number): TensorData {
  const first = ts[0]!;
  const outer = product(first.shape.slice(0, axis));
  const chunks = ts.map((t) => product(t.shape.slice(axis)));
  const out = allocTyped(first.dtype, outer * chunks.reduce((a, b) => a + b, 0));
  const dst = out as Elements;
  let k = 0;
  for (let o = 0; o < outer; o++) {
    ts.forEach((t, n) => {
      const src = t.data as Elements;
      const c = chunks[n]!;
      for (let i = 0; i < c; i++) dst[k++] = src[o * c + i]!;
    });
  }
  const shape = [...first.shape];
  shape[axis] = ts.reduce((s, t) => s + t.shape[axis]!, 0);
  return tensor(first.dtype, shape, out);
}

/** `count` consecutive integers from `start` with stride `step`. */
export function arange(start: number, count: number, step = 1): number[] {
  return Array.from({ length: count }, (_, j) => start + j * step);
}
