/**
 * Sliding-window attributes shared by Conv, ConvTranspose, AveragePool and MaxPool
 * (ONNX opset 17): kernel_shape, strides, pads, dilations, and the output-size arithmetic.
 */
import type { Attr, Attrs, Value } from '../graph.ts';
import { type Dim, shapeToString } from '../shape.ts';
import { intsAttr, stringAttr } from './int-inputs.ts';

/** Resolved window parameters for `k` spatial axes. Pads are [begin..., end...] as in ONNX. */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
}

/** User-facing window options: a number applies to every spatial axis. */
export interface WindowOptions {
  readonly stride?: number | readonly number[];
  /** Symmetric padding per axis, or ONNX-style [begin..., end...]. */
  readonly padding?: number | readonly number[];
  readonly dilation?: number | readonly number[];
}

/** Re-exported for the convolution and pooling ops, which read their windows here. */
export { intsAttr };

export const intsA = (value: readonly number[]): Attr => ({ type: 'ints', value });
export const intA = (value: number): Attr => ({ type: 'int', value });

/** Throws unless auto_pad is absent or NOTSET (the only mode scorekit supports). */
function checkAutoPad(attrs: Attrs): void {
  const mode = stringAttr(attrs, 'auto_pad', 'NOTSET');
  if (mode !== 'NOTSET') throw new Error(`auto_pad ${mode} is not supported (use explicit pads)`);
}

/** Reads the window attributes of a node with `k` spatial axes and a given kernel shape. */
export function readWindow(attrs: Attrs, kernel: readonly number[]): Window {
  checkAutoPad(attrs);
  const k = kernel.length;
  const strides = intsAttr(attrs, 'strides') ?? new Array<number>(k).fill(1);
  const pads = intsAttr(attrs, 'pads') ?? new Array<number>(2 * k).fill(0);
  const dilations = intsAttr(attrs, 'dilations') ?? new Array<number>(k).fill(1);
  if (strides.length !== k || dilations.length !== k || pads.length !== 2 * k) {
    throw new Error(
      `window attributes do not match ${k} spatial axes (strides ${JSON.stringify(strides)}, pads ${JSON.stringify(pads)}, dilations ${JSON.stringify(dilations)})`,
    );
  }
  if ([...strides, ...dilations].some((v) => !(v >= 1)) || pads.some((p) => !(p >= 0))) {
    throw new Error('strides and dilations must be >= 1 and pads >= 0');
  }
  return { kernel: [...kernel], strides, pads, dilations };
}

/** The ONNX attributes of a window (kernel_shape, strides, pads, dilations). */
export function windowAttrs(w: Window, withDilations = true): Record<string, Attr> {
  const out: Record<string, Attr> = {
    kernel_shape: intsA(w.kernel),
    strides: intsA(w.strides),
    pads: intsA(w.pads),
  };
  if (withDilations) out['dilations'] = intsA(w.dilations);
  return out;
}

/** Expands a number-or-list option to `k` entries. */
export function perAxis(
  v: number | readonly number[] | undefined,
  k: number,
  dflt: number,
): number[] {
  if (v === undefined) return new Array<number>(k).fill(dflt);
  if (typeof v === 'number') return new Array<number>(k).fill(v);
  if (v.length !== k) throw new Error(`expected ${k} values, got ${JSON.stringify(v)}`);
  return [...v];
}

/** Builds a window from user options for a kernel of shape `kernel`. */
export function windowFrom(kernel: readonly number[], o: WindowOptions): Window {
  const k = kernel.length;
  const p = o.padding;
  const pads =
    p !== undefined && typeof p !== 'number' && p.length === 2 * k
      ? [...p]
      : [...perAxis(p, k, 0), ...perAxis(p, k, 0)];
  return {
    kernel: [...kernel],
    strides: perAxis(o.stride, k, 1),
    pads,
    dilations: perAxis(o.dilation, k, 1),
  };
}

/** Extent of a dilated kernel along axis `i`. */
export function effectiveKernel(w: Window, i: number): number {
  return w.dilations[i]! * (w.kernel[i]! - 1) + 1;
}

/**
 * Output size of a window sliding over spatial axis `i` of size `n`:
 * floor((n + pad_begin + pad_end - dilation (k - 1) - 1) / stride) + 1.
 * Symbolic sizes give a fresh symbolic size. Throws when the kernel exceeds the padded input.
 */
export function windowOutputSize(n: Dim, w: Window, i: number, where: Value): Dim {
  if (typeof n !== 'number') return `${n}_out`;
  const k = w.pads.length / 2;
  const padded = n + w.pads[i]! + w.pads[i + k]!;
  const ek = effectiveKernel(w, i);
  if (ek > padded) {
    throw new Error(
      `kernel extent ${ek} (kernel ${w.kernel[i]}, dilation ${w.dilations[i]}) is larger than the padded input size ${padded} on spatial axis ${i} of ${shapeToString(where.shape)}`,
    );
  }
  return Math.floor((padded - ek) / w.strides[i]!) + 1;
}

/** Number of spatial axes of a rank-(k + 2) tensor [N, C, ...spatial]; throws below rank 3. */
export function spatialRank(x: Value, what: string): number {
  if (x.rank < 3)
    throw new Error(`${what} must have shape [N, C, ...spatial], got ${x.toString()}`);
  return x.rank - 2;
}

/** `d` as a number; throws "`what` must be static" if it is symbolic. */
export function staticSize(d: Dim, what: string): number {
  if (typeof d !== 'number') throw new Error(`${what} must be static`);
  return d;
}

/** The static spatial sizes of `x` [N, C, ...spatial]; throws if any is symbolic. */
export function staticSpatial(x: Value, what: string): number[] {
  const s = x.shape.slice(2);
  if (!s.every((d): d is number => typeof d === 'number')) {
    throw new Error(`${what}: spatial sizes of ${x.toString()} must be static`);
  }
  return s;
}
