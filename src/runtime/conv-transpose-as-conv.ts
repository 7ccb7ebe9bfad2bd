/**
 * Rewrites a stride-1 ConvTranspose with few input channels into the equivalent Conv of its
 * input with the spatially flipped, transposed weight, for ONNX Runtime.
 *
 * Why: ONNX Runtime computes ConvTranspose as a GEMM whose inner dimension is the number of
 * input channels, then scatters the columns back (col2im); with one input channel (the input
 * gradient of a final convolution to one image channel) that GEMM is an outer product. The
 * equivalent Conv runs on MLAS's im2col + GEMM instead. Measured on one thread
 * (docs/PERFORMANCE.md, "ConvTranspose with few input channels"), 3x3 pad 1, input channels
 * -> output channels: 1 -> 16 on [64, 1, 28, 28] 1.7-1.8 ms against 0.48; 1 -> 64 on
 * [128, 1, 28, 28] 17.6-18.2 against 5.0-5.2; 3 -> 32 on [64, 3, 32, 32] 6.8-7.0 against
 * 2.5-2.6; 8 -> 32 5.9-6.0 against 4.1; 16 -> 32 equal (and blocked, so nchwc-lowering.ts
 * takes it). With many input channels ConvTranspose is the faster of the two (121 against
 * 103 GFLOP/s for 64 -> 64), so only fewer than {@link FEW_INPUT_CHANNELS} are rewritten.
 *
 * Exact up to float rounding: y[n, o, p] = sum_{c, k} x[n, c, p + pad - k d] w[c, o, k] is
 * the correlation of x with w'[o, c, k] = w[c, o, K - 1 - k] and pads d (K - 1) - pad (plus
 * output_padding at the end). Runtime-only, like the other rewrites: applied by `compile`;
 * exported files keep ConvTranspose.
 */
import type { Graph, Node, Value } from '../graph/graph.ts';
import type { ExportOptions } from '../graph/onnx/export.ts';
import { convParams, type ConvParams } from '../graph/ops/conv.ts';
import { intsAttr, windowAttrs } from '../graph/ops/window.ts';
import { tensor } from '../graph/tensor.ts';
import { type RewriteContext, rewriteGraph, type Rewritten } from './rewrite-graph.ts';

/** Input channel counts below this are rewritten (see the module comment). */
export const FEW_INPUT_CHANNELS = 16;

/**
 * The pads of the Conv equivalent to ConvTranspose `node` with parameters `p`, or null when
 * there is none of this form (strides, an output_shape attribute, negative pads).
 */
export function equivalentConvPads(node: Node, p: ConvParams): number[] | null {
  if (p.strides.some((s) => s !== 1) || node.attrs['output_shape']) return null;
  const k = p.kernel.length;
  const outPad = intsAttr(node.attrs, 'output_padding') ?? new Array<number>(k).fill(0);
  const pads = [
    ...p.kernel.map((kk, i) => p.dilations[i]! * (kk - 1) - p.pads[i]!),
    ...p.kernel.map((kk, i) => p.dilations[i]! * (kk - 1) - p.pads[i + k]! + outPad[i]!),
  ];
  return pads.some((q) => q < 0) ? null : pads;
}

/** w [A, B, ...kernel] reversed along every spatial axis (a Slice with steps -1). */
export function flipSpatial(ctx: RewriteContext, w: Value): Value {
  const axes = Array.from({ length: w.rank - 2 }, (_, i) => i + 2);
  const ints = (v: readonly number[]): Value => ctx.constant(tensor('int64', [v.length], v));
  const big = -(2 ** 62);
  return ctx.apply('Slice', [
    w,
    ints(axes.map(() => -1)),
    ints(axes.map(() => big)),
    ints(axes),
    ints(axes.map(() => -1)),
  ]);
}

/** The equivalent Conv of `node` if it is a ConvTranspose this rewrite handles, else null. */
function asConv(node: Node, ctx: RewriteContext): Value[] | null {
  if (node.op !== 'ConvTranspose' || node.domain !== '') return null;
  const [x, w, bias] = node.inputs;
  if (!x || !w || w.rank < 3 || !w.shape.slice(2).every((d) => typeof d === 'number')) return null;
  const p = convParams(node.attrs, w);
  const inChannels = w.shape[0];
  if (p.group !== 1 || typeof inChannels !== 'number' || inChannels >= FEW_INPUT_CHANNELS)
    return null;
  const pads = equivalentConvPads(node, p);
  if (!pads) return null;
  const perm = [1, 0, ...Array.from({ length: w.rank - 2 }, (_, i) => i + 2)];
  const flipped = ctx.apply('Transpose', [flipSpatial(ctx, ctx.map(w))], {
    perm: { type: 'ints', value: perm },
  });
  const inputs = [ctx.map(x), flipped, bias ? ctx.map(bias) : null];
  return [ctx.apply('Conv', inputs, windowAttrs({ ...p, pads }))];
}

/** Rewrites every qualifying ConvTranspose of `graph`; unchanged (`replaced` 0) if none. */
export function convTransposesAsConvs(graph: Graph, exportOpts: ExportOptions): Rewritten {
  const r = rewriteGraph(graph, exportOpts, asConv, 'convt');
  return r.replaced === 0 ? { graph, exportOpts, replaced: 0 } : r;
}
