/**
 * Gradient formulations of convolution, chosen by measurement with ONNX Runtime (numbers in
 * docs/PERFORMANCE.md, script bench/conv-formulations.ts):
 * - input gradient: ConvTranspose of the output gradient (121 GFLOP/s on 1 thread, against
 *   103 for a Conv with flipped, transposed weights, both plain kernels; when compiled for
 *   onnxruntime-node, runtime/nchwc-lowering.ts turns a stride-1 ConvTranspose into the
 *   flipped-weight Conv on ONNX Runtime's faster blocked NCHWc kernel);
 * - weight gradient: per kernel tap, the strided window of the padded input (one Slice, a
 *   plain copy) times the output gradient as one batched MatMul, summed over the batch; this
 *   beat the earlier im2col by a depthwise Conv with one-hot kernels (kept as
 *   convWeightGradIm2col) by 5-15% of a forward + backward step, and the naive Conv over the
 *   transposed batch by 2x.
 */
import type { Value } from '../graph.ts';
import { apply1 } from '../op-registry.ts';
import type { Shape } from '../shape.ts';
import { tensor } from '../tensor.ts';
import { constant } from './constant.ts';
import type { ConvParams } from './conv.ts';
import { intA, intsA, windowAttrs } from './window.ts';
import { reshape, transpose, unsqueeze } from './layout.ts';
import { matmul } from './matmul.ts';
import { reduceSum } from './reduce.ts';
import { concat } from './concat.ts';
import { pad } from './pad.ts';
import { slice } from './slice.ts';

function staticDim(d: Shape[number], what: string): number {
  if (typeof d !== 'number') throw new Error(`convolution gradient: ${what} must be static`);
  return d;
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

/** Every kernel tap as a multi-index, in row-major order. */
function kernelTaps(kernel: readonly number[]): number[][] {
  let taps: number[][] = [[]];
  for (const k of kernel)
    taps = taps.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i]));
  return taps;
}

/**
 * Gradient w.r.t. the weight, tap by tap without an im2col tensor: for each kernel tap t,
 * the strided window of the padded input that t sees, xs_t [N, G, C/G, L], times
 * gy^T [N, G, L, M/G], summed over the batch: dw[:, :, t]^T. One Pad, then per tap one
 * Slice (a plain copy) and one batched MatMul.
 */
export function convWeightGrad(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
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
  const gyT = transpose(reshape(gy, [gy.shape[0]!, g, m / g, -1]), [0, 1, 3, 2]); // [N, G, L, M/G]
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
    return unsqueeze(reduceSum(matmul(cols, gyT), [0]), [3]); // [G, C/G, M/G, 1]
  });
  const dwT = perTap.length === 1 ? perTap[0]! : concat(perTap, 3); // [G, C/G, M/G, K]
  return reshape(transpose(dwT, [0, 2, 1, 3]), wShape); // [M, C/G, ...kernel]
}
