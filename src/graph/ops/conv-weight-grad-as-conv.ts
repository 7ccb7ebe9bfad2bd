/**
 * The weight gradient of a 2-D stride-1 convolution as another convolution, for runtimes that
 * run it on ONNX Runtime's blocked (NCHWc) kernels; chosen by convWeightGrad (conv-grad.ts)
 * where {@link asConvApplies} holds. On the NCSNv2 ngf 16 layers it takes 0.47-0.86x the time
 * of the shift stacks (1 thread; docs/PERFORMANCE.md, "Weight gradient as a convolution").
 */
import type { Value } from '../graph.ts';
import { apply1 } from '../op-registry.ts';
import type { Shape } from '../shape.ts';
import type { ConvParams } from './conv.ts';
import { reshape, transpose } from './layout.ts';
import { pad } from './pad.ts';
import { windowAttrs } from './window.ts';

/** Swaps the first two axes: [A, B, ...] -> [B, A, ...]. */
const SWAP01 = [1, 0, 2, 3];

/** Most blocks of output channels MLAS's blocked Conv kernel computes in one pass. */
const MAX_FILTER_BLOCKS = 4;

/**
 * Largest filter set of the gradient convolution: up to 4 blocks of its output channels with
 * all N input channels and Ho x Wo positions (N x min(M, 4 B) x Ho x Wo floats of the output
 * gradient). For each output row MLAS's blocked kernel reads the whole set, one block of
 * input channels after another, and it reads it again for each of the kh output rows: from
 * L2 while it fits there (2 MB per core on this machine) or nearly, from memory otherwise.
 * Measured (docs/PERFORMANCE.md, "Weight gradient as a convolution"): with 1.6-3.2 MB sets
 * (NCSNv2 ngf 16, the U-Net at 14x14 and 7x7 and with 32 channels at 28x28) 0.47-0.88x of
 * tap by tap at 1 thread, against 0.66-1.06x for the stacks; with 6.4 MB ones 0.77-1.09x
 * (ngf 64 at 14x14, batch 128: the folded stacks take those) and 1.42-1.69x (64 channels at
 * 28x28, batch 32); with 25.7 MB 1.25-1.35x.
 */
const MAX_FILTER_SET_BYTES = 4 << 20;

/**
 * Whether {@link convWeightGradAsConv} applies and pays: 2-D, group 1, stride 1, static
 * shapes, and the runtime's NCHWc block size `block` (0: no blocked kernels) dividing both
 * the batch (the gradient convolution's input channels) and the output channels (its output
 * channels), so that runtime/nchwc-lowering.ts lowers it; and a filter set of at most
 * {@link MAX_FILTER_SET_BYTES}.
 */
export function asConvApplies(x: Value, gy: Value, p: ConvParams, block: number): boolean {
  if (block <= 0 || p.kernel.length !== 2 || p.group !== 1) return false;
  if (p.strides.some((s) => s !== 1)) return false;
  const dims = [...x.shape, ...gy.shape];
  if (!dims.every((d): d is number => typeof d === 'number')) return false;
  const [n, m] = [gy.shape[0] as number, gy.shape[1] as number];
  if (n % block !== 0 || m % block !== 0) return false;
  const setChannels = Math.min(m, MAX_FILTER_BLOCKS * block) * n;
  const setBytes = 4 * setChannels * (gy.shape[2] as number) * (gy.shape[3] as number);
  return setBytes <= MAX_FILTER_SET_BYTES;
}

/**
 * Gradient w.r.t. the weight [M, C, kh, kw] of y = Conv(x, w) (stride 1, dilation d, pads p):
 *   dw[m, c, i, j] = sum_{n, h, w} gy[n, m, h, w] x_p[n, c, h + i d_h, w + j d_w]
 * with x_p the padded input. That is a convolution of x_p with its batch and channel axes
 * swapped, x_p^T [C, N, Hp, Wp] (N as the channels), by gy^T [M, N, Ho, Wo] as the kernel,
 * with stride d: its output [C, M, kh, kw] is dw^T. The padding along W is done beforehand
 * (left and right padding in the Conv put every output column but the middle one on MLAS's
 * slow border path: 5.1 ms instead of 3.0 for [64, 32, 14, 14]); along H the Conv pads
 * (MLAS skips rows outside the input; 2.72-2.83 ms against 3.00-3.14 with both padded before).
 */
export function convWeightGradAsConv(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  const [pt, pl, pb, pr] = p.pads as [number, number, number, number];
  // W padded after the swap, so that runtime/nchwc-lowering.ts pads in blocked form; H by
  // the Conv, whose kernels skip the rows outside the input at no cost.
  const xT = transpose(x, SWAP01);
  const padded = pl || pr ? pad(xT, [0, 0, 0, pl, 0, 0, 0, pr]) : xT;
  const kernel = gy.shape.slice(2) as number[];
  const attrs = windowAttrs({
    kernel,
    strides: p.dilations,
    pads: [pt, 0, pb, 0],
    dilations: [1, 1],
  });
  const dwT = apply1('Conv', [padded, transpose(gy, SWAP01)], attrs);
  return reshape(transpose(dwT, SWAP01), wShape);
}
