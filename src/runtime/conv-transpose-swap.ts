/**
 * Rewrites a stride-1 convolution with few channels on one side into the equivalent
 * convolution of the other kind, for ONNX Runtime: a Conv with fewer than
 * {@link FEW_CHANNELS} output channels (fewer than its inputs) as a ConvTranspose, a
 * ConvTranspose with fewer than {@link FEW_CHANNELS} input channels (fewer than its outputs)
 * as a Conv, each with the spatially flipped, transposed weight.
 *
 * Why: ONNX Runtime computes Conv as im2col + a GEMM whose row count is the number of output
 * channels, and ConvTranspose as a GEMM whose inner dimension is the number of input channels
 * followed by col2im; with one channel on that side the GEMM degenerates into a
 * matrix-vector or outer product. A final convolution to one image channel (NCSN's end conv)
 * and its input gradient are such cases. Measured on one thread (bench/few-channel-convs.ts;
 * docs/PERFORMANCE.md, "Convolutions with few channels"), 3x3 pad 1:
 * - Conv 16 -> 1 on [64, 16, 28, 28] 1.9-2.0 ms, as ConvTranspose 0.35; 64 -> 1 on
 *   [128, 64, 28, 28] 16.1-16.7 against 4.5-4.6;
 * - ConvTranspose 1 -> 16 on [64, 1, 28, 28] 1.7-1.8 ms, as Conv 0.48; 1 -> 64 on
 *   [128, 1, 28, 28] 17.6-18.2 against 5.0-5.2; 3 -> 32 6.8-7.0 against 2.5-2.6; 8 -> 32
 *   5.9-6.0 against 4.1; 16 -> 32 equal (and blocked: nchwc-lowering.ts takes it).
 * With many channels on both sides ConvTranspose and Conv stay as they are (for the input
 * gradient ConvTranspose is the faster: 121 against 103 GFLOP/s for 64 -> 64).
 *
 * Exact up to float rounding. For stride 1, Conv(x, w, pads q)[o, p] =
 * sum_{c, k} x[c, p - q + k d] w[o, c, k] equals ConvTranspose(x, w', pads d (K - 1) - q)
 * with w'[c, o, k] = w[o, c, K - 1 - k], and the same relation read backwards turns a
 * ConvTranspose into a Conv (its output_padding added to the end pads). Runtime-only, like
 * the other rewrites: applied by `compile`; exported files keep the original operators.
 */
import type { Graph, Node, Value } from '../graph/graph.ts';
import type { ExportOptions } from '../graph/onnx/export.ts';
import { convParams, type ConvParams } from '../graph/ops/conv.ts';
import { intsAttr, windowAttrs } from '../graph/ops/window.ts';
import { tensor } from '../graph/tensor.ts';
import { type RewriteContext, rewriteGraph, type Rewritten } from './rewrite-graph.ts';

/** Channel counts below this on the GEMM's short side are rewritten (module comment). */
export const FEW_CHANNELS = 16;

/**
 * The pads of the stride-1 convolution of the other kind equivalent to Conv or
 * ConvTranspose `node` with parameters `p`, or null when there is none of this form
 * (strides, an output_shape attribute, negative pads).
 */
export function equivalentPads(node: Node, p: ConvParams): number[] | null {
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

/**
 * Whether `node` has few channels on the short side of its GEMM: a Conv's outputs
 * (w [out, in, ...]) or a ConvTranspose's inputs (w [in, out, ...]), fewer than the other side.
 */
function fewChannels(node: Node, w: Value): boolean {
  const [a, b] = w.shape;
  if (typeof a !== 'number' || typeof b !== 'number') return false;
  return a < FEW_CHANNELS && a < b;
}

/** The parameters and new pads of `node` if it is a convolution this rewrite handles. */
function swappable(node: Node): { p: ConvParams; pads: number[] } | null {
  if ((node.op !== 'Conv' && node.op !== 'ConvTranspose') || node.domain !== '') return null;
  const [x, w] = node.inputs;
  if (!x || !w || w.rank < 3 || !w.shape.slice(2).every((d) => typeof d === 'number')) return null;
  const p = convParams(node.attrs, w);
  if (p.group !== 1 || !fewChannels(node, w)) return null;
  const pads = equivalentPads(node, p);
  return pads ? { p, pads } : null;
}

/** The equivalent convolution of the other kind, if `node` is one this rewrite handles. */
function swapped(node: Node, ctx: RewriteContext): Value[] | null {
  const s = swappable(node);
  if (!s) return null;
  const [x, w, bias] = node.inputs as [Value, Value, Value | null | undefined];
  const perm = [1, 0, ...Array.from({ length: w.rank - 2 }, (_, i) => i + 2)];
  const flipped = ctx.apply('Transpose', [flipSpatial(ctx, ctx.map(w))], {
    perm: { type: 'ints', value: perm },
  });
  const op = node.op === 'Conv' ? 'ConvTranspose' : 'Conv';
  const inputs = [ctx.map(x), flipped, bias ? ctx.map(bias) : null];
  return [ctx.apply(op, inputs, windowAttrs({ ...s.p, pads: s.pads }))];
}

/** Rewrites every qualifying Conv and ConvTranspose of `graph`; unchanged if none. */
export function swapFewChannelConvs(graph: Graph, exportOpts: ExportOptions): Rewritten {
  if (!graph.nodes.some((n) => swappable(n) !== null)) return { graph, exportOpts, replaced: 0 };
  return rewriteGraph(graph, exportOpts, swapped, 'convswap');
}
