/**
 * Split (opset 13: the sizes are an optional input; without it, the opset-18 attribute
 * `num_outputs` is read for imported graphs). Its VJP concatenates the output gradients,
 * with zeros for outputs that do not affect the objective.
 */
import type { Attrs, Value } from '../graph.ts';
import { apply, defineOp } from '../op-registry.ts';
import { type Dim, normAxis, shapeToString } from '../shape.ts';
import { tensorValues } from '../tensor.ts';
import { concat } from './concat.ts';
import { int64s } from './constant.ts';
import { arange, foldable, takeAlong } from './fold-tensors.ts';
import { axisAttr, intAttr } from './int-inputs.ts';
import { freshDim, shapeVector } from './layout.ts';
import { zerosLike } from './shape-vectors.ts';

/** Equal parts of `dim`, the last one smaller when it does not divide (ONNX opset 18). */
function equalSizes(dim: Dim, parts: number): Dim[] {
  if (typeof dim !== 'number') return arange(0, parts).map(() => freshDim('split'));
  const size = Math.ceil(dim / parts);
  return arange(0, parts).map((i) => Math.max(0, Math.min(size, dim - i * size)));
}

function splitSizes(x: Value, split: Value | null | undefined, attrs: Attrs, axis: number): Dim[] {
  const dim = x.shape[axis]!;
  if (!split) {
    const n = intAttr(attrs, 'num_outputs', 0);
    if (n < 1) throw new Error('needs a split input (or the num_outputs attribute)');
    return equalSizes(dim, n);
  }
  const sizes = shapeVector(split, 'split');
  if (sizes.some((s) => typeof s === 'number' && s < 0)) {
    throw new Error(`split sizes ${shapeToString(sizes)} must not be negative`);
  }
  if (typeof dim === 'number' && sizes.every((s) => typeof s === 'number')) {
    const total = (sizes as number[]).reduce((a, b) => a + b, 0);
    if (total !== dim) {
      throw new Error(
        `split sizes ${shapeToString(sizes)} sum to ${total}, not to axis ${axis} of size ${dim}`,
      );
    }
  }
  return sizes;
}

/** Start of each piece along the axis. */
function offsets(sizes: readonly number[]): number[] {
  const out: number[] = [];
  let o = 0;
  for (const s of sizes) {
    out.push(o);
    o += s;
  }
  return out;
}

defineOp({
  name: 'Split',
  infer(ins, attrs) {
    const x = ins[0]!;
    const axis = axisAttr(attrs, x.rank);
    return splitSizes(x, ins[1], attrs, axis).map((s) => ({
      dtype: x.dtype,
      shape: x.shape.map((d, i) => (i === axis ? s : d)),
    }));
  },
  fold(ins, attrs) {
    const [x, split] = ins;
    if (!x || !split || !foldable(x)) return null;
    const axis = axisAttr(attrs, x.shape.length);
    const sizes = tensorValues(split);
    const starts = offsets(sizes);
    return sizes.map((s, i) => takeAlong(x, axis, arange(starts[i]!, s)));
  },
  symbolic(ins) {
    const [x, split] = ins;
    const sizes = split?.known ? tensorValues(split.known) : null;
    if (!x || x.rank !== 1 || !x.symbolic || !sizes) return [];
    const entries = x.symbolic;
    return offsets(sizes).map((o, i) => entries.slice(o, o + sizes[i]!));
  },
  vjp(ctx) {
    const axis = axisAttr(ctx.node.attrs, ctx.node.inputs[0]!.rank);
    const parts = ctx.node.outputs.map((o, i) => ctx.gradOutputs[i] ?? zerosLike(o));
    return [concat(parts, axis), null];
  },
});

/**
 * Splits `x` along `axis` into pieces of the given sizes (numbers, or a 1-D int64 value of
 * static length), or into `sizes` equal pieces when it is a number (the axis must be static
 * and divisible).
 */
export function split(x: Value, sizes: number | readonly number[] | Value, axis = 0): Value[] {
  const a = normAxis(axis, x.rank, 'split');
  let sizesValue: Value;
  if (typeof sizes === 'number') {
    const dim = x.shape[a];
    if (typeof dim !== 'number' || dim % sizes !== 0) {
      throw new Error(`split: axis ${a} of ${x.toString()} does not divide into ${sizes} parts`);
    }
    sizesValue = int64s(x.graph, equalSizes(dim, sizes) as number[]);
  } else sizesValue = Array.isArray(sizes) ? int64s(x.graph, sizes) : (sizes as Value);
  // A copy: apply returns the node's own output list.
  return [...apply('Split', [x, sizesValue], { axis: { type: 'int', value: a } })];
}
