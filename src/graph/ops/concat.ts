/** Concat: joins tensors along an axis. Its VJP splits the gradient back into the pieces. */
import type { Attrs, Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { type Dim, isStatic, shapeToString } from '../shape.ts';
import { tensorValues } from '../tensor.ts';
import { int64s } from './constant.ts';
import { concatAlong, foldable } from './fold-tensors.ts';
import { axisAttr } from './int-inputs.ts';
import { freshDim } from './layout.ts';
import { shapeRange } from './shape-vectors.ts';
import { split } from './split.ts';

function concatAxis(ins: readonly (Value | null)[], attrs: Attrs): number {
  const x = ins[0];
  if (!x) throw new Error('needs at least one input');
  return axisAttr(attrs, x.rank);
}

function concatShape(xs: readonly Value[], axis: number): Dim[] {
  const first = xs[0]!;
  xs.forEach((x, n) => {
    if (x.dtype !== first.dtype) {
      throw new Error(`input ${n} has type ${x.dtype}, input 0 has ${first.dtype}`);
    }
    const mismatch =
      x.rank !== first.rank || x.shape.some((d, i) => i !== axis && d !== first.shape[i]);
    if (mismatch) {
      throw new Error(
        `input ${n} ${shapeToString(x.shape)} does not match input 0 ${shapeToString(first.shape)} outside axis ${axis}`,
      );
    }
  });
  const sizes = xs.map((x) => x.shape[axis]!);
  const shape = [...first.shape];
  const nonEmpty = sizes.filter((d) => d !== 0);
  shape[axis] = isStatic(sizes)
    ? (sizes as number[]).reduce((a, b) => a + b, 0)
    : nonEmpty.length === 1
      ? nonEmpty[0]!
      : freshDim('concat');
  return shape;
}

/** Entries of a 1-D shape-like value: known values or symbolic dims. */
function entriesOf(v: Value): Dim[] | null {
  return v.known ? tensorValues(v.known) : v.symbolic;
}

defineOp({
  name: 'Concat',
  infer(ins, attrs) {
    if (ins.some((v) => v === null)) throw new Error('inputs must not be omitted');
    const xs = ins as readonly Value[];
    const axis = concatAxis(xs, attrs);
    return [{ dtype: xs[0]!.dtype, shape: concatShape(xs, axis) }];
  },
  fold(ins, attrs) {
    const ts = ins.map((t) => t!);
    if (!ts.every(foldable)) return null;
    return [concatAlong(ts, axisAttr(attrs, ts[0]!.shape.length))];
  },
  symbolic(ins) {
    const xs = ins as readonly Value[];
    if (xs.some((x) => x.rank !== 1)) return [null];
    const parts = xs.map(entriesOf);
    return [parts.every((p) => p !== null) ? (parts as Dim[][]).flat() : null];
  },
  vjp(ctx) {
    const xs = ctx.node.inputs as readonly Value[];
    const axis = concatAxis(xs, ctx.node.attrs);
    const sizes = xs.map((x) => x.shape[axis]!);
    const g = ctx.gradOutputs[0]!;
    const sizesValue = isStatic(sizes)
      ? int64s(g.graph, sizes)
      : concat(
          xs.map((x) => shapeRange(x, axis, axis + 1)),
          0,
        );
    const parts = split(g, sizesValue, axis);
    return parts.map((p, i) => (ctx.needs[i] ? p : null));
  },
});

/** Joins `xs` along `axis` (negative counts from the end). */
export function concat(xs: readonly Value[], axis: number): Value {
  if (xs.length === 0) throw new Error('concat: needs at least one input');
  return apply1('Concat', xs, { axis: { type: 'int', value: axis } });
}
