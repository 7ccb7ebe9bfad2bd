/**
 * Gradient formulations of convolution, chosen by measurement with ONNX Runtime (numbers in
 * docs/PERFORMANCE.md, script bench/conv-formulations.ts):
 * - input gradient: ConvTranspose of the output gradient (121 GFLOP/s on 1 thread, against
 *   103 for a Conv with flipped, transposed weights);
 * - weight gradient: im2col by a depthwise Conv with one-hot kernels, then one batched MatMul
 *   per image and a sum over the batch (92 GFLOP/s, against 47 for the naive Conv over the
 *   transposed batch and 64 for im2col by Pad/Slice/Concat).
 */
import type { Value } from '../graph.ts';
import { apply1 } from '../op-registry.ts';
import type { Shape } from '../shape.ts';
import { tensor } from '../tensor.ts';
import { constant } from './constant.ts';
import type { ConvParams } from './conv.ts';
import { intA, intsA, windowAttrs } from './window.ts';
import { reshape, transpose } from './layout.ts';
import { matmul } from './matmul.ts';
import { reduceSum } from './reduce.ts';

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
 * Gradient w.r.t. the weight [M, C / G, ...kernel] of Conv(x, w):
 * dw[m, c, t] = sum_n sum_l gy[n, m, l] cols[n, c * K + t, l], computed per group as
 * cols [N, G, CK/G, L] x gy^T [N, G, L, M/G] and summed over the batch.
 */
export function convWeightGrad(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  const g = p.group;
  const m = staticDim(wShape[0]!, 'the number of output channels');
  const cg = staticDim(wShape[1]!, 'the weight shape');
  const K = taps(p);
  const cols = reshape(im2col(x, p), [x.shape[0]!, g, cg * K, -1]); // [N, G, CK/G, L]
  const gyT = transpose(reshape(gy, [gy.shape[0]!, g, m / g, -1]), [0, 1, 3, 2]); // [N, G, L, M/G]
  const dwT = reduceSum(matmul(cols, gyT), [0]); // [G, CK/G, M/G]
  return reshape(transpose(dwT, [0, 2, 1]), wShape); // [M, C/G, ...kernel]
}
