/**
 * Replaces ONNX Elu nodes by element-wise operators that ONNX Runtime vectorises, for
 * ONNX Runtime only:
 *   elu(x) = max(x, alpha (exp(min(x, 0)) - 1))            for 0 < alpha <= 1,
 *   elu(x) = relu(x) + alpha (exp(min(x, 0)) - 1)          otherwise.
 * The first form holds because alpha (e^x - 1) >= x for x <= 0 when alpha <= 1 (equality
 * at 0) and alpha (e^0 - 1) = 0 < x for x > 0; the second because exp(min(x, 0)) - 1 is 0
 * for x > 0. Both evaluate the same alpha (exp(x) - 1) as Elu's definition for x <= 0 and
 * return x itself for x > 0.
 *
 * Why: ONNX Runtime's Elu kernel is scalar; on [64, 16, 28, 28] it takes 1.57 ms on one
 * thread against 0.42 ms for Min, Exp, Sub and Max together (docs/PERFORMANCE.md, "ELU").
 *
 * The gradient rule of Elu (alpha = 1) multiplies by exp(min(x, 0)); that node is replaced
 * by the one the forward decomposition computes, so the backward pass costs one Mul.
 *
 * Runtime-only, like separable-maxpool.ts: applied by `compile`; exported files keep Elu.
 */
import type { Graph, Node, Value } from '../graph/graph.ts';
import type { ExportOptions } from '../graph/onnx/export.ts';
import { tensor } from '../graph/tensor.ts';
import { type RewriteContext, rewriteGraph, type Rewritten } from './rewrite-graph.ts';

/** The alpha of an Elu node (ONNX default 1), or null for any other node. */
function eluAlpha(node: Node): number | null {
  if (node.op !== 'Elu' || node.domain !== '') return null;
  const a = node.attr('alpha');
  return a && a.type === 'float' ? a.value : 1;
}

/** A scalar constant of x's element type. */
function scalarLike(ctx: RewriteContext, x: Value, value: number): Value {
  return ctx.constant(tensor(x.dtype, [], [value]));
}

/**
 * The decomposition of elu(x) with the given alpha (see the module comment), and
 * exp(min(x, 0)), which is also d elu / dx for alpha = 1.
 */
function decompose(ctx: RewriteContext, x: Value, alpha: number): { y: Value; slope: Value } {
  const slope = ctx.apply('Exp', [ctx.apply('Min', [x, scalarLike(ctx, x, 0)])]);
  const expm1 = ctx.apply('Sub', [slope, scalarLike(ctx, x, 1)]);
  const negative = alpha === 1 ? expm1 : ctx.apply('Mul', [expm1, scalarLike(ctx, x, alpha)]);
  if (alpha > 0 && alpha <= 1) return { y: ctx.apply('Max', [x, negative]), slope };
  return { y: ctx.apply('Add', [ctx.apply('Relu', [x]), negative]), slope };
}

/** True if `v` is a constant that is 0 everywhere. */
function isZero(v: Value | null | undefined): boolean {
  const k = v?.known;
  return !!k && Array.from(k.data as ArrayLike<number>).every((e) => e === 0);
}

/** The x of an Exp(Min(x, 0)) node (the Elu gradient for alpha = 1), else null. */
function expOfMinZero(node: Node): Value | null {
  const min = node.op === 'Exp' && node.domain === '' ? node.inputs[0]?.producer : null;
  if (!min || min.op !== 'Min' || min.domain !== '' || min.inputs.length !== 2) return null;
  return isZero(min.inputs[1]) ? min.inputs[0]! : null;
}

/**
 * Rewrites every floating-point Elu node of `graph`, and lets each Exp(Min(x, 0)) of an Elu
 * input x (the gradient rule's slope, graph/ops/elementwise.ts) reuse the forward pass's;
 * unchanged (`replaced` 0) if there is no Elu.
 */
export function decomposeElus(graph: Graph, exportOpts: ExportOptions): Rewritten {
  if (!graph.nodes.some((n) => eluAlpha(n) !== null)) return { graph, exportOpts, replaced: 0 };
  const slopes = new Map<Value, Value>(); // Elu input (original graph) -> exp(min(x, 0))
  return rewriteGraph(
    graph,
    exportOpts,
    (node, ctx) => {
      const shared = expOfMinZero(node);
      if (shared && slopes.has(shared)) return [slopes.get(shared)!];
      const alpha = eluAlpha(node);
      const x = node.inputs[0];
      if (alpha === null || !x || (x.dtype !== 'float32' && x.dtype !== 'float64')) return null;
      const { y, slope } = decompose(ctx, ctx.map(x), alpha);
      if (!slopes.has(x)) slopes.set(x, slope);
      return [y];
    },
    'elu',
  );
}
