/**
 * The weight gradient of a 2-D stride-1 convolution as another convolution, for runtimes that
 * run it on ONNX Runtime's blocked (NCHWc) kernels; chosen by convWeightGrad (conv-grad.ts)
 * where {@link asConvApplies} holds. On the NCSNv2 ngf 16 layers it takes 0.47-0.86x the time
 * of the shift stacks, on ngf 64's, in chunks of examples and output channels, 0.40-0.76x
 * (1 thread; docs/PERFORMANCE.md, "Weight gradient as a convolution" and "Chunks").
 */
import type { Value } from '../graph.ts';
import { apply1 } from '../op-registry.ts';
import type { Shape } from '../shape.ts';
import type { ConvParams } from './conv.ts';
import { concat } from './concat.ts';
import { add } from './elementwise.ts';
import { reshape, transpose } from './layout.ts';
import { pad } from './pad.ts';
import { split } from './split.ts';
import { windowAttrs } from './window.ts';

/** Swaps the first two axes: [A, B, ...] -> [B, A, ...]. */
const SWAP01 = [1, 0, 2, 3];

/**
 * Largest filter of one gradient convolution: the output gradient of its examples and output
 * channels, examples x channels x Ho x Wo floats. MLAS's blocked kernel reads the whole filter
 * for every input image (here: every input channel of the layer) and, within it, once per
 * output row: it stays in L2 (2 MB per core on this machine) up to this size, and comes from
 * memory beyond it. So the batch and the output channels are cut into chunks, each pair a
 * gradient convolution of its own. Measured (docs/PERFORMANCE.md, "Chunks"; 1 thread, against
 * the shift stacks): filters of 0.8-1.6 MB 0.40-0.76x, 3.2 MB ones 0.67-1.47x, whole-batch
 * ones of 12.8-25.7 MB 0.74-1.75x (ngf 64's 128-channel 14x14 layer: 102 ms whole, 56 ms in
 * chunks of 16 examples).
 */
const MAX_FILTER_BYTES = 2 << 20;

/** Examples and output channels per gradient convolution of {@link convWeightGradAsConv}. */
export interface AsConvChunks {
  readonly examples: number;
  readonly channels: number;
}

/**
 * The chunks for {@link convWeightGradAsConv}, or null where the form does not apply or does
 * not pay. It applies to 2-D, group-1, stride-1 convolutions of static shape when the runtime
 * has blocked kernels of block size `block` (0: none) dividing the batch (the gradient
 * convolution's input channels) and the output channels (its output channels), so that
 * runtime/nchwc-lowering.ts lowers it. The channel chunk is the largest multiple of `block`
 * dividing M whose filter with one block of examples fits {@link MAX_FILTER_BYTES}; it must
 * be all of M or at least two blocks (one block of output channels per convolution is slower
 * than the shift stacks: 153 ms against 136 for 64 channels at 28x28, batch 128). Then the
 * example chunk is the largest multiple of `block` dividing N that still fits.
 */
export function asConvChunks(
  x: Value,
  gy: Value,
  p: ConvParams,
  block: number,
): AsConvChunks | null {
  if (block <= 0 || p.kernel.length !== 2 || p.group !== 1) return null;
  if (p.strides.some((s) => s !== 1)) return null;
  const dims = [...x.shape, ...gy.shape];
  if (!dims.every((d): d is number => typeof d === 'number')) return null;
  const [n, m, ho, wo] = gy.shape as number[] as [number, number, number, number];
  if (n % block !== 0 || m % block !== 0) return null;
  const fits = (examples: number, channels: number): boolean =>
    4 * examples * channels * ho * wo <= MAX_FILTER_BYTES;
  const channels = largestChunk(m, block, (c) => fits(block, c));
  if (channels === 0 || (channels < m && channels < 2 * block)) return null;
  return { examples: largestChunk(n, block, (e) => fits(e, channels)), channels };
}

/** The largest multiple of `block` that divides `total` and passes `ok`, or 0. */
function largestChunk(total: number, block: number, ok: (chunk: number) => boolean): number {
  for (let chunk = total; chunk >= block; chunk -= block) {
    if (total % chunk === 0 && ok(chunk)) return chunk;
  }
  return 0;
}

/** Whether {@link convWeightGradAsConv} applies and pays ({@link asConvChunks}). */
export function asConvApplies(x: Value, gy: Value, p: ConvParams, block: number): boolean {
  return asConvChunks(x, gy, p, block) !== null;
}

/**
 * Gradient w.r.t. the weight [M, C, kh, kw] of y = Conv(x, w) (stride 1, dilation d, pads p):
 *   dw[m, c, i, j] = sum_{n, h, w} gy[n, m, h, w] x_p[n, c, h + i d_h, w + j d_w]
 * with x_p the padded input. That is a convolution of x_p with its batch and channel axes
 * swapped, x_p^T [C, N, Hp, Wp] (N as the channels), by gy^T [M, N, Ho, Wo] as the kernel,
 * with stride d: its output [C, M, kh, kw] is dw^T. The sum over n splits into chunks of
 * examples and the output channels into chunks of channels (default: one chunk each), one
 * such convolution per pair: summed over the example chunks, concatenated over the channel
 * chunks ({@link asConvChunks} picks chunks that keep the filter in cache).
 */
export function convWeightGradAsConv(
  x: Value,
  gy: Value,
  wShape: Shape,
  p: ConvParams,
  chunks: AsConvChunks = { examples: Number(x.shape[0]), channels: Number(gy.shape[1]) },
): Value {
  const xTs = splitInto(x, 0, chunks.examples, 'batch').map((xi) => paddedSwapped(xi, p));
  const gys = splitInto(gy, 0, chunks.examples, 'batch').map((g) =>
    splitInto(g, 1, chunks.channels, 'output channels'),
  );
  const dwTs = gys[0]!.map((_, j) =>
    xTs.map((xT, i) => gradientConv(xT, gys[i]![j]!, p)).reduce((a, b) => add(a, b)),
  );
  const dwT = dwTs.length > 1 ? concat(dwTs, 1) : dwTs[0]!;
  return reshape(transpose(dwT, SWAP01), wShape);
}

/** `v` split along `axis` into pieces of `chunk`, which must divide its static size. */
function splitInto(v: Value, axis: number, chunk: number, what: string): Value[] {
  const size = v.shape[axis];
  if (typeof size !== 'number' || !(chunk > 0) || size % chunk !== 0) {
    throw new Error(
      `convWeightGradAsConv: the ${what} of ${v.toString()} must be static and a multiple ` +
        `of the chunk ${chunk}`,
    );
  }
  return size > chunk ? split(v, size / chunk, axis) : [v];
}

/**
 * x^T [C, N, H, Wp]: x with its batch and channel axes swapped, padded along W only. Left and
 * right padding in the gradient Conv would put every output column but the middle one on
 * MLAS's slow border path (5.1 ms instead of 3.0 for [64, 32, 14, 14]); along H the Conv
 * pads (MLAS skips rows outside the input; 2.72-2.83 ms against 3.00-3.14 with both padded
 * before). W is padded after the swap, so that runtime/nchwc-lowering.ts pads in blocked form.
 */
function paddedSwapped(x: Value, p: ConvParams): Value {
  const [, pl, , pr] = p.pads as [number, number, number, number];
  const xT = transpose(x, SWAP01);
  return pl || pr ? pad(xT, [0, 0, 0, pl, 0, 0, 0, pr]) : xT;
}

/** dw^T [C, M, kh, kw] summed over the examples of xT and gy, as one convolution. */
function gradientConv(xT: Value, gy: Value, p: ConvParams): Value {
  const [pt, , pb] = p.pads as [number, number, number, number];
  const attrs = windowAttrs({
    kernel: gy.shape.slice(2) as number[],
    strides: p.dilations,
    pads: [pt, 0, pb, 0],
    dilations: [1, 1],
  });
  return apply1('Conv', [xT, transpose(gy, SWAP01)], attrs);
}
