/**
 * ScatterND and ScatterElements (opset 16+, with `reduction`): writes (or adds) updates into
 * a copy of `data`. The VJP of Gather uses ScatterND; they have no VJP themselves.
 */
import type { Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { type Dim, shapeToString } from '../shape.ts';
import { axisAttr, checkIndexType, stringAttr } from './int-inputs.ts';

/** How duplicate indices combine: 'none' (last write wins, undefined order) or a reduction. */
export type ScatterReduction = 'none' | 'add' | 'mul' | 'max' | 'min';

const REDUCTIONS: readonly string[] = ['none', 'add', 'mul', 'max', 'min'];

/** Dimension lists that must agree where both are static. */
function checkDims(what: string, got: readonly Dim[], want: readonly Dim[]): void {
  const ok =
    got.length === want.length &&
    got.every((d, i) => typeof d !== 'number' || typeof want[i] !== 'number' || d === want[i]);
  if (!ok)
    throw new Error(`${what} has shape ${shapeToString(got)}, expected ${shapeToString(want)}`);
}

function checkCommon(data: Value, indices: Value, updates: Value, reduction: string): void {
  checkIndexType(indices, 'indices');
  if (updates.dtype !== data.dtype) {
    throw new Error(`updates type ${updates.dtype} differs from data type ${data.dtype}`);
  }
  if (!REDUCTIONS.includes(reduction)) throw new Error(`unknown reduction "${reduction}"`);
}

defineOp({
  name: 'ScatterND',
  infer(ins, attrs) {
    const [data, indices, updates] = ins as [Value, Value, Value];
    checkCommon(data, indices, updates, stringAttr(attrs, 'reduction', 'none'));
    const k = indices.shape[indices.rank - 1];
    if (indices.rank < 1 || typeof k !== 'number' || k > data.rank) {
      throw new Error(`the last dimension of indices must be static and at most ${data.rank}`);
    }
    checkDims('updates', updates.shape, [...indices.shape.slice(0, -1), ...data.shape.slice(k)]);
    return [{ dtype: data.dtype, shape: data.shape }];
  },
});

defineOp({
  name: 'ScatterElements',
  infer(ins, attrs) {
    const [data, indices, updates] = ins as [Value, Value, Value];
    checkCommon(data, indices, updates, stringAttr(attrs, 'reduction', 'none'));
    axisAttr(attrs, data.rank);
    if (indices.rank !== data.rank) throw new Error('indices and data differ in rank');
    checkDims('updates', updates.shape, indices.shape);
    return [{ dtype: data.dtype, shape: data.shape }];
  },
});

const reductionAttr = (r: ScatterReduction) => ({ type: 'string' as const, value: r });

/**
 * `data` with slices at `indices` (int64, last axis indexes the leading dimensions of data)
 * replaced by, or combined with, `updates`.
 */
export function scatterND(
  data: Value,
  indices: Value,
  updates: Value,
  reduction: ScatterReduction = 'none',
): Value {
  return apply1('ScatterND', [data, indices, updates], { reduction: reductionAttr(reduction) });
}

/** `data` with `data[..., indices[i], ...] = updates[i]` along `axis` (or combined). */
export function scatterElements(
  data: Value,
  indices: Value,
  updates: Value,
  axis: number,
  reduction: ScatterReduction = 'none',
): Value {
  return apply1('ScatterElements', [data, indices, updates], {
    axis: { type: 'int', value: axis },
    reduction: reductionAttr(reduction),
  });
}
