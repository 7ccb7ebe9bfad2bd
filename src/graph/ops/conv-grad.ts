/**
 * Gradient formulations of convolution, chosen by measurement with ONNX Runtime (numbers in
 * docs/PERFORMANCE.md, script bench/conv-formulations.ts):
 * - input gradient: ConvTranspose of the output gradient (121 GFLOP/s on 1 thread, against
 *   103 for a Conv with flipped, transposed weights, both plain kernels; when compiled for
 *   onnxruntime-node, runtime/nchwc-lowering.ts turns a stride-1 ConvTranspose into the
 *   flipped-weight Conv on ONNX Runtime's faster blocked NCHWc kernel);
 * - weight gradient of a 2-D stride-1 convolution whose output is as wide as its input
 *   (every NCSN / NCSNv2 / U-Net 3x3 convolution): "shift stacks" (conv-shift-stacks.ts),
 *   one batched MatMul of the column-shifted input rows by the row-shifted output-gradient
 *   rows, 10-46% faster than the per-tap forms below on the NCSNv2 layers (equal at
 *   dilation 4), 4-9% of the NCSNv2 training step (docs/PERFORMANCE.md, "Shift stacks");
 * - otherwise, per kernel tap, the window of the padded input that the tap sees (a plain
 *   copy) times the output gradient as one batched MatMul, summed over the batch; this
 *   beat the earlier im2col by a depthwise Conv with one-hot kernels (kept as
 *   convWeightGradIm2col) by 5-15% of a forward + backward step, and the naive Conv over the
 *   transposed batch by 2x. For 2-D stride-1 convolutions the windows are contiguous ranges
 *   of the flattened input ("wide rows", copied by ONNX Runtime's threaded Split), which
 *   made the NCSNv2 ngf 16 training step 2-13% faster on 2 threads and no slower on 1
 *   (docs/PERFORMANCE.md, "Weight gradient by wide rows").
 */
import type { Value } from '../graph.ts';
import { apply1 } from '../op-registry.ts';
import type { Shape } from '../shape.ts';
import { tensor } from '../tensor.ts';
import { constant } from './constant.ts';
import type { ConvParams } from './conv.ts';
import { intA, intsA, staticSize, windowAttrs } from './window.ts';
import { convWeightGradShiftStacks, shiftStacksApply } from './conv-shift-stacks.ts';
import { asConvChunks, convWeightGradAsConv } from './conv-weight-grad-as-conv.ts';
import { convWeightGradFolded, foldedApplies } from './conv-weight-grad-folded.ts';
import { reshape, transpose } from './layout.ts';
import { matmul } from './matmul.ts';
import { reduceSum } from './reduce.ts';
import { concat } from './concat.ts';
import { pad } from './pad.ts';
import { slice } from './slice.ts';
import { split } from './split.ts';

function staticDim(d: Shape[number], what: string): number {
  return staticSize(d, `convolution gradient: ${what}`);
}

/** Product of the kernel sizes. */
function taps(p: ConvParams): number {
  return p.kernel.reduce((a, b) => a * b, 1);
}

/** Gradient w.r.t. the bias: the output gradient summed over the batch and spatial axes. */
export function convBiasGrad(gy: Value): Value {
  const axes = [0, ...Array.from({ length: gy.rank - 2 }, (_, i) => i + 2)];
  return reduceSum(gy, axes);
}

/**
 * Gradient w.r.t. the input of Conv(x, w): the transposed convolution of `gy` with the same
 * weight, with output_padding restoring the rows a strided window skipped.
 */
export function convInputGrad(gy: Value, w: Value, xShape: Shape, p: ConvParams): Value {
  const k = p.kernel.length;
  const outPad = p.kernel.map((kk, i) => {
    const n = staticDim(xShape[i + 2]!, 'spatial size of the input');
    const ho = staticDim(gy.shape[i + 2]!, 'spatial size of the output');
    const covered =
      p.strides[i]! * (ho - 1) + p.dilations[i]! * (kk - 1) + 1 - p.pads[i]! - p.pads[i + k]!;
    return n - covered;
  });
  const attrs = { ...windowAttrs(p), group: intA(p.group), output_padding: intsA(outPad) };
  return apply1('ConvTranspose', [gy, w], attrs);
}

/**
 * im2col: the windows of `x` [N, C, ...] as [N, C * prod(kernel), ...out], by a depthwise
 * Conv whose kernels are one-hot (channel c * K + t copies tap t of channel c).
 */
export function im2col(x: Value, p: ConvParams): Value {
  const c = staticDim(x.shape[1]!, 'the number of input channels');
  const K = taps(p);
  const onehot = tensor(x.dtype, [c * K, 1, ...p.kernel]);
  for (let ch = 0; ch < c; ch++)
    for (let t = 0; t < K; t++) (onehot.data as Float32Array)[(ch * K + t) * K + t] = 1;
  return apply1('Conv', [x, constant(x.graph, onehot)], {
    ...windowAttrs(p),
    group: intA(c),
  });
}

/**
 * Gradient w.r.t. the weight [M, C / G, ...kernel] of Conv(x, w) through an im2col tensor:
 * dw[m, c, t] = sum_n sum_l gy[n, m, l] cols[n, c * K + t, l], computed per group as
 * cols [N, G, CK/G, L] x gy^T [N, G, L, M/G] and summed over the batch. The previous
 * formulation, kept for bench/conv-formulations.ts; {@link convWeightGrad} is faster.
 */
export function convWeightGradIm2col(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  const g = p.group;
  const m = staticDim(wShape[0]!, 'the number of output channels');
  const cg = staticDim(wShape[1]!, 'the weight shape');
  const K = taps(p);
  const cols = reshape(im2col(x, p), [x.shape[0]!, g, cg * K, -1]); // [N, G, CK/G, L]
  const gyT = transpose(reshape(gy, [gy.shape[0]!, g, m / g, -1]), [0, 1, 3, 2]); // [N, G, L, M/G]
  const dwT = reduceSum(matmul(cols, gyT), [0]); // [G, CK/G, M/G]
  return reshape(transpose(dwT, [0, 2, 1]), wShape); // [M, C/G, ...kernel]
}

/**
 * dw from the per-tap products xs_t gy^T, each [N, G, C/G, M/G]: each summed over the batch,
 * stacked (one Concat of the small sums) and laid out as [M, C/G, ...kernel]. Summing before
 * stacking keeps the N-fold products out of a Concat (75 MB per convolution for NCSNv2
 * ngf 64, batch 128): 1.5-3.5% of that training step, no change for ngf 16 within the noise
 * (docs/PERFORMANCE.md, "Batch sums before the tap stack").
 */
function sumTapProducts(products: Value[], wShape: Shape): Value {
  const sums = products.map((p) => reduceSum(p, [0], true)); // each [1, G, C/G, M/G]
  const perTap = sums.length === 1 ? sums[0]! : concat(sums, 0); // [K, G, C/G, M/G]
  return reshape(transpose(perTap, [1, 3, 2, 0]), wShape); // [M, C/G, ...kernel]
}

/**
 * The per-tap product for output gradient gyRows [N, G, M/G, L]: cols [N, G, C/G, L] ->
 * cols gy^T, [N, G, C/G, M/G] (gy^T built once for all taps). With one output channel per
 * group (a final convolution to one image channel) that is a matrix-vector product per
 * image, which MLAS runs about 5x faster with the vector as the single row (gy cols^T,
 * [N, G, 1, C/G], the same bytes as [N, G, C/G, 1]) than as the single column.
 */
function tapProduct(gyRows: Value): (cols: Value) => Value {
  const t = [0, 1, 3, 2];
  if (gyRows.shape[2] === 1)
    return (cols) => reshape(matmul(gyRows, transpose(cols, t)), [...cols.shape.slice(0, 3), 1]);
  const gyT = transpose(gyRows, t); // [N, G, L, M/G]
  return (cols) => matmul(cols, gyT);
}

/** Every kernel tap as a multi-index, in row-major order. */
function kernelTaps(kernel: readonly number[]): number[][] {
  let taps: number[][] = [[]];
  for (const k of kernel)
    taps = taps.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i]));
  return taps;
}

/**
 * Gradient w.r.t. the weight [M, C / G, ...kernel] of Conv(x, w) without an im2col tensor:
 * {@link convWeightGradAsConv} where the graph will run on NCHWc kernels of block size
 * `nchwcBlock` (0: it will not) and the form applies, else {@link convWeightGradFolded}
 * (many channels), else {@link convWeightGradShiftStacks} where they apply, else
 * {@link convWeightGradTapByTap}.
 */
export function convWeightGrad(
  x: Value,
  gy: Value,
  wShape: Shape,
  p: ConvParams,
  nchwcBlock = 0,
): Value {
  const chunks = asConvChunks(x, gy, p, nchwcBlock);
  if (chunks) return convWeightGradAsConv(x, gy, wShape, p, chunks);
  if (foldedApplies(x, gy, p)) return convWeightGradFolded(x, gy, wShape, p);
  if (shiftStacksApply(x, gy, p)) return convWeightGradShiftStacks(x, gy, wShape, p);
  return convWeightGradTapByTap(x, gy, wShape, p);
}

/**
 * The weight gradient tap by tap: {@link convWeightGradWideRows} where it applies, else
 * {@link convWeightGradPerTap}.
 */
export function convWeightGradTapByTap(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  if (wideRowsApply(x, gy, p)) return convWeightGradWideRows(x, gy, wShape, p);
  return convWeightGradPerTap(x, gy, wShape, p);
}

/** Most extra multiply-adds the wide-row form may cost (padded width / output width). */
const MAX_WIDE_ROW_OVERHEAD = 1.2;

/**
 * Row width of the flattened padded input in the wide-row form: the input width plus its
 * left padding; right padding only where it exceeds the left, because a window that runs
 * past the end of a row reads the next row's left padding columns, which are zero.
 */
function wideRowWidth(x: Value, p: ConvParams): number {
  const w = staticDim(x.shape[3]!, 'spatial size of the input');
  return w + p.pads[1]! + Math.max(0, p.pads[3]! - p.pads[1]!);
}

/** Whether {@link convWeightGradWideRows} applies: 2-D, stride 1, few extra columns. */
function wideRowsApply(x: Value, gy: Value, p: ConvParams): boolean {
  if (p.kernel.length !== 2 || p.strides.some((s) => s !== 1)) return false;
  if (p.kernel.every((k) => k === 1)) return false; // one tap: the per-tap form copies nothing
  const wo = gy.shape[3];
  if (typeof x.shape[3] !== 'number' || typeof wo !== 'number') return false;
  return wideRowWidth(x, p) / wo <= MAX_WIDE_ROW_OVERHEAD;
}

/**
 * Gradient w.r.t. the weight of a 2-D stride-1 convolution by "wide rows": with the padded
 * input flattened per channel (row width R, {@link wideRowWidth}), the window that tap
 * (i, j) sees is one contiguous range, starting at i dh R + j dw and Ho R long, if each
 * output row is widened to R entries; the output gradient is widened with zero columns, so
 * the extra R - Wo columns contribute nothing. Every window is then one piece of a Split
 * (ONNX Runtime copies it with its thread pool; Slice copies on one thread), at the price of
 * R / Wo more multiply-adds in the per-tap MatMuls.
 */
export function convWeightGradWideRows(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  const g = p.group;
  const m = staticDim(wShape[0]!, 'the number of output channels');
  const cg = staticDim(wShape[1]!, 'the weight shape');
  const [ho, wo] = [2, 3].map((a) => staticDim(gy.shape[a]!, 'spatial size of the output'));
  const [dh, dw] = p.dilations;
  const r = wideRowWidth(x, p);
  const right = r - staticDim(x.shape[3]!, 'spatial size of the input') - p.pads[1]!;
  const span = ho! * r; // one widened window
  const reach = (p.kernel[0]! - 1) * dh! * r + (p.kernel[1]! - 1) * dw!;
  // Zero rows at the bottom so that the last window's extra columns stay inside.
  const hp = staticDim(x.shape[2]!, 'spatial size of the input') + p.pads[0]! + p.pads[2]!;
  const rows = Math.max(hp, Math.ceil((reach + span) / r));
  const n = x.shape[0]!;
  const xp = pad(x, [0, 0, p.pads[0]!, p.pads[1]!, 0, 0, rows - hp + p.pads[2]!, right]);
  const total = rows * r;
  const xf = reshape(xp, [n, g, cg, total]); // [N, G, C/G, rows * R]
  const gyWide = r > wo! ? pad(gy, [0, 0, 0, 0, 0, 0, 0, r - wo!]) : gy; // [N, M, Ho, R]
  const product = tapProduct(reshape(gyWide, [gy.shape[0]!, g, m / g, span]));
  const perTap = kernelTaps(p.kernel).map(([i, j]) => {
    const start = i! * dh! * r + j! * dw!;
    const sizes = [start, span, total - start - span];
    const pieces = split(
      xf,
      sizes.filter((s, k) => k === 1 || s > 0),
      3,
    );
    const cols = pieces[start > 0 ? 1 : 0]!; // [N, G, C/G, Ho * R]
    return product(cols);
  });
  return sumTapProducts(perTap, wShape);
}

/**
 * The weight gradient for any window (N-D, strides, dilations): for each kernel tap t, the
 * strided window of the padded input that t sees, xs_t [N, G, C/G, L] (one Slice, a plain
 * copy), times gy^T [N, G, L, M/G], summed over the batch: dw[:, :, t]^T.
 */
export function convWeightGradPerTap(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  const g = p.group;
  const m = staticDim(wShape[0]!, 'the number of output channels');
  const cg = staticDim(wShape[1]!, 'the weight shape');
  const k = p.kernel.length;
  const out = gy.shape.slice(2).map((d) => staticDim(d, 'spatial size of the output'));
  const axes = p.kernel.map((_, i) => i + 2);
  const xp = p.pads.some((q) => q !== 0)
    ? pad(x, [0, 0, ...p.pads.slice(0, k), 0, 0, ...p.pads.slice(k)])
    : x; // [N, C, ...padded]
  const n = x.shape[0]!;
  const product = tapProduct(reshape(gy, [gy.shape[0]!, g, m / g, -1])); // gy [N, G, M/G, L]
  const perTap = kernelTaps(p.kernel).map((t) => {
    const starts = t.map((ti, i) => ti * p.dilations[i]!);
    const ends = starts.map((s0, i) => s0 + p.strides[i]! * (out[i]! - 1) + 1);
    // The tap whose window is x itself (the centre of a 3x3 kernel with pad 1, a 1x1
    // kernel without padding or stride) needs no copy.
    const isX = starts.every(
      (s0, i) => s0 === p.pads[i] && p.strides[i] === 1 && out[i] === x.shape[i + 2],
    );
    const xs = isX ? x : slice(xp, starts, ends, axes, p.strides); // [N, C, ...out]
    const cols = reshape(xs, [n, g, cg, -1]); // [N, G, C/G, L]
    return product(cols);
  });
  return sumTapProducts(perTap, wShape);
}
