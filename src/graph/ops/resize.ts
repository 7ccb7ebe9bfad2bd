/**
 * Resize (ONNX opset 17; inputs X, roi, scales, sizes) in nearest and linear modes, with
 * shape inference and a VJP rule. Resize is linear in X and separable over the spatial axes:
 * y = X x_1 A_1 ... x_k A_k with interpolation matrices A_i [out_i, in_i], built here with
 * ONNX Runtime's coordinate rules, so the VJP is dx = gy x_1 A_1^T ... x_k A_k^T.
 */
import type { Attrs, OutputType, Value } from '../graph.ts';
import { apply1, defineOp, type VjpContext } from '../op-registry.ts';
import { type Dim, shapeToString } from '../shape.ts';
import { tensor, tensorValues } from '../tensor.ts';
import { constant, int64s } from './constant.ts';
import { stringAttr } from './int-inputs.ts';
import { reshape, transpose } from './layout.ts';
import { matmul } from './matmul.ts';
import { reduceSum } from './reduce.ts';
import { staticSpatial } from './window.ts';

export type ResizeMode = 'nearest' | 'linear';
export type CoordinateMode = 'half_pixel' | 'asymmetric' | 'align_corners' | 'pytorch_half_pixel';
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';

interface ResizeSpec {
  readonly mode: ResizeMode;
  readonly coord: CoordinateMode;
  readonly nearest: NearestMode;
}

function resizeSpec(attrs: Attrs): ResizeSpec {
  const mode = stringAttr(attrs, 'mode', 'nearest');
  const coord = stringAttr(attrs, 'coordinate_transformation_mode', 'half_pixel');
  const nearest = stringAttr(attrs, 'nearest_mode', 'round_prefer_floor');
  if (mode !== 'nearest' && mode !== 'linear') throw new Error(`mode ${mode} is not supported`);
  if (!['half_pixel', 'asymmetric', 'align_corners', 'pytorch_half_pixel'].includes(coord)) {
    throw new Error(`coordinate_transformation_mode ${coord} is not supported`);
  }
  if (!['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'].includes(nearest)) {
    throw new Error(`nearest_mode ${nearest} is not supported`);
  }
  return { mode, coord: coord as CoordinateMode, nearest: nearest as NearestMode };
}

/** Per-axis scales (scales input, or sizes / input sizes) and output sizes. */
function resizeTargets(ins: readonly (Value | null)[]): { scales: number[]; sizes: Dim[] } {
  const [x, roi, scalesIn, sizesIn] = ins as [Value, Value | null, Value | null, Value | null];
  if (roi && roi.hasShape && roi.shape[0] !== 0 && !roi.known) {
    throw new Error('a run-time roi is not supported');
  }
  const hasScales = scalesIn !== null && scalesIn !== undefined && scalesIn.shape[0] !== 0;
  if (hasScales === (sizesIn !== null && sizesIn !== undefined)) {
    throw new Error('exactly one of scales and sizes must be given');
  }
  const given = hasScales ? scalesIn : sizesIn!;
  if (!given.known) throw new Error(`${hasScales ? 'scales' : 'sizes'} must be a constant`);
  const vals = tensorValues(given.known);
  if (vals.length !== x.rank) {
    throw new Error(
      `${vals.length} ${hasScales ? 'scales' : 'sizes'} for input ${shapeToString(x.shape)}`,
    );
  }
  if (hasScales) {
    const sizes = x.shape.map((d, i) =>
      typeof d === 'number' ? Math.floor(d * vals[i]!) : vals[i] === 1 ? d : `${d}_resized`,
    );
    return { scales: vals, sizes };
  }
  return {
    scales: vals.map((s, i) => (typeof x.shape[i] === 'number' ? s / (x.shape[i] as number) : 1)),
    sizes: vals,
  };
}

/** Source coordinate of output index `o` (ONNX coordinate_transformation_mode). */
function sourceCoord(
  o: number,
  scale: number,
  nIn: number,
  nOut: number,
  coord: CoordinateMode,
): number {
  switch (coord) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return nOut > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'asymmetric':
      return o / scale;
    case 'align_corners':
      return nOut === 1 ? 0 : (o * (nIn - 1)) / (nOut - 1);
  }
}

function roundNearest(x: number, mode: NearestMode): number {
  switch (mode) {
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return x === Math.floor(x) + 0.5 ? Math.ceil(x) : Math.round(x);
  }
}

/** The interpolation matrix [nOut, nIn] of one axis, row-major. */
export function interpolationMatrix(
  nIn: number,
  nOut: number,
  scale: number,
  spec: ResizeSpec,
): Float64Array {
  const a = new Float64Array(nOut * nIn);
  const clamp = (i: number): number => Math.min(nIn - 1, Math.max(0, i));
  for (let o = 0; o < nOut; o++) {
    const x = sourceCoord(o, scale, nIn, nOut, spec.coord);
    if (spec.mode === 'nearest') {
      a[o * nIn + clamp(roundNearest(x, spec.nearest))] = 1;
      continue;
    }
    const xc = Math.min(nIn - 1, Math.max(0, x));
    const i0 = Math.floor(xc);
    const i1 = clamp(i0 + 1);
    a[o * nIn + i0] = a[o * nIn + i0]! + 1 - (xc - i0);
    a[o * nIn + i1] = a[o * nIn + i1]! + xc - i0;
  }
  return a;
}

/** The replication factor when `a` repeats each input `s` times (o -> floor(o / s)), else 0. */
function blockFactor(a: Float64Array, nIn: number, nOut: number): number {
  const s = nOut / nIn;
  if (!Number.isInteger(s)) return 0;
  for (let o = 0; o < nOut; o++) if (a[o * nIn + Math.floor(o / s)] !== 1) return 0;
  return s;
}

defineOp({
  name: 'Resize',
  infer(ins, attrs): OutputType[] {
    resizeSpec(attrs);
    const x = ins[0]!;
    return [{ dtype: x.dtype, shape: resizeTargets(ins).sizes }];
  },
  vjp(ctx: VjpContext) {
    const x = ctx.node.inputs[0]!;
    const gy = ctx.gradOutputs[0]!;
    const spec = resizeSpec(ctx.node.attrs);
    const { scales } = resizeTargets(ctx.node.inputs);
    if (scales[0] !== 1 || scales[1] !== 1)
      throw new Error('Resize gradient: only spatial axes may be resized');
    const nIn = staticSpatial(x, 'Resize gradient');
    const nOut = staticSpatial(gy, 'Resize gradient');
    const mats = nIn.map((n, i) => interpolationMatrix(n, nOut[i]!, scales[i + 2]!, spec));
    const factors = mats.map((a, i) => blockFactor(a, nIn[i]!, nOut[i]!));
    const dx = factors.every((f) => f > 0)
      ? blockSum(gy, nIn, factors)
      : applyTransposed(gy, mats, nIn, nOut);
    return [dx, null, null, null];
  },
});

/** Adjoint of nearest upsampling by integer factors: sums each block of the gradient. */
function blockSum(gy: Value, nIn: readonly number[], factors: readonly number[]): Value {
  const split = nIn.flatMap((n, i) => [n, factors[i]!]);
  const summed = reduceSum(
    reshape(gy, [gy.shape[0]!, gy.shape[1]!, ...split]),
    nIn.map((_, i) => 3 + 2 * i),
  );
  return summed;
}

/** gy x_i A_i^T over every spatial axis i (the adjoint of separable interpolation). */
function applyTransposed(
  gy: Value,
  mats: readonly Float64Array[],
  nIn: readonly number[],
  nOut: readonly number[],
): Value {
  const k = nIn.length;
  let g = gy;
  for (let i = 0; i < k; i++) {
    // Move axis 2 + i last, contract it with A_i [out, in], and move it back.
    const perm = [...Array(k + 2).keys()];
    perm.splice(2 + i, 1);
    perm.push(2 + i);
    const inv = new Array<number>(perm.length);
    perm.forEach((p, j) => (inv[p] = j));
    const a = constant(gy.graph, tensor(gy.dtype, [nOut[i]!, nIn[i]!], mats[i]!));
    g = transpose(matmul(transpose(g, perm), a), inv);
  }
  return g;
}

// ---- builders ----

export interface ResizeOptions {
  /** One scale per axis of x (batch and channel scales 1). */
  readonly scales?: readonly number[];
  /** One output size per axis of x. */
  readonly sizes?: readonly number[];
  readonly mode?: ResizeMode;
  readonly coordinateTransformationMode?: CoordinateMode;
  readonly nearestMode?: NearestMode;
}

/**
 * Resizes x [N, C, ...spatial] by interpolation (ONNX Resize; torch F.interpolate with
 * align_corners=False corresponds to half_pixel, True to align_corners).
 */
export function resize(x: Value, o: ResizeOptions): Value {
  const g = x.graph;
  const scales = o.scales ? constant(g, tensor('float32', [o.scales.length], o.scales)) : null;
  const sizes = o.sizes ? int64s(g, o.sizes) : null;
  const attrs: Record<string, { type: 'string'; value: string }> = {
    mode: { type: 'string', value: o.mode ?? 'nearest' },
    coordinate_transformation_mode: {
      type: 'string',
      value: o.coordinateTransformationMode ?? 'half_pixel',
    },
    nearest_mode: { type: 'string', value: o.nearestMode ?? 'round_prefer_floor' },
  };
  return apply1('Resize', sizes ? [x, null, null, sizes] : [x, null, scales], attrs);
}

/** Nearest-neighbour upsampling of x [N, C, ...spatial] by an integer factor per spatial axis. */
export function upsampleNearest(x: Value, factor: number | readonly number[]): Value {
  const k = x.rank - 2;
  const f = typeof factor === 'number' ? new Array<number>(k).fill(factor) : [...factor];
  return resize(x, {
    scales: [1, 1, ...f],
    mode: 'nearest',
    coordinateTransformationMode: 'asymmetric',
    nearestMode: 'floor',
  });
}

/**
 * Bilinear (linear per axis) upsampling of x [N, C, ...spatial] by `factor`, as torch
 * F.interpolate(mode='bilinear', align_corners) does.
 */
export function upsampleBilinear(
  x: Value,
  factor: number | readonly number[],
  alignCorners = false,
): Value {
  const k = x.rank - 2;
  const f = typeof factor === 'number' ? new Array<number>(k).fill(factor) : [...factor];
  return resize(x, {
    scales: [1, 1, ...f],
    mode: 'linear',
    coordinateTransformationMode: alignCorners ? 'align_corners' : 'half_pixel',
  });
}
