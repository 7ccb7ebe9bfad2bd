/**
 * Convolution operators (ONNX Conv and ConvTranspose, opset 17, N-D, explicit pads) with
 * shape inference and VJP rules. The gradient formulations themselves live in
 * conv-grad.ts, chosen by measurement (docs/PERFORMANCE.md).
 */
import type { Attrs, OutputType, Value } from '../graph.ts';
import { apply1, defineOp, type VjpContext } from '../op-registry.ts';
import { type Dim, shapeToString } from '../shape.ts';
import { convBiasGrad, convInputGrad, convWeightGrad } from './conv-grad.ts';
import { intAttr } from './int-inputs.ts';
import {
  intA,
  intsA,
  intsAttr,
  readWindow,
  spatialRank,
  type Window,
  windowAttrs,
  windowFrom,
  type WindowOptions,
  windowOutputSize,
} from './window.ts';

/** Window and groups of a convolution node. */
export interface ConvParams extends Window {
  readonly group: number;
}

/** Reads the parameters of a Conv or ConvTranspose node whose weight is `w`. */
export function convParams(attrs: Attrs, w: Value): ConvParams {
  const kernel = w.shape.slice(2);
  if (!kernel.every((d): d is number => typeof d === 'number')) {
    throw new Error(`the kernel shape of weight ${w.toString()} must be static`);
  }
  const ks = intsAttr(attrs, 'kernel_shape');
  if (ks && shapeToString(ks) !== shapeToString(kernel)) {
    throw new Error(
      `kernel_shape ${shapeToString(ks)} does not match the weight ${shapeToString(w.shape)}`,
    );
  }
  return { ...readWindow(attrs, kernel), group: intAttr(attrs, 'group', 1) };
}

/** ONNX attributes of a convolution with parameters `p`. */
export function convAttrs(p: ConvParams): Record<string, ReturnType<typeof intA>> {
  return { ...windowAttrs(p), group: intA(p.group) };
}

function checkTypes(x: Value, w: Value, b: Value | null, what: string): void {
  if (x.dtype !== w.dtype || (b && b.dtype !== x.dtype)) {
    throw new Error(
      `${what}: element types differ (${x.dtype}, ${w.dtype}${b ? `, ${b.dtype}` : ''})`,
    );
  }
  const k = spatialRank(x, `${what} input X`);
  if (w.rank !== k + 2) {
    throw new Error(
      `weight ${shapeToString(w.shape)} must have rank ${k + 2} for input ${shapeToString(x.shape)}`,
    );
  }
  if (b && b.rank !== 1) throw new Error(`bias ${shapeToString(b.shape)} must be 1-D`);
}

/** Checks that `n` is a multiple of `group`, naming what it counts. */
function checkDivides(n: Dim, group: number, what: string): void {
  if (!Number.isInteger(group) || group < 1)
    throw new Error(`group must be a positive integer, got ${group}`);
  if (typeof n === 'number' && n % group !== 0) {
    throw new Error(`group ${group} does not divide the ${what} (${n})`);
  }
}

function inferConv(ins: readonly (Value | null)[], attrs: Attrs): OutputType[] {
  const [x, w, b] = ins as [Value, Value, Value | null];
  checkTypes(x, w, b, 'Conv');
  const p = convParams(attrs, w);
  const [c, m, cg] = [x.shape[1]!, w.shape[0]!, w.shape[1]!];
  checkDivides(c, p.group, `input channels of ${shapeToString(x.shape)}`);
  checkDivides(m, p.group, `output channels of weight ${shapeToString(w.shape)}`);
  if (typeof c === 'number' && typeof cg === 'number' && cg * p.group !== c) {
    throw new Error(
      `channel mismatch: input ${shapeToString(x.shape)} has ${c} channels but weight ${shapeToString(w.shape)} expects ${cg} x group ${p.group} = ${cg * p.group}`,
    );
  }
  if (b && b.shape[0] !== m) {
    throw new Error(`bias ${shapeToString(b.shape)} does not match ${m} output channels`);
  }
  const spatial = x.shape.slice(2).map((n, i) => windowOutputSize(n, p, i, x));
  return [{ dtype: x.dtype, shape: [x.shape[0]!, m, ...spatial] }];
}

/** Output size of a transposed convolution along axis `i`. */
function transposedSize(n: Dim, p: ConvParams, outPad: number, i: number): Dim {
  if (typeof n !== 'number') return `${n}_up`;
  const k = p.kernel.length;
  const size =
    p.strides[i]! * (n - 1) +
    outPad +
    p.dilations[i]! * (p.kernel[i]! - 1) +
    1 -
    p.pads[i]! -
    p.pads[i + k]!;
  if (size < 1) throw new Error(`the output size on spatial axis ${i} would be ${size}`);
  return size;
}

function inferConvTranspose(ins: readonly (Value | null)[], attrs: Attrs): OutputType[] {
  const [x, w, b] = ins as [Value, Value, Value | null];
  checkTypes(x, w, b, 'ConvTranspose');
  if (attrs['output_shape'])
    throw new Error('the output_shape attribute is not supported (use pads and output_padding)');
  const p = convParams(attrs, w);
  const k = p.kernel.length;
  const outPad = intsAttr(attrs, 'output_padding') ?? new Array<number>(k).fill(0);
  const [c, mg] = [x.shape[1]!, w.shape[1]!];
  checkDivides(c, p.group, `input channels of ${shapeToString(x.shape)}`);
  if (c !== w.shape[0]) {
    throw new Error(
      `channel mismatch: input ${shapeToString(x.shape)} has ${c} channels but weight ${shapeToString(w.shape)} expects ${w.shape[0]}`,
    );
  }
  outPad.forEach((o, i) => {
    if (o < 0 || (o >= p.strides[i]! && o >= p.dilations[i]!))
      throw new Error(
        `output_padding ${o} must be smaller than the stride or dilation on axis ${i}`,
      );
  });
  const m = typeof mg === 'number' ? mg * p.group : `${mg}x${p.group}`;
  if (b && b.shape[0] !== m)
    throw new Error(`bias ${shapeToString(b.shape)} does not match ${m} output channels`);
  const spatial = x.shape.slice(2).map((n, i) => transposedSize(n, p, outPad[i]!, i));
  return [{ dtype: x.dtype, shape: [x.shape[0]!, m, ...spatial] }];
}

defineOp({
  name: 'Conv',
  infer: inferConv,
  vjp(ctx: VjpContext) {
    const [x, w, b] = ctx.node.inputs as [Value, Value, Value | null];
    const p = convParams(ctx.node.attrs, w);
    const gy = ctx.gradOutputs[0]!;
    return [
      ctx.needs[0] ? convInputGrad(gy, w, x.shape, p) : null,
      ctx.needs[1] ? convWeightGrad(x, gy, w.shape, p, ctx.options.nchwcBlock) : null,
      b && ctx.needs[2] ? convBiasGrad(gy) : null,
    ];
  },
});

defineOp({
  name: 'ConvTranspose',
  infer: inferConvTranspose,
  vjp(ctx: VjpContext) {
    // ConvTranspose with weight w is the adjoint of Conv with the same w, so its input
    // gradient is that Conv, and its weight gradient is Conv's with the roles of x and y swapped.
    const [x, w, b] = ctx.node.inputs as [Value, Value, Value | null];
    const p = convParams(ctx.node.attrs, w);
    const gy = ctx.gradOutputs[0]!;
    return [
      ctx.needs[0] ? apply1('Conv', [gy, w], convAttrs(p)) : null,
      ctx.needs[1] ? convWeightGrad(gy, x, w.shape, p, ctx.options.nchwcBlock) : null,
      b && ctx.needs[2] ? convBiasGrad(gy) : null,
    ];
  },
});

// ---- builders ----

export interface ConvOptions extends WindowOptions {
  readonly groups?: number;
}

export interface ConvTransposeOptions extends ConvOptions {
  /** Extra size added at the end of each spatial axis (less than the stride). */
  readonly outputPadding?: number | readonly number[];
}

function convParamsFrom(w: Value, o: ConvOptions): ConvParams {
  const kernel = w.shape.slice(2) as number[];
  return { ...windowFrom(kernel, o), group: o.groups ?? 1 };
}

/**
 * N-D cross-correlation as in ONNX Conv / torch.nn.functional.conv2d:
 * y[n, m] = b[m] + sum_c sum_k w[m, c, k] x[n, g(m) C/G + c, s * o + d * k - p].
 * x: [N, C, ...spatial], w: [M, C / groups, ...kernel], b: [M].
 */
export function conv(x: Value, w: Value, b: Value | null = null, o: ConvOptions = {}): Value {
  const p = convParamsFrom(w, o);
  return apply1('Conv', b ? [x, w, b] : [x, w], convAttrs(p));
}

/** 2-D convolution: x [N, C, H, W], w [M, C / groups, kH, kW], b [M] (see {@link conv}). */
export function conv2d(x: Value, w: Value, b: Value | null = null, o: ConvOptions = {}): Value {
  if (x.rank !== 4) throw new Error(`conv2d: input must be [N, C, H, W], got ${x.toString()}`);
  return conv(x, w, b, o);
}

/**
 * N-D transposed convolution (ONNX ConvTranspose, torch conv_transpose2d): the adjoint of
 * {@link conv} with the same weight. x: [N, C, ...], w: [C, M / groups, ...kernel], b: [M].
 */
export function convTranspose(
  x: Value,
  w: Value,
  b: Value | null = null,
  o: ConvTransposeOptions = {},
): Value {
  const p = convParamsFrom(w, o);
  const k = p.kernel.length;
  const outPad =
    o.outputPadding === undefined
      ? null
      : typeof o.outputPadding === 'number'
        ? new Array<number>(k).fill(o.outputPadding)
        : [...o.outputPadding];
  const attrs = outPad ? { ...convAttrs(p), output_padding: intsA(outPad) } : convAttrs(p);
  return apply1('ConvTranspose', b ? [x, w, b] : [x, w], attrs);
}

/** 2-D transposed convolution: x [N, C, H, W], w [C, M / groups, kH, kW] (see {@link convTranspose}). */
export function convTranspose2d(
  x: Value,
  w: Value,
  b: Value | null = null,
  o: ConvTransposeOptions = {},
): Value {
  if (x.rank !== 4)
    throw new Error(`convTranspose2d: input must be [N, C, H, W], got ${x.toString()}`);
  return convTranspose(x, w, b, o);
}
