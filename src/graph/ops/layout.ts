/** Shape and layout operators: Shape, Reshape, Unsqueeze, Squeeze, Expand, Transpose, Flatten. */
import type { Attrs, Value } from '../graph.ts';
import { apply1, defineOp, type VjpContext } from '../op-registry.ts';
import {
  broadcastShapes,
  type Dim,
  isStatic,
  normAxis,
  type Shape,
  shapeToString,
} from '../shape.ts';
import { tensor, type TensorData, tensorValues } from '../tensor.ts';
import { sumToShape } from './broadcast.ts';
import { int64s } from './constant.ts';
import { intAttr, intsAttr } from './int-inputs.ts';

let freshCounter = 0;
/** A new symbolic dimension for sizes that cannot be inferred while building. */
export function freshDim(hint: string): string {
  return `${hint}_${freshCounter++}`;
}

/** The entries of a 1-D int64 shape-like input: known values, or symbolic entries. */
export function shapeVector(v: Value | null | undefined, what: string): Dim[] {
  if (!v) throw new Error(`missing ${what} input`);
  if (v.known) return tensorValues(v.known);
  if (v.symbolic) return [...v.symbolic];
  const len = v.shape[0];
  if (v.rank !== 1 || typeof len !== 'number')
    throw new Error(`${what} must be a 1-D int64 tensor of known length`);
  return Array.from({ length: len }, () => freshDim(what));
}

defineOp({
  name: 'Shape',
  infer(ins, attrs) {
    const n = sliceRange(ins[0]!.rank, attrs);
    return [{ dtype: 'int64', shape: [n[1] - n[0]] }];
  },
  symbolic(ins, attrs) {
    const [s, e] = sliceRange(ins[0]!.rank, attrs);
    return [ins[0]!.shape.slice(s, e)];
  },
  fold: () => null,
  vjp: () => [null],
});

function sliceRange(rank: number, attrs: Attrs): [number, number] {
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  return [clamp(intAttr(attrs, 'start', 0)), clamp(intAttr(attrs, 'end', rank))];
}

/** The VJP of an op that only relabels the shape: the gradient reshaped back to x's shape. */
function gradAsInputShape(ctx: VjpContext): Value {
  const x = ctx.node.inputs[0]!;
  return reshape(ctx.gradOutputs[0]!, x.shape, x);
}

/** Folding such an op: the same data under the new (static) shape. */
function withShape(t: TensorData, shape: Dim[]): TensorData {
  return tensor(t.dtype, shape as number[], t.data);
}

/** Resolves Reshape's target (0 copies, -1 infers), cancelling symbolic factors. */
function reshapeTarget(input: Shape, target: Dim[]): Dim[] {
  const out = target.map((d, i) => (d === 0 ? input[i]! : d));
  const minus = out.indexOf(-1);
  if (minus < 0) return out;
  const syms = input.filter((d): d is string => typeof d === 'string');
  let pIn = 1;
  for (const d of input) if (typeof d === 'number') pIn *= d;
  let pT = 1;
  for (const [i, d] of out.entries()) {
    if (i === minus) continue;
    if (typeof d === 'number') pT *= d;
    else {
      const k = syms.indexOf(d);
      if (k < 0) return out.map((x, j) => (j === minus ? freshDim('reshape') : x));
      syms.splice(k, 1);
    }
  }
  if (syms.length === 0) {
    if (pIn % pT !== 0)
      throw new Error(`cannot reshape ${shapeToString(input)} to ${shapeToString(target)}`);
    out[minus] = pIn / pT;
  } else out[minus] = syms.length === 1 && pIn === pT ? syms[0]! : freshDim('reshape');
  return out;
}

defineOp({
  name: 'Reshape',
  infer(ins) {
    const x = ins[0]!;
    const target = reshapeTarget(x.shape, shapeVector(ins[1], 'shape'));
    if (isStatic(x.shape) && isStatic(target)) {
      const a = x.shape.reduce((p, d) => p * d, 1);
      const b = (target as number[]).reduce((p, d) => p * d, 1);
      if (a !== b) throw new Error(`cannot reshape ${a} elements to ${shapeToString(target)}`);
    }
    return [{ dtype: x.dtype, shape: target }];
  },
  fold: (ins) => [withShape(ins[0]!, reshapeTarget(ins[0]!.shape, tensorValues(ins[1]!)))],
  symbolic: (ins) => [ins[0]!.symbolic],
  vjp: (ctx) => [gradAsInputShape(ctx), null],
});

function unsqueezedShape(shape: Shape, axes: number[]): Dim[] {
  const rank = shape.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(a, rank, 'Unsqueeze')));
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : shape[k++]!);
  return out;
}

defineOp({
  name: 'Unsqueeze',
  infer: (ins) => [
    {
      dtype: ins[0]!.dtype,
      shape: unsqueezedShape(ins[0]!.shape, shapeVector(ins[1], 'axes') as number[]),
    },
  ],
  fold: (ins) => [withShape(ins[0]!, unsqueezedShape(ins[0]!.shape, tensorValues(ins[1]!)))],
  symbolic: (ins) => [ins[0]!.symbolic],
  vjp: (ctx) => [gradAsInputShape(ctx), null],
});

function squeezedShape(shape: Shape, axes: number[] | null): Dim[] {
  const set = axes ? new Set(axes.map((a) => normAxis(a, shape.length, 'Squeeze'))) : null;
  return shape.filter((d, i) => {
    const drop = set ? set.has(i) : d === 1;
    if (drop && d !== 1 && typeof d === 'number')
      throw new Error(`cannot squeeze dimension ${i} of size ${d}`);
    return !drop;
  });
}

defineOp({
  name: 'Squeeze',
  infer: (ins) => [
    {
      dtype: ins[0]!.dtype,
      shape: squeezedShape(
        ins[0]!.shape,
        ins[1] ? (shapeVector(ins[1], 'axes') as number[]) : null,
      ),
    },
  ],
  fold: (ins) => [
    withShape(ins[0]!, squeezedShape(ins[0]!.shape, ins[1] ? tensorValues(ins[1]) : null)),
  ],
  symbolic: (ins) => [ins[0]!.symbolic],
  vjp: (ctx) => [gradAsInputShape(ctx), null],
});

defineOp({
  name: 'Expand',
  infer(ins) {
    const x = ins[0]!;
    const target = shapeVector(ins[1], 'shape');
    const shape = broadcastShapes(x.shape, target);
    if (!shape)
      throw new Error(`cannot expand ${shapeToString(x.shape)} to ${shapeToString(target)}`);
    return [{ dtype: x.dtype, shape }];
  },
  vjp: (ctx) => [sumToShape(ctx.gradOutputs[0]!, ctx.node.inputs[0]!), null],
});

defineOp({
  name: 'Transpose',
  infer(ins, attrs) {
    const x = ins[0]!;
    const perm = intsAttr(attrs, 'perm') ?? [...Array(x.rank).keys()].reverse();
    if (perm.length !== x.rank || new Set(perm).size !== perm.length) {
      throw new Error(`perm ${JSON.stringify(perm)} is not a permutation of rank ${x.rank}`);
    }
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[normAxis(p, x.rank, 'Transpose')]!) }];
  },
  vjp(ctx) {
    const x = ctx.node.inputs[0]!;
    const perm = intsAttr(ctx.node.attrs, 'perm') ?? [...Array(x.rank).keys()].reverse();
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [transpose(ctx.gradOutputs[0]!, inv)];
  },
});

defineOp({
  name: 'Flatten',
  infer(ins, attrs) {
    const x = ins[0]!;
    const a = intAttr(attrs, 'axis', 1);
    const axis = a < 0 ? a + x.rank : a;
    const prod = (ds: Shape): Dim =>
      isStatic(ds) ? ds.reduce((p, d) => p * d, 1) : ds.length === 1 ? ds[0]! : freshDim('flatten');
    return [{ dtype: x.dtype, shape: [prod(x.shape.slice(0, axis)), prod(x.shape.slice(axis))] }];
  },
  vjp: (ctx) => [gradAsInputShape(ctx)],
});

// ---- builders ----

/** A 1-D int64 value holding `x`'s shape: a constant when static, else a Shape node. */
export function shapeOf(x: Value): Value {
  if (isStatic(x.shape)) return int64s(x.graph, x.shape);
  return apply1('Shape', [x]);
}

/**
 * Reshapes `x` to `shape`. Symbolic entries of `shape` are taken from `like` (a value with
 * the same symbolic dims) at run time; `0` copies and `-1` infers as in ONNX.
 */
export function reshape(x: Value, shape: Shape, like?: Value): Value {
  if (isStatic(shape)) return apply1('Reshape', [x, int64s(x.graph, shape)]);
  if (like && like.rank === shape.length && like.shape.every((d, i) => d === shape[i])) {
    return apply1('Reshape', [x, shapeOf(like)]);
  }
  // Symbolic dims that match x's dims at the same position are copied with 0.
  const spec = shape.map((d, i) => (typeof d === 'number' ? d : x.shape[i] === d ? 0 : -1));
  if (spec.filter((d) => d === -1).length > 1) {
    throw new Error(`reshape: cannot express ${shapeToString(shape)} from ${x.toString()}`);
  }
  return apply1('Reshape', [x, int64s(x.graph, spec)]);
}

/** Inserts size-1 axes. */
export function unsqueeze(x: Value, axes: readonly number[]): Value {
  return apply1('Unsqueeze', [x, int64s(x.graph, axes)]);
}

/** Removes size-1 axes (all when `axes` is omitted). */
export function squeeze(x: Value, axes?: readonly number[]): Value {
  return apply1('Squeeze', axes ? [x, int64s(x.graph, axes)] : [x]);
}

/** Broadcasts `x` to `shape` (a 1-D int64 value). */
export function expand(x: Value, shape: Value): Value {
  return apply1('Expand', [x, shape]);
}

/** Permutes axes. */
export function transpose(x: Value, perm: readonly number[]): Value {
  return apply1('Transpose', [x], { perm: { type: 'ints', value: perm } });
}
