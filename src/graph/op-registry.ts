/**
 * Operator definitions: shape inference, constant folding for shape arithmetic, and the
 * vector-Jacobian product (VJP) rule used by reverse-mode autodiff ({@link grad}).
 */
import { type Attrs, describeNode, Graph, Node, type OutputType, Value } from './graph.ts';
import type { Dim } from './shape.ts';
import type { TensorData } from './tensor.ts';

/** What a VJP rule sees: the forward node, and the gradients flowing into its outputs. */
export interface VjpContext {
  readonly node: Node;
  /** Gradient of the objective w.r.t. each output (null: the output does not affect it). */
  readonly gradOutputs: readonly (Value | null)[];
  /** Whether each input needs a gradient (depends on a differentiated value, float dtype). */
  readonly needs: readonly boolean[];
  /** What `grad` was told about the runtime that will run the graph. */
  readonly options: GradOptions;
}

/** What gradient rules may know about the runtime that will run the differentiated graph. */
export interface GradOptions {
  /**
   * ONNX Runtime's NCHWc block size where the graph will be compiled with its 2-D
   * convolutions lowered to the blocked kernels (runtime/nchwc-block-size.ts; 16 with
   * AVX-512, 8 with AVX2); 0 or absent where not known. Lets convolution gradients use forms
   * that are fast only on those kernels (ops/conv-weight-grad-as-conv.ts).
   */
  readonly nchwcBlock?: number;
}

export interface OpDef {
  readonly name: string;
  /** Output types from input types and attributes; throws with a plain reason on mismatch. */
  infer(inputs: readonly (Value | null)[], attrs: Attrs): OutputType[];
  /** Folds known inputs into known outputs (only for small shape arithmetic). */
  fold?(inputs: readonly (TensorData | null)[], attrs: Attrs): TensorData[] | null;
  /** Propagates shape vectors whose entries may be symbolic (Shape, Gather, Concat...). */
  symbolic?(inputs: readonly (Value | null)[], attrs: Attrs): (Dim[] | null)[];
  /** Gradients w.r.t. each input (null where not needed or not differentiable). */
  vjp?(ctx: VjpContext): (Value | null)[];
}

const registry = new Map<string, OpDef>();

/** Registers an operator; throws on a duplicate name. */
export function defineOp(def: OpDef): OpDef {
  if (registry.has(def.name)) throw new Error(`operator ${def.name} is defined twice`);
  registry.set(def.name, def);
  return def;
}

/** The definition of an ONNX operator (default domain), or undefined if scorekit lacks one. */
export function findOp(name: string): OpDef | undefined {
  return registry.get(name);
}

/** Names of all defined operators, sorted. */
export function definedOps(): string[] {
  return [...registry.keys()].sort();
}

/** Error from shape or type inference, naming the operator and its inputs with shapes. */
export class GraphTypeError extends Error {
  constructor(op: string, inputs: readonly (Value | null)[], reason: string) {
    const ins = inputs.map((v) => (v ? v.toString() : '<none>')).join(', ');
    super(`${op}: ${reason} (inputs: ${ins})`);
    this.name = 'GraphTypeError';
  }
}

function graphOf(op: string, inputs: readonly (Value | null)[]): Graph {
  const v = inputs.find((x): x is Value => x !== null);
  if (!v) throw new Error(`${op}: needs at least one input value`);
  return v.graph;
}

/**
 * Applies a defined operator: infers output types, creates the node, and attaches known or
 * symbolic contents to the outputs when they can be computed while building.
 */
export function apply(
  op: string,
  inputs: readonly (Value | null)[],
  attrs: Attrs = {},
  opts: { graph?: Graph; name?: string } = {},
): Value[] {
  const def = registry.get(op);
  if (!def) throw new Error(`operator ${op} is not supported by scorekit`);
  let types: OutputType[];
  try {
    types = def.infer(inputs, attrs);
  } catch (e) {
    if (e instanceof GraphTypeError) throw e;
    throw new GraphTypeError(op, inputs, (e as Error).message);
  }
  const g = opts.graph ?? graphOf(op, inputs);
  const node = g.addNode(op, inputs, attrs, types, '', opts.name);
  propagateKnown(def, node);
  return node.outputs;
}

/** Applies an operator with one output. */
export function apply1(
  op: string,
  inputs: readonly (Value | null)[],
  attrs: Attrs = {},
  opts: { graph?: Graph; name?: string } = {},
): Value {
  return apply(op, inputs, attrs, opts)[0]!;
}

function propagateKnown(def: OpDef, node: Node): void {
  const known = node.inputs.map((v) => (v ? v.known : null));
  if (def.fold && node.inputs.every((v, i) => v === null || known[i] !== null)) {
    const out = def.fold(known, node.attrs);
    if (out) out.forEach((t, i) => (node.outputs[i]!.known = t));
  }
  if (def.symbolic) {
    const sym = def.symbolic(node.inputs, node.attrs);
    sym.forEach((s, i) => {
      if (s) node.outputs[i]!.symbolic = s;
    });
  }
}

/** Throws an error naming the node when a VJP is asked of an operator without one. */
export function noGradient(node: Node): never {
  throw new Error(`no gradient rule for ${describeNode(node)}`);
}
