/**
 * Copies the part of a graph that an export needs into a new graph, letting a rule replace
 * individual nodes by other nodes. Used by runtime-only lowerings (e.g. nchwc-lowering.ts)
 * that rewrite a graph for ONNX Runtime just before it is compiled, so that the graph the
 * user built, and every file exported from it, stays standard ONNX.
 *
 * Names are preserved: graph inputs, copied nodes and their output values keep their names
 * (subgraph attributes refer to values by name), and every node a rule adds is named with a
 * prefix no original name starts with.
 */
import { type Attrs, Graph, type Node, type OutputType, type Value } from '../graph/graph.ts';
import { type ExportOptions, neededNodes } from '../graph/onnx/export.ts';
import { apply1 } from '../graph/op-registry.ts';
import type { TensorData } from '../graph/tensor.ts';

/** What a rewrite rule may do while the graph is copied. */
export interface RewriteContext {
  /** The new graph. */
  readonly graph: Graph;
  /** The new-graph value standing for an original value. */
  map(v: Value): Value;
  /** Adds a node to the new graph (any domain), with a fresh name; returns its outputs. */
  add(
    op: string,
    inputs: readonly (Value | null)[],
    attrs: Attrs,
    outputs: readonly OutputType[],
    domain?: string,
  ): Value[];
  /** Applies a scorekit operator (shape-inferred) in the new graph, with a fresh name. */
  apply(op: string, inputs: readonly (Value | null)[], attrs?: Attrs): Value;
  /** A Constant node holding `value`, in the new graph. */
  constant(value: TensorData): Value;
}

/**
 * Replaces `node` by nodes added through `ctx`, returning the new values of its outputs, or
 * returns null to copy the node unchanged.
 */
export type RewriteRule = (node: Node, ctx: RewriteContext) => Value[] | null;

/** A rewritten graph with the export options that refer to it. */
export interface Rewritten {
  readonly graph: Graph;
  readonly exportOpts: ExportOptions;
  /** Number of nodes the rule replaced. */
  readonly replaced: number;
}

/** A prefix that no name in `names` starts with. */
function freshPrefix(base: string, names: ReadonlySet<string>): string {
  let p = base;
  while ([...names].some((n) => n.startsWith(p))) p += '_';
  return p;
}

/** Copies what `exportOpts` needs of `graph` into a new graph, applying `rule` to each node. */
export function rewriteGraph(
  graph: Graph,
  exportOpts: ExportOptions,
  rule: RewriteRule,
  prefix = 'rw',
): Rewritten {
  const nodes = neededNodes(graph, Object.values(exportOpts.outputs));
  const names = new Set<string>();
  for (const n of nodes) {
    names.add(n.name);
    for (const v of [...n.inputs, ...n.outputs]) if (v) names.add(v.name);
  }
  for (const v of exportOpts.inputs) names.add(v.name);
  const pre = freshPrefix(prefix, names);
  const g = new Graph();
  const mapped = new Map<Value, Value>();
  for (const v of exportOpts.inputs) mapped.set(v, g.input(v.name, v.dtype, v.shape));
  let counter = 0;
  const map = (v: Value): Value => {
    let m = mapped.get(v);
    if (!m) {
      if (v.producer) throw new Error(`rewriteGraph: value ${v.name} used before its producer`);
      // An input that was not listed: keep it so that export reports it as before.
      m = g.input(v.name, v.dtype, v.shape);
      mapped.set(v, m);
    }
    return m;
  };
  const ctx: RewriteContext = {
    graph: g,
    map,
    add: (op, inputs, attrs, outputs, domain = '') =>
      g.addNode(op, inputs, attrs, outputs, domain, `${pre}/${op}_${counter++}`).outputs,
    apply: (op, inputs, attrs = {}) =>
      apply1(op, inputs, attrs, { graph: g, name: `${pre}/${op}_${counter++}` }),
    constant: (value) => ctx.apply('Constant', [], { value: { type: 'tensor', value } }),
  };
  let replaced = 0;
  for (const n of nodes) {
    const out = rule(n, ctx);
    if (out) {
      replaced++;
      n.outputs.forEach((v, i) => mapped.set(v, out[i]!));
      continue;
    }
    const types = n.outputs.map((v) => ({ dtype: v.dtype, shape: v.hasShape ? v.shape : null }));
    const copy = g.addNode(
      n.op,
      n.inputs.map((v) => (v ? map(v) : null)),
      n.attrs,
      types,
      n.domain,
      n.name,
    );
    copy.captures = n.captures.map(map);
    n.outputs.forEach((v, i) => {
      const c = copy.outputs[i]!;
      c.name = v.name;
      c.known = v.known;
      mapped.set(v, c);
    });
  }
  const outputs = Object.fromEntries(
    Object.entries(exportOpts.outputs).map(([k, v]) => [k, map(v)]),
  );
  return {
    graph: g,
    exportOpts: { ...exportOpts, inputs: exportOpts.inputs.map(map), outputs },
    replaced,
  };
}
