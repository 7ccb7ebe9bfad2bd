/** Reductions: ReduceSum (axes as input, opset 13), ReduceMean and ReduceMax (axes attribute). */
import type { Attrs, OutputType, Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { type Dim, normAxis } from '../shape.ts';
import { tensorValues } from '../tensor.ts';
import { int64s } from './constant.ts';
import { div, equal, mul, cast } from './elementwise.ts';
import { intAttr, intsAttr } from './int-inputs.ts';
import { expand, shapeOf, unsqueeze } from './layout.ts';

function keepdimsOf(attrs: Attrs): boolean {
  return intAttr(attrs, 'keepdims', 1) !== 0;
}

function reducedType(x: Value, axes: number[] | null, keepdims: boolean): OutputType[] {
  const rank = x.rank;
  const set = new Set((axes ?? [...Array(rank).keys()]).map((a) => normAxis(a, rank, 'reduce')));
  const shape: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!set.has(i)) shape.push(d);
    else if (keepdims) shape.push(1);
  });
  return [{ dtype: x.dtype, shape }];
}

function axesAttr(attrs: Attrs): number[] | null {
  return intsAttr(attrs, 'axes');
}

function axesInput(v: Value | null | undefined): number[] | null {
  if (!v) return null;
  if (!v.known) throw new Error('the axes input must be a constant');
  return tensorValues(v.known);
}

/** Normalised reduced axes of a node (all axes when none are given). */
function reducedAxes(x: Value, axes: number[] | null): number[] {
  return (axes ?? [...Array(x.rank).keys()])
    .map((a) => normAxis(a, x.rank, 'reduce'))
    .sort((a, b) => a - b);
}

/** Broadcasts a reduced gradient back over the reduced axes to `x`'s shape. */
function unreduce(g: Value, x: Value, axes: number[], keepdims: boolean): Value {
  const gk = keepdims ? g : unsqueeze(g, axes);
  return expand(gk, shapeOf(x));
}

function countOf(x: Value, axes: number[]): number {
  let n = 1;
  for (const a of axes) {
    const d = x.shape[a]!;
    if (typeof d !== 'number')
      throw new Error(`ReduceMean gradient: reduced dimension ${a} is symbolic`);
    n *= d;
  }
  return n;
}

defineOp({
  name: 'ReduceSum',
  infer: (ins, attrs) => reducedType(ins[0]!, axesInput(ins[1]), keepdimsOf(attrs)),
  vjp(ctx) {
    const x = ctx.node.inputs[0]!;
    const axes = reducedAxes(x, axesInput(ctx.node.inputs[1]));
    return [unreduce(ctx.gradOutputs[0]!, x, axes, keepdimsOf(ctx.node.attrs)), null];
  },
});

defineOp({
  name: 'ReduceMean',
  infer: (ins, attrs) => reducedType(ins[0]!, axesAttr(attrs), keepdimsOf(attrs)),
  vjp(ctx) {
    const x = ctx.node.inputs[0]!;
    const axes = reducedAxes(x, axesAttr(ctx.node.attrs));
    const g = unreduce(ctx.gradOutputs[0]!, x, axes, keepdimsOf(ctx.node.attrs));
    return [div(g, countOf(x, axes))];
  },
});

defineOp({
  name: 'ReduceMax',
  infer: (ins, attrs) => reducedType(ins[0]!, axesAttr(attrs), keepdimsOf(attrs)),
  vjp(ctx) {
    const x = ctx.node.inputs[0]!;
    const axes = reducedAxes(x, axesAttr(ctx.node.attrs));
    const keep = keepdimsOf(ctx.node.attrs);
    const y = unreduce(ctx.node.outputs[0]!, x, axes, keep);
    // The gradient goes to the maxima, split equally between ties.
    const mask = cast(equal(x, y), x.dtype);
    const ties = unreduce(reduceSum(mask, axes, true), x, axes, true);
    return [mul(unreduce(ctx.gradOutputs[0]!, x, axes, keep), div(mask, ties))];
  },
});

const ints = (v: readonly number[]) => ({ type: 'ints' as const, value: v });
const keep = (k: boolean) => ({ type: 'int' as const, value: k ? 1 : 0 });

/** Sum over `axes` (all when omitted). */
export function reduceSum(x: Value, axes?: readonly number[], keepdims = false): Value {
  const ax = axes ? int64s(x.graph, axes) : null;
  return apply1('ReduceSum', ax ? [x, ax] : [x], { keepdims: keep(keepdims) });
}

/** Mean over `axes` (all when omitted). */
export function reduceMean(x: Value, axes?: readonly number[], keepdims = false): Value {
  return apply1(
    'ReduceMean',
    [x],
    axes ? { axes: ints(axes), keepdims: keep(keepdims) } : { keepdims: keep(keepdims) },
  );
}

/** Maximum over `axes` (all when omitted). */
export function reduceMax(x: Value, axes?: readonly number[], keepdims = false): Value {
  return apply1(
    'ReduceMax',
    [x],
    axes ? { axes: ints(axes), keepdims: keep(keepdims) } : { keepdims: keep(keepdims) },
  );
}
