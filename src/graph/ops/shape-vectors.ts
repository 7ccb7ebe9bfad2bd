/**
 * Run-time shape vectors for VJP rules: constants when the dimensions are static, else
 * derived from Shape nodes so that symbolic dimensions (the batch "N") resolve at run time.
 */
import type { Value } from '../graph.ts';
import { apply1 } from '../op-registry.ts';
import { isStatic, shapesEqual } from '../shape.ts';
import { concat } from './concat.ts';
import { int64s } from './constant.ts';
import { constantOfShape } from './fill.ts';
import { gather } from './gather.ts';
import { reshape, shapeOf } from './layout.ts';

/** Dimensions `start..end` of `v`'s shape as a 1-D int64 value. */
export function shapeRange(v: Value, start: number, end: number): Value {
  const dims = v.shape.slice(start, end);
  if (isStatic(dims)) return int64s(v.graph, dims);
  return apply1('Shape', [v], {
    start: { type: 'int', value: start },
    end: { type: 'int', value: end },
  });
}

/** `v`'s shape with dimension `axis` replaced by `size`. */
export function shapeWithDim(v: Value, axis: number, size: number): Value {
  const dims = v.shape.map((d, i) => (i === axis ? size : d));
  if (isStatic(dims)) return int64s(v.graph, dims);
  const parts = [shapeRange(v, 0, axis), int64s(v.graph, [size]), shapeRange(v, axis + 1, v.rank)];
  return concat(
    parts.filter((p) => p.shape[0] !== 0),
    0,
  );
}

/** `v`'s shape permuted by `perm` (the shape of `transpose(v, perm)`), without transposing. */
export function permutedShape(v: Value, perm: readonly number[]): Value {
  const dims = perm.map((p) => v.shape[p]!);
  if (isStatic(dims)) return int64s(v.graph, dims);
  return gather(shapeOf(v), int64s(v.graph, perm), 0);
}

/** Zeros of `v`'s shape and type. */
export function zerosLike(v: Value): Value {
  return constantOfShape(shapeOf(v), 0, v.dtype);
}

/** `g` reshaped to `like`'s shape when their (possibly symbolic) shapes differ. */
export function matchShape(g: Value, like: Value): Value {
  return shapesEqual(g.shape, like.shape) ? g : reshape(g, like.shape, like);
}
