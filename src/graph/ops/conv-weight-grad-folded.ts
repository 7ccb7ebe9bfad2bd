/**
 * The shift stacks (conv-shift-stacks.ts) with the batch folded into the GEMM's reduction:
 * the images of the batch are stacked into one tall image per channel, separated by enough
 * zero rows that no kernel row reaches from one image into the next, and the shift stacks of
 * that single tall image make ONE MatMul [C kw, N L] x [N L, M kh] with no batch sum.
 * Chosen by convWeightGrad (conv-grad.ts) where {@link foldedApplies} holds and the
 * convolution form does not: ngf 64's 14x14 layers where the runtime has no blocked kernels
 * (with them, the chunked convolution form takes those at 0.40-0.57x of the stacks' time).
 * There: 0.68-0.99x of tap by tap against 0.77-1.09x as one whole-batch convolution and
 * 0.84-1.13x as per-image stacks at 1 thread (docs/PERFORMANCE.md, "Weight gradient as a
 * convolution").
 */
import type { Value } from '../graph.ts';
import type { Shape } from '../shape.ts';
import type { ConvParams } from './conv.ts';
import { convWeightGradShiftStacks, shiftStacksApply } from './conv-shift-stacks.ts';
import { reshape, transpose } from './layout.ts';
import { pad } from './pad.ts';

/**
 * Fewest channels (input or output) for which the folded GEMM, [C kw, N L] x [N L, M kh],
 * is large enough to beat the per-image stacks and the convolution form: with 128 it ran
 * 11-23% faster than the stacks and 1-18% faster than the convolution at 1 thread, with 64
 * on both sides (28x28, batch 128) 3-9% slower than the per-image stacks
 * (docs/PERFORMANCE.md, "Weight gradient as a convolution").
 */
const MIN_FOLDED_CHANNELS = 128;

/** Zero rows between the stacked images: as many as a kernel row reaches above or below. */
function gapRows(p: ConvParams): number {
  const reach = (p.kernel[0]! - 1) * p.dilations[0]!;
  return Math.max(p.pads[0]!, reach - p.pads[0]!);
}

/**
 * x [N, C, H, W] as one tall image [1, C, N (H + gap), W]: the images one below the other,
 * each followed by `gap` zero rows.
 */
function tallImage(x: Value, gap: number): Value {
  const [n, c, h, w] = x.shape as number[] as [number, number, number, number];
  const stacked = transpose(x, [1, 0, 2, 3]); // [C, N, H, W]
  return reshape(pad(stacked, [0, 0, 0, 0, 0, 0, gap, 0]), [1, c, n * (h + gap), w]);
}

/**
 * Whether {@link convWeightGradFolded} applies and pays: group 1, the output as large as the
 * input (so that the tall images of x and gy line up row for row), the shift stacks
 * applying to the tall image, and at least {@link MIN_FOLDED_CHANNELS} channels on one side.
 */
export function foldedApplies(x: Value, gy: Value, p: ConvParams): boolean {
  if (p.group !== 1 || p.kernel.length !== 2) return false;
  const dims = [...x.shape, ...gy.shape];
  if (!dims.every((d): d is number => typeof d === 'number')) return false;
  const [n, c, h, w] = x.shape as number[] as [number, number, number, number];
  const m = gy.shape[1] as number;
  if (gy.shape[2] !== h || gy.shape[3] !== w || Math.max(c, m) < MIN_FOLDED_CHANNELS) return false;
  const tall = (ch: number) => ({ shape: [1, ch, n * (h + gapRows(p)), w] });
  return shiftStacksApply(tall(c), tall(m), p);
}

/**
 * Gradient w.r.t. the weight [M, C, kh, kw] of a 2-D stride-1 convolution whose output is as
 * large as its input: {@link convWeightGradShiftStacks} of the tall images of x and gy
 * ({@link tallImage}). Exact: a kernel row that reaches past an image lands in the zero gap,
 * as it would in the zero padding, and the gap rows of gy contribute nothing.
 */
export function convWeightGradFolded(x: Value, gy: Value, wShape: Shape, p: ConvParams): Value {
  const gap = gapRows(p);
  return convWeightGradShiftStacks(tallImage(x, gap), tallImage(gy, gap), wShape, p);
}
