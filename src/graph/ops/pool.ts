/**
 * Pooling operators (ONNX AveragePool and MaxPool, opset 17, explicit pads, ceil_mode 0)
 * with shape inference and VJP rules.
 */
import type { Attrs, OutputType, Value } from '../graph.ts';
import { apply, defineOp, type VjpContext } from '../op-registry.ts';
import type { Shape } from '../shape.ts';
import { tensor } from '../tensor.ts';
import { constant } from './constant.ts';
import { convInputGrad } from './conv-grad.ts';
import { div } from './elementwise.ts';
import { intAttr } from './int-inputs.ts';
import { reshape } from './layout.ts';
import { scatterElements } from './scatter.ts';
import { zerosLike } from './shape-vectors.ts';
import {
  intA,
  intsAttr,
  readWindow,
  spatialRank,
  staticSpatial,
  type Window,
  windowAttrs,
  windowFrom,
  type WindowOptions,
  windowOutputSize,
} from './window.ts';

/** Reads a pooling node's window; kernel_shape is required, ceil_mode must be 0. */
function poolWindow(x: Value, attrs: Attrs): Window {
  const k = spatialRank(x, 'pooling input X');
  const kernel = intsAttr(attrs, 'kernel_shape');
  if (!kernel || kernel.length !== k) {
    throw new Error(
      `kernel_shape ${JSON.stringify(kernel)} must have ${k} entries for ${x.toString()}`,
    );
  }
  if (intAttr(attrs, 'ceil_mode', 0) !== 0) throw new Error('ceil_mode 1 is not supported');
  return readWindow(attrs, kernel);
}

function pooledShape(x: Value, w: Window): Shape {
  return [
    x.shape[0]!,
    x.shape[1]!,
    ...x.shape.slice(2).map((n, i) => windowOutputSize(n, w, i, x)),
  ];
}

/**
 * Number of input elements (not padding) in each pooling window, [...out spatial]: the
 * product over axes of the per-axis counts.
 */
function windowCounts(x: Value, w: Window, out: readonly number[]): Float64Array {
  const sizes = staticSpatial(x, 'AveragePool gradient');
  const k = sizes.length;
  const perAxis = out.map((o, i) =>
    Array.from({ length: o }, (_, j) => {
      const start = j * w.strides[i]! - w.pads[i]!;
      return Math.min(sizes[i]!, start + w.kernel[i]!) - Math.max(0, start);
    }),
  );
  const total = out.reduce((a, b) => a * b, 1);
  const counts = new Float64Array(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let c = 1;
    for (let i = k - 1; i >= 0; i--) {
      c *= perAxis[i]![rest % out[i]!]!;
      rest = Math.floor(rest / out[i]!);
    }
    counts[flat] = c;
  }
  return counts;
}

defineOp({
  name: 'AveragePool',
  infer(ins, attrs): OutputType[] {
    const x = ins[0]!;
    if (attrs['dilations'])
      throw new Error('dilations are not supported by AveragePool in opset 17');
    return [{ dtype: x.dtype, shape: pooledShape(x, poolWindow(x, attrs)) }];
  },
  vjp(ctx: VjpContext) {
    // y = (sum over the window) / count, so dx = ConvTranspose(gy / count, ones) per channel.
    const x = ctx.node.inputs[0]!;
    const w = poolWindow(x, ctx.node.attrs);
    const gy = ctx.gradOutputs[0]!;
    const out = staticSpatial(gy, 'AveragePool gradient');
    const K = w.kernel.reduce((a, b) => a * b, 1);
    const counts =
      intAttr(ctx.node.attrs, 'count_include_pad', 0) === 1
        ? constant(x.graph, tensor(x.dtype, [], [K]))
        : constant(x.graph, tensor(x.dtype, out, windowCounts(x, w, out)));
    const c = x.shape[1]!;
    if (typeof c !== 'number')
      throw new Error('AveragePool gradient: the channel count must be static');
    const ones = constant(
      x.graph,
      tensor(x.dtype, [c, 1, ...w.kernel], new Float64Array(c * K).fill(1)),
    );
    return [convInputGrad(div(gy, counts), ones, x.shape, { ...w, group: c })];
  },
});

defineOp({
  name: 'MaxPool',
  infer(ins, attrs): OutputType[] {
    const x = ins[0]!;
    if (intAttr(attrs, 'storage_order', 0) !== 0)
      throw new Error('storage_order 1 is not supported');
    const shape = pooledShape(x, poolWindow(x, attrs));
    return [
      { dtype: x.dtype, shape },
      { dtype: 'int64', shape },
    ];
  },
  vjp(ctx: VjpContext) {
    // Indices (output 1) are flat positions in x, batch and channel included: the gradient
    // of each window goes to its maximum, added where windows overlap.
    const x = ctx.node.inputs[0]!;
    const gy = ctx.gradOutputs[0]!;
    const flatX = reshape(x, [-1]);
    const idx = reshape(ctx.node.outputs[1]!, [-1]);
    const gx = scatterElements(zerosLike(flatX), idx, reshape(gy, [-1]), 0, 'add');
    return [reshape(gx, x.shape, x)];
  },
});

// ---- builders ----

export interface PoolOptions extends WindowOptions {
  /** Stride; defaults to the kernel size (as in torch), not 1. */
  readonly stride?: number | readonly number[];
}

function poolWindowFrom(x: Value, kernel: number | readonly number[], o: PoolOptions): Window {
  const k = spatialRank(x, 'pooling input');
  const ks = typeof kernel === 'number' ? new Array<number>(k).fill(kernel) : [...kernel];
  return windowFrom(ks, { ...o, stride: o.stride ?? ks });
}

/**
 * Average pooling over windows of size `kernel` (torch avg_pool2d): the mean of each window;
 * padding counts towards the divisor only when `countIncludePad`.
 */
export function avgPool(
  x: Value,
  kernel: number | readonly number[],
  o: PoolOptions & { countIncludePad?: boolean } = {},
): Value {
  const w = poolWindowFrom(x, kernel, o);
  if (w.dilations.some((d) => d !== 1)) throw new Error('avgPool: dilation is not supported');
  return apply('AveragePool', [x], {
    ...windowAttrs(w, false),
    count_include_pad: intA(o.countIncludePad ? 1 : 0),
  })[0]!;
}

/** 2-D average pooling of x [N, C, H, W] (see {@link avgPool}). */
export function avgPool2d(
  x: Value,
  kernel: number | readonly number[],
  o: PoolOptions & { countIncludePad?: boolean } = {},
): Value {
  if (x.rank !== 4) throw new Error(`avgPool2d: input must be [N, C, H, W], got ${x.toString()}`);
  return avgPool(x, kernel, o);
}

/** Max pooling over windows of size `kernel` (torch max_pool2d); padding never wins. */
export function maxPool(x: Value, kernel: number | readonly number[], o: PoolOptions = {}): Value {
  const w = poolWindowFrom(x, kernel, o);
  return apply('MaxPool', [x], windowAttrs(w))[0]!;
}

/** 2-D max pooling of x [N, C, H, W] (see {@link maxPool}). */
export function maxPool2d(
  x: Value,
  kernel: number | readonly number[],
  o: PoolOptions = {},
): Value {
  if (x.rank !== 4) throw new Error(`maxPool2d: input must be [N, C, H, W], got ${x.toString()}`);
  return maxPool(x, kernel, o);
}
