/**
 * The graph IR: a DAG of ONNX operators over typed symbolic values. Nodes are appended in
 * creation order, which is always a topological order (a node's inputs exist before it).
 */
import type { DType } from './dtype.ts';
import { type Dim, type Shape, shapeToString } from './shape.ts';
import type { TensorData } from './tensor.ts';

/** An ONNX attribute value, tagged with its ONNX attribute type. */
export type Attr =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensor'; readonly value: TensorData }
  /** An attribute scorekit does not interpret (e.g. a subgraph), kept as its encoded bytes. */
  | { readonly type: 'raw'; readonly value: Uint8Array };

export type Attrs = Readonly<Record<string, Attr>>;

/** A typed symbolic value: a graph input, a constant, or an operator output. */
export class Value {
  /** Concrete contents when known while building (constants, shape arithmetic). */
  known: TensorData | null = null;
  /** For 1-D int64 values holding a shape: its entries, possibly symbolic. */
  symbolic: Dim[] | null = null;

  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly dtype: DType,
    private readonly shapeOrNull: Shape | null,
    readonly producer: Node | null,
    public name: string,
  ) {}

  /** The static shape (dimensions may be symbolic). Throws if the shape is unknown. */
  get shape(): Shape {
    if (this.shapeOrNull === null) {
      const by = this.producer ? ` (output of ${describeNode(this.producer)})` : '';
      throw new Error(`the shape of value "${this.name}"${by} is unknown`);
    }
    return this.shapeOrNull;
  }

  /** False for outputs of pass-through operators whose shapes scorekit cannot infer. */
  get hasShape(): boolean {
    return this.shapeOrNull !== null;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.name}: ${this.dtype}${shapeToString(this.shapeOrNull)}`;
  }
}

/** One ONNX operator application. `null` inputs are omitted optional inputs. */
export class Node {
  /**
   * Values of the enclosing graph that subgraph attributes (If, Loop, Scan) read by name:
   * dependencies that are not inputs. Export keeps their producers; `grad` refuses them.
   */
  captures: readonly Value[] = [];

  constructor(
    readonly op: string,
    readonly domain: string,
    readonly inputs: readonly (Value | null)[],
    readonly outputs: Value[],
    readonly attrs: Attrs,
    readonly name: string,
  ) {}

  attr(name: string): Attr | undefined {
    return this.attrs[name];
  }
}

export function describeNode(node: Node): string {
  const ins = node.inputs.map((v) => (v ? v.toString() : '<none>')).join(', ');
  return `${node.op} node "${node.name}" (inputs: ${ins})`;
}

/** Output type of an operator, as returned by shape inference. */
export interface OutputType {
  readonly dtype: DType;
  /** null: unknown (pass-through operators only). */
  readonly shape: Shape | null;
}

/** A graph under construction. */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  private nextId = 0;
  private readonly names = new Set<string>();

  /** Declares a graph input. */
  input(name: string, dtype: DType, shape: Shape): Value {
    const v = this.newValue(dtype, shape, null, name);
    this.inputs.push(v);
    return v;
  }

  /** Creates a node and its output values (called by the operator builders). */
  addNode(
    op: string,
    inputs: readonly (Value | null)[],
    attrs: Attrs,
    outputTypes: readonly OutputType[],
    domain = '',
    name?: string,
  ): Node {
    for (const v of inputs) {
      if (v && v.graph !== this) throw new Error(`${op}: input ${v.name} belongs to another graph`);
    }
    const outputs: Value[] = [];
    const nodeName = this.uniqueName(name ?? `${op}_${this.nodes.length}`);
    const node = new Node(op, domain, inputs, outputs, attrs, nodeName);
    for (let i = 0; i < outputTypes.length; i++) {
      const t = outputTypes[i]!;
      outputs.push(this.newValue(t.dtype, t.shape, node, `${nodeName}:${i}`));
    }
    this.nodes.push(node);
    return node;
  }

  /** Renames a value to a unique name based on `name` (used for graph outputs). */
  rename(v: Value, name: string): Value {
    if (v.name === name) return v;
    this.names.delete(v.name);
    v.name = this.uniqueName(name);
    return v;
  }

  private newValue(dtype: DType, shape: Shape | null, producer: Node | null, name: string): Value {
    const v = new Value(this, this.nextId++, dtype, shape, producer, this.uniqueName(name));
    return v;
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }
}
