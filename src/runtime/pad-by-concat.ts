/**
 * Replaces zero-padding Pad nodes by Concats with zero blocks, one per padded axis, for ONNX
 * Runtime only.
 *
 * Why: ONNX Runtime's Pad copies on one thread, element by element along the innermost axis;
 * its Concat copies with the thread pool. The input windows of the convolution weight
 * gradients (graph/ops/conv-grad.ts) are padded this way, over a hundred times per NCSNv2
 * training step. Measured on [64, 16, 28, 28] (docs/PERFORMANCE.md, "Pad as Concat"): two
 * Concats are faster than one Pad even on one thread.
 *
 * Exact (a copy). Only floating-point tensors of static shape padded in constant mode with
 * the default value 0 and non-negative pads are rewritten; the zero blocks are
 * ConstantOfShape nodes, which ONNX Runtime folds into initializers when the session is
 * created. Runtime-only, like separable-maxpool.ts: applied by `compile`; exported files
 * keep Pad.
 */
import type { Graph, Node, Value } from '../graph/graph.ts';
import type { ExportOptions } from '../graph/onnx/export.ts';
import { padModeOf, padsOf } from '../graph/ops/pad.ts';
import { tensor } from '../graph/tensor.ts';
import { type RewriteContext, rewriteGraph, type Rewritten } from './rewrite-graph.ts';

/** The pads of `node` if it is a Pad this rewrite handles, else null. */
export function zeroPads(node: Node): number[] | null {
  const [x, padsInput, value, axes] = node.inputs;
  if (node.op !== 'Pad' || node.domain !== '' || !x || value || axes) return null;
  if (x.dtype !== 'float32' && x.dtype !== 'float64') return null;
  if (padModeOf(node.attrs) !== 'constant' || !x.shape.every((d) => typeof d === 'number'))
    return null;
  const pads = padsOf(padsInput, x.rank);
  return pads && pads.every((p) => p >= 0) && pads.some((p) => p > 0) ? pads : null;
}

/** Zeros of `x`'s type and shape except `size` along `axis`. */
function zeros(ctx: RewriteContext, x: Value, axis: number, size: number): Value {
  const shape = x.shape.map((d, i) => (i === axis ? size : (d as number)));
  const dims = ctx.constant(tensor('int64', [shape.length], shape));
  return ctx.apply('ConstantOfShape', [dims], {
    value: { type: 'tensor', value: tensor(x.dtype, [1], [0]) },
  });
}

/** x padded with zeros by `pads`, one Concat per padded axis (innermost first). */
function padByConcat(ctx: RewriteContext, x: Value, pads: readonly number[]): Value {
  const r = x.rank;
  let y = x;
  for (let axis = r - 1; axis >= 0; axis--) {
    const [before, after] = [pads[axis]!, pads[axis + r]!];
    if (before === 0 && after === 0) continue;
    const parts = [
      ...(before > 0 ? [zeros(ctx, y, axis, before)] : []),
      y,
      ...(after > 0 ? [zeros(ctx, y, axis, after)] : []),
    ];
    y = ctx.apply('Concat', parts, { axis: { type: 'int', value: axis } });
  }
  return y;
}

/** Rewrites every qualifying Pad node of `graph`; unchanged (`replaced` 0) if none. */
export function padsByConcat(graph: Graph, exportOpts: ExportOptions): Rewritten {
  if (!graph.nodes.some((n) => zeroPads(n) !== null)) return { graph, exportOpts, replaced: 0 };
  return rewriteGraph(
    graph,
    exportOpts,
    (node, ctx) => {
      const pads = zeroPads(node);
      return pads ? [padByConcat(ctx, ctx.map(node.inputs[0]!), pads)] : null;
    },
    'padcat',
  );
}
