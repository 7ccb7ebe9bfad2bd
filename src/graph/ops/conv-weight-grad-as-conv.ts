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
import { add } from './elementwise.ts';
import { reshape, transpose } from './layout.ts';
import { pad } from './pad.ts';
import { split } from './split.ts';
import { windowAttrs } from './window.ts';

/** Swaps the first two axes: [A, B, ...] -> [B, A, ...]. */
const SWAP01 = [1, 0, 2, 3];

/**
 * Largest filter of one gradient convolution: the output gradient of its examples, chunk x M
 * x Ho x Wo floats. MLAS's blocked kernel reads the whole filter for every input image (here:
 * every input channel of the layer) and, within it, once per output row: it stays in L2 (2 MB
 * per core on this machine) up to this size, and comes from memory beyond it. So the batch is
 * cut into chunks of examples, each chunk a gradient convolution of its own, summed.
 * Measured (docs/PERFORMANCE.md, "Batch chunks"): filters of 0.8-1.6 MB run at 0.40-0.70x of
 * the shift stacks' time; 3.2 MB ones at 0.82-1.57x, 6.4 MB ones at 0.70-0.99x (ngf 64's
 * 128-channel 14x14 layers, 1 thread: 115-121 ms whole, 65-71 ms in chunks of 16 examples).
 */
const MAX_FILTER_BYTES = 2 << 20;

/**
 * Examples per gradient convolution for {@link convWeightGradAsConv}, or 0 where the form
 * does not apply or does not pay. It applies to 2-D, group-1, stride-1 convolutions of static
 * shape when the runtime has blocked kernels of block size `block` (0: none) and `block`
 * divides the output channels (the gradient convolution's output channels), so that
 * runtime/nchwc-lowering.ts lowers it. The chunk is the largest multiple of `block` that
 * divides the batch (the gradient convolution's input channels) and keeps the filter within
 * {@link MAX_FILTER_BYTES}; 0 if even one block of examples exceeds it.
 */
export function asConvBatchChunk(x: Value, gy: Value, p: ConvParams, block: number): number {
  if (block <= 0 || p.kernel.length !== 2 || p.group !== 1) return 0;
  if (p.strides.some((s) => s !== 1)) return 0;
  const dims = [...x.shape, ...gy.shape];
  if (!dims.every((d): d is number => typeof d === 'number')) return 0;
  const [n, m, ho, wo] = gy.shape as number[] as [number, number, number, number];
  if (n % block !== 0 || m % block !== 0) return 0;
  const bytesPerExample = 4 * m * ho * wo;
  for (let chunk = n; chunk >= block; chunk -= block) {
    if (n % chunk === 0 && chunk * bytesPerExample <= MAX_FILTER_BYTES) return chunk;
  }
  return 0;
}

/** Whether {@link convWeightGradAsConv} applies and pays ({@link asConvBatchChunk} > 0). */
export function asConvApplies(x: Value, gy: Value, p: ConvParams, block: number): boolean {
  return asConvBatchChunk(x, gy, p, block) > 0;
}

/**
 * Gradient w.r.t. the weight [M, C, kh, kw] of y = Conv(x, w) (stride 1, dilation d, pads p):
 *   dw[m, c, i, j] = sum_{n, h, w} gy[n, m, h, w] x_p[n, c, h + i d_h, w + j d_w]
 * with x_p the padded input. That is a convolution of x_p with its batch and channel axes
 * swapped, x_p^T [C, N, Hp, Wp] (N as the channels), by gy^T [M, N, Ho, Wo] as the kernel,
 * with stride d: its output [C, M, kh, kw] is dw^T. The sum over n splits into chunks of
 * `chunk` examples (default: the whole batch), one such convolution each, added up
 * ({@link asConvBatchChunk} picks the chunk that keeps the filter in cache).
 */
export function convWeightGradAsConv(
  x: Value,
  gy: Value,
  wShape: Shape,
  p: ConvParams,
  chunk = x.shape[0],
): Value {
  const n = x.shape[0];
  if (typeof n !== 'number' || typeof chunk !== 'number' || n % chunk !== 0) {
    throw new Error(
      `convWeightGradAsConv: the batch of ${x.toString()} must be static and a multiple of ` +
        `the chunk ${String(chunk)}`,
    );
  }
  const parts = n / chunk;
  const xs = parts > 1 ? split(x, parts, 0) : [x];
  const gys = parts > 1 ? split(gy, parts, 0) : [gy];
  const dwT = xs.map((xi, i) => gradientConv(xi, gys[i]!, p)).reduce((a, b) => add(a, b));
  return reshape(transpose(dwT, SWAP01), wShape);
}

/**
 * dw^T [C, M, kh, kw] summed over the examples of x and gy, as one convolution. The padding
 * along W is done beforehand (left and right padding in the Conv put every output column but
 * the middle one on MLAS's slow border path: 5.1 ms instead of 3.0 for [64, 32, 14, 14]);
 * along H the Conv pads (MLAS skips rows outside the input; 2.72-2.83 ms against 3.00-3.14
 * with both padded before). W is padded after the swap, so that runtime/nchwc-lowering.ts
 * pads in blocked form.
 */
function gradientConv(x: Value, gy: Value, p: ConvParams): Value {
  const [pt, pl, pb, pr] = p.pads as [number, number, number, number];
  const xT = transpose(x, SWAP01);
  const padded = pl || pr ? pad(xT, [0, 0, 0, pl, 0, 0, 0, pr]) : xT;
  const kernel = gy.shape.slice(2) as number[];
  const attrs = windowAttrs({
    kernel,
    strides: p.dilations,
    pads: [pt, 0, pb, 0],
    dilations: [1, 1],
  });
  return apply1('Conv', [padded, transpose(gy, SWAP01)], attrs);
}
