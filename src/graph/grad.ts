/**
 * Reverse-mode automatic differentiation over the graph IR: appends vector-Jacobian product
 * nodes for every operator between the differentiated outputs and the requested inputs.
 */
import { isFloat } from './dtype.ts';
import { describeNode, type Node, type Value } from './graph.ts';
import { findOp, type GradOptions } from './op-registry.ts';
import { add } from './ops/elementwise.ts';
import { constantOfShape } from './ops/fill.ts';
import { shapeOf } from './ops/layout.ts';

/**
 * Gradients of `sum(seeds[i] * outputs[i])` with respect to each value in `wrt`.
 * With no seeds, every output is seeded with ones (so a scalar loss gives its gradient).
 * A `wrt` value the outputs do not depend on gets a zero gradient. `options` tell the rules
 * about the runtime that will run the graph (e.g. which convolution-gradient forms are fast).
 */
export function grad(
  outputs: Value | readonly Value[],
  wrt: readonly Value[],
  seeds?: readonly Value[],
  options: GradOptions = {},
): Value[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Value[]) : [outputs as Value];
  if (outs.length === 0) throw new Error('grad: no outputs to differentiate');
  const graph = outs[0]!.graph;
  if (seeds && seeds.length !== outs.length) throw new Error('grad: one seed per output is needed');
  const active = activeNodes(outs, wrt);
  const acc = new Map<Value, Value[]>();
  outs.forEach((o, i) => {
    if (!isFloat(o.dtype)) throw new Error(`grad: output ${o.toString()} is not floating point`);
    acc.set(o, [seeds ? seeds[i]! : constantOfShape(shapeOf(o), 1, o.dtype)]);
  });
  const dependsOnWrt = forwardReach(wrt);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const node = graph.nodes[k]!;
    if (!active.has(node)) continue;
    const gradOutputs = node.outputs.map((o) => sumGrads(acc.get(o)));
    if (gradOutputs.every((g) => g === null)) continue;
    if (node.captures.some((v) => isFloat(v.dtype) && dependsOnWrt.has(v))) {
      throw new Error(`grad: no gradient rule for subgraphs of ${describeNode(node)}`);
    }
    const needs = node.inputs.map((v) => v !== null && isFloat(v.dtype) && dependsOnWrt.has(v));
    if (!needs.some(Boolean)) continue;
    const rule = node.domain === '' ? findOp(node.op)?.vjp : undefined;
    if (!rule) throw new Error(`grad: no gradient rule for ${describeNode(node)}`);
    const gradInputs = rule({ node, gradOutputs, needs, options });
    node.inputs.forEach((v, i) => {
      const g = gradInputs[i];
      if (!v || !needs[i] || !g) return;
      const list = acc.get(v);
      if (list) list.push(g);
      else acc.set(v, [g]);
    });
  }
  return wrt.map((w) => sumGrads(acc.get(w)) ?? constantOfShape(shapeOf(w), 0, w.dtype));
}

function sumGrads(list: Value[] | undefined): Value | null {
  if (!list || list.length === 0) return null;
  let s = list[0]!;
  for (let i = 1; i < list.length; i++) s = add(s, list[i]!);
  list.length = 0;
  list.push(s);
  return s;
}

/** Values that depend on any of `wrt` (including `wrt` themselves). */
function forwardReach(wrt: readonly Value[]): Set<Value> {
  const set = new Set<Value>(wrt);
  if (wrt.length === 0) return set;
  for (const node of wrt[0]!.graph.nodes) {
    if (dependencies(node).some((v) => v !== null && set.has(v))) {
      for (const o of node.outputs) set.add(o);
    }
  }
  return set;
}

/** Nodes on a path from some `wrt` value to some output. */
function activeNodes(outs: readonly Value[], wrt: readonly Value[]): Set<Node> {
  const fwd = forwardReach(wrt);
  const active = new Set<Node>();
  const stack = [...outs];
  const seen = new Set<Value>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = v.producer;
    if (!p || !fwd.has(v)) continue;
    active.add(p);
    for (const i of dependencies(p)) if (i) stack.push(i);
  }
  return active;
}

/** A node's inputs and the values its subgraphs capture. */
function dependencies(node: Node): readonly (Value | null)[] {
  return node.captures.length ? [...node.inputs, ...node.captures] : node.inputs;
}
