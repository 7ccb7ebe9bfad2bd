/**
 * Splits 2-D MaxPool nodes whose Indices output is used (every MaxPool a gradient is taken
 * through) into a 1 x kw pool along W followed by a kh x 1 pool along H, for ONNX Runtime.
 *
 * Why: ONNX Runtime computes MaxPool with its Indices output in a generic loop, 17.9 ms for a
 * 5x5 window on [64, 32, 14, 14] against 1.4 ms without Indices (MLAS); the two 1-D passes
 * compare 10 instead of 25 values per output. Measured gain: docs/PERFORMANCE.md
 * ("Separable MaxPool").
 *
 * Exact, ties included: with stride 1 and pads smaller than the kernel, the maximum over a
 * kh x kw window is the maximum over its kh rows of each row's maximum. Indices compose: the
 * H pass returns flat positions in the W pass's output, whose Indices at those positions are
 * flat positions in x, so the 2-D Indices are Gather(W-pass Indices, H-pass Indices). Each
 * pass keeps the first maximum (ONNX Runtime compares with >), so the composed index is the
 * first maximum of the first row that holds one: the row-major first maximum the 2-D kernel
 * (and PyTorch) report.
 *
 * Runtime-only, like nchwc-lowering.ts: applied by `compile`; exported files keep the
 * original MaxPool.
 */
import type { Graph, Node, Value } from '../graph/graph.ts';
import type { ExportOptions } from '../graph/onnx/export.ts';
import { neededNodes } from '../graph/onnx/export.ts';
import { intAttr } from '../graph/ops/int-inputs.ts';
import { readWindow, intsAttr, windowAttrs, type Window } from '../graph/ops/window.ts';
import { tensor } from '../graph/tensor.ts';
import { type RewriteContext, rewriteGraph, type Rewritten } from './rewrite-graph.ts';

/** The window of `node` if it is a 2-D stride-1 MaxPool that two 1-D passes compute exactly. */
function separableWindow(node: Node): Window | null {
  const x = node.inputs[0];
  const kernel = intsAttr(node.attrs, 'kernel_shape');
  if (node.op !== 'MaxPool' || node.domain !== '' || !x || x.rank !== 4 || !kernel) return null;
  if (kernel.length !== 2 || kernel.some((k) => k < 2)) return null;
  if (intAttr(node.attrs, 'ceil_mode', 0) !== 0 || intAttr(node.attrs, 'storage_order', 0) !== 0)
    return null;
  const w = readWindow(node.attrs, kernel);
  const ok =
    w.strides.every((s) => s === 1) &&
    w.dilations.every((d) => d === 1) &&
    w.pads.every((p, i) => p < kernel[i % 2]!);
  return ok ? w : null;
}

/** One 1-D pass along spatial axis `axis` (0: H, 1: W) of the 2-D window `w`. */
function pass(ctx: RewriteContext, x: Value, w: Window, axis: 0 | 1): [Value, Value] {
  const one: Window = {
    kernel: w.kernel.map((k, i) => (i === axis ? k : 1)),
    strides: [1, 1],
    dilations: [1, 1],
    pads: w.pads.map((p, j) => (j % 2 === axis ? p : 0)),
  };
  const shape = [...x.shape];
  const n = x.shape[2 + axis] as number;
  shape[2 + axis] = n + one.pads[axis]! + one.pads[axis + 2]! - one.kernel[axis]! + 1;
  const [y, idx] = ctx.add('MaxPool', [x], windowAttrs(one), [
    { dtype: x.dtype, shape },
    { dtype: 'int64', shape },
  ]);
  return [y!, idx!];
}

/**
 * Rewrites every qualifying MaxPool (see the module comment) of `graph` whose Indices are
 * read by a node the export needs. Returns the graph unchanged (`replaced` 0) when none is.
 */
export function separateMaxPools(graph: Graph, exportOpts: ExportOptions): Rewritten {
  const read = new Set<Value>();
  for (const n of neededNodes(graph, Object.values(exportOpts.outputs)))
    for (const v of n.inputs) if (v) read.add(v);
  const outputs = new Set(Object.values(exportOpts.outputs));
  const r = rewriteGraph(
    graph,
    exportOpts,
    (node, ctx) => {
      const idx = node.outputs[1];
      const w = separableWindow(node);
      if (!w || !idx || !(read.has(idx) || outputs.has(idx))) return null;
      if (![2, 3].every((a) => typeof node.inputs[0]!.shape[a] === 'number')) return null;
      const [y1, i1] = pass(ctx, ctx.map(node.inputs[0]!), w, 1);
      const [y, i2] = pass(ctx, y1, w, 0);
      const minus1 = ctx.constant(tensor('int64', [1], [-1]));
      const flat = ctx.apply('Reshape', [i1, minus1]);
      return [y, ctx.apply('Gather', [flat, i2], { axis: { type: 'int', value: 0 } })];
    },
    'sepmaxpool',
  );
  return r.replaced === 0 ? { graph, exportOpts, replaced: 0 } : r;
}
