/**
 * Slice (opset 13): `starts`, `ends`, optional `axes` and `steps` as inputs, with negative
 * indices, negative steps and clamping as in ONNX. The VJP is in slice-grad.ts.
 */
import type { Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { type Dim, normAxis } from '../shape.ts';
import { tensorValues } from '../tensor.ts';
import { int64s } from './constant.ts';
import { arange, foldable, takeAlong } from './fold-tensors.ts';
import { knownInts, maybeKnownInts } from './int-inputs.ts';
import { freshDim } from './layout.ts';
import { sliceVjp } from './slice-grad.ts';

/** An `end` meaning "to the end of the axis" (any end at or beyond {@link OPEN_END}). */
export const SLICE_TO_END = Number.MAX_SAFE_INTEGER;
/** Ends at or beyond this (and starts at or below its negation) are treated as open. */
export const OPEN_END = 2 ** 31 - 1;

/** The constant operands of a Slice node, axes normalised. */
export interface SliceSpec {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly axes: readonly number[];
  readonly steps: readonly number[];
}

/** One axis of a slice against a static dimension: first index and element count. */
export interface AxisRange {
  readonly start: number;
  readonly count: number;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** ONNX Slice semantics for one axis of static size `dim`. */
export function normalizeRange(dim: number, start: number, end: number, step: number): AxisRange {
  if (step === 0) throw new Error('steps must be non-zero');
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
  } else {
    s = clamp(s, 0, dim - 1);
    e = clamp(e, -1, dim - 1);
  }
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/** Whether a range keeps every element of an axis of any size (in order or reversed). */
export function isFullRange(start: number, end: number, step: number): boolean {
  if (step === 1) return (start === 0 || start <= -OPEN_END) && end >= OPEN_END;
  if (step === -1) return (start === -1 || start >= OPEN_END) && end <= -OPEN_END;
  return false;
}

/** Slice operands: undefined when the input is absent, null when it is not known. */
type Operand = number[] | null | undefined;

/** The slice operands of a node, or null when some are not known while building. */
export function sliceSpec(ins: readonly (Value | null)[], rank: number): SliceSpec | null {
  const names = ['starts', 'ends', 'axes', 'steps'];
  return specFrom(
    names.map((what, k) => {
      const v = ins[k + 1];
      return v ? maybeKnownInts(v, what) : undefined;
    }),
    rank,
  );
}

function specFrom(operands: readonly Operand[], rank: number): SliceSpec | null {
  const [starts, ends, axesIn, stepsIn] = operands;
  if (!starts || !ends) return null;
  const axes = axesIn === undefined ? arange(0, starts.length) : axesIn;
  const steps = stepsIn === undefined ? starts.map(() => 1) : stepsIn;
  if (!axes || !steps) return null;
  const n = starts.length;
  if (ends.length !== n || axes.length !== n || steps.length !== n) {
    throw new Error(
      `starts, ends, axes and steps differ in length (${n}, ${ends.length}, ${axes.length}, ${steps.length})`,
    );
  }
  const norm = axes.map((a) => normAxis(a, rank, 'the axes input'));
  if (new Set(norm).size !== n) throw new Error(`axes ${JSON.stringify(axes)} repeat an axis`);
  if (steps.includes(0)) throw new Error('steps must be non-zero');
  return { starts, ends, axes: norm, steps };
}

/** The sliced dimension: exact when static or a full range, else a fresh symbol. */
function slicedDim(dim: Dim, start: number, end: number, step: number): Dim {
  if (typeof dim === 'number') return normalizeRange(dim, start, end, step).count;
  return isFullRange(start, end, step) ? dim : freshDim('slice');
}

function slicedShape(x: Value, spec: SliceSpec | null, axesOnly: number[] | null): Dim[] {
  const shape = [...x.shape];
  if (!spec) {
    const axes = axesOnly ?? arange(0, x.rank);
    for (const a of axes) shape[normAxis(a, x.rank, 'the axes input')] = freshDim('slice');
    return shape;
  }
  spec.axes.forEach((a, i) => {
    shape[a] = slicedDim(shape[a]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!);
  });
  return shape;
}

/** Entries kept by a 1-D slice of `entries` (shape vectors). */
function sliceEntries<T>(entries: readonly T[], spec: SliceSpec): T[] {
  if (spec.axes.length === 0) return [...entries];
  const r = normalizeRange(entries.length, spec.starts[0]!, spec.ends[0]!, spec.steps[0]!);
  return arange(r.start, r.count, spec.steps[0]!).map((i) => entries[i]!);
}

defineOp({
  name: 'Slice',
  infer(ins) {
    const x = ins[0]!;
    const spec = sliceSpec(ins, x.rank);
    const axesOnly = ins[3] ? maybeKnownInts(ins[3], 'axes') : null;
    return [{ dtype: x.dtype, shape: slicedShape(x, spec, axesOnly) }];
  },
  fold(ins) {
    let t = ins[0]!;
    const spec = specFrom(
      ins.slice(1).map((k) => (k ? tensorValues(k) : undefined)),
      t.shape.length,
    );
    if (!spec || !foldable(t)) return null;
    spec.axes.forEach((a, i) => {
      const r = normalizeRange(t.shape[a]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!);
      t = takeAlong(t, a, arange(r.start, r.count, spec.steps[i]!));
    });
    return [t];
  },
  symbolic(ins) {
    const x = ins[0]!;
    const spec = x.symbolic && x.rank === 1 ? sliceSpec(ins, 1) : null;
    return [spec && x.symbolic ? sliceEntries(x.symbolic, spec) : null];
  },
  vjp: sliceVjp,
});

/**
 * `x[starts:ends:steps]` along `axes` (default: the first `starts.length` axes). Negative
 * starts and ends count from the end; use {@link SLICE_TO_END} for an open end.
 */
export function slice(
  x: Value,
  starts: readonly number[],
  ends: readonly number[],
  axes?: readonly number[],
  steps?: readonly number[],
): Value {
  const g = x.graph;
  const ins = [x, int64s(g, starts), int64s(g, ends)];
  if (axes || steps) ins.push(int64s(g, axes ?? arange(0, starts.length)));
  if (steps) ins.push(int64s(g, steps));
  return apply1('Slice', ins);
}

/** Reads a Slice node's operands for its VJP; throws when they are not constants. */
export function knownSliceSpec(ins: readonly (Value | null)[], rank: number): SliceSpec {
  const spec = sliceSpec(ins, rank);
  if (!spec) {
    knownInts(ins[1], 'starts');
    knownInts(ins[2], 'ends');
    throw new Error('the axes and steps inputs of Slice must be constants');
  }
  return spec;
}
