/**
 * Serialises a graph (the part needed for the chosen outputs) to an ONNX ModelProto.
 * Constant nodes become initializers; outputs are named as requested.
 */
import { ONNX_DTYPE } from '../dtype.ts';
import { type Attr, type Attrs, type Graph, type Node, Value } from '../graph.ts';
import type { Shape } from '../shape.ts';
import type { TensorData } from '../tensor.ts';
import { fromOpset17 } from './opset-forms.ts';
import * as S from './schema.ts';
import { ProtoWriter } from './wire.ts';

export interface ExportOptions {
  /** Graph inputs in order (unused ones are kept, so callers can feed a fixed set). */
  readonly inputs: readonly Value[];
  /** Output name -> value. */
  readonly outputs: Readonly<Record<string, Value>>;
  /** Stored as metadata_props (string values). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly name?: string;
  /** Extra operator-set imports (domain -> version), e.g. from an imported model. */
  readonly opsets?: Readonly<Record<string, number>>;
}

/** The ONNX bytes of `graph` restricted to what the outputs need. */
export function exportOnnx(graph: Graph, opts: ExportOptions): Uint8Array {
  const nodes = neededNodes(graph, Object.values(opts.outputs));
  const inputSet = new Set(opts.inputs);
  for (const n of nodes) {
    for (const v of [...n.inputs, ...n.captures]) {
      if (v && !v.producer && !inputSet.has(v)) {
        throw new Error(
          `exportOnnx: value "${v.name}" is a graph input that was not listed in inputs`,
        );
      }
    }
  }
  const opset = exportOpset(opts);
  const w = new ProtoWriter();
  w.int(S.ModelProto.ir_version, S.irVersionForOpset(opset));
  w.string(S.ModelProto.producer_name, 'scorekit');
  w.message(S.ModelProto.opset_import, (o) =>
    o.string(S.OperatorSetIdProto.domain, '').int(S.OperatorSetIdProto.version, opset),
  );
  for (const [domain, version] of Object.entries(opts.opsets ?? {})) {
    if (domain === '' || domain === 'ai.onnx') continue;
    w.message(S.ModelProto.opset_import, (o) =>
      o.string(S.OperatorSetIdProto.domain, domain).int(S.OperatorSetIdProto.version, version),
    );
  }
  w.message(S.ModelProto.graph, (g) => writeGraph(g, nodes, opts, opset));
  for (const [key, value] of Object.entries(opts.metadata ?? {})) {
    w.message(S.ModelProto.metadata_props, (m) =>
      m.string(S.StringStringEntryProto.key, key).string(S.StringStringEntryProto.value, value),
    );
  }
  return w.finish();
}

/**
 * The default-domain opset to write: scorekit's own (17), or a newer one an imported model
 * declared (its nodes are then rewritten into that opset's form, see opset-forms.ts).
 */
function exportOpset(opts: ExportOptions): number {
  const imported = opts.opsets?.[''] ?? opts.opsets?.['ai.onnx'] ?? S.OPSET;
  return Math.max(S.OPSET, imported);
}

/** Nodes the outputs depend on, in graph (topological) order. */
export function neededNodes(graph: Graph, outputs: readonly Value[]): Node[] {
  const need = new Set<Node>();
  const stack = [...outputs];
  while (stack.length) {
    const v = stack.pop()!;
    const p = v.producer;
    if (!p || need.has(p)) continue;
    need.add(p);
    for (const i of p.inputs) if (i) stack.push(i);
    stack.push(...p.captures);
  }
  return graph.nodes.filter((n) => need.has(n));
}

function writeGraph(
  g: ProtoWriter,
  nodes: readonly Node[],
  opts: ExportOptions,
  opset: number,
): void {
  g.string(S.GraphProto.name, opts.name ?? 'scorekit');
  const used = new Set<Value>(Object.values(opts.outputs));
  for (const n of nodes) for (const v of n.inputs) if (v) used.add(v);
  for (const n of nodes) {
    const value = n.op === 'Constant' && n.domain === '' ? n.attr('value') : undefined;
    if (value && value.type === 'tensor') {
      g.message(S.GraphProto.initializer, (t) => writeTensor(t, value.value, n.outputs[0]!.name));
    } else writeNodeForOpset(g, n, opset, used);
  }
  for (const [name, v] of Object.entries(opts.outputs)) {
    if (name !== v.name) {
      g.message(S.GraphProto.node, (m) =>
        m
          .string(S.NodeProto.input, v.name)
          .string(S.NodeProto.output, name)
          .string(S.NodeProto.name, `output_${name}`)
          .string(S.NodeProto.op_type, 'Identity'),
      );
    }
  }
  for (const v of opts.inputs) g.message(S.GraphProto.input, (m) => writeValueInfo(m, v.name, v));
  for (const [name, v] of Object.entries(opts.outputs)) {
    g.message(S.GraphProto.output, (m) => writeValueInfo(m, name, v));
  }
}

/** Writes a node in the form of `opset`; new constant inputs become initializers. */
function writeNodeForOpset(g: ProtoWriter, n: Node, opset: number, used: ReadonlySet<Value>): void {
  if (n.domain !== '') {
    g.message(S.GraphProto.node, (m) => writeNode(m, n, n.inputs.map(inputName), n.attrs, used));
    return;
  }
  const form = fromOpset17(n.op, n.inputs, n.outputs.length, n.attrs, opset);
  const names = form.inputs.map((v, i) => {
    if (v === null || v instanceof Value) return inputName(v);
    const name = `${n.name}:input${i}`;
    g.message(S.GraphProto.initializer, (t) => writeTensor(t, v, name));
    return name;
  });
  g.message(S.GraphProto.node, (m) => writeNode(m, n, names, form.attrs, used));
}

function inputName(v: Value | null): string {
  return v ? v.name : '';
}

/**
 * Optional trailing outputs, by operator: how many leading outputs are always written. An
 * unused MaxPool Indices output makes ONNX Runtime fall back from its fast pooling kernel
 * (17.9 vs 1.4 ms on [64, 32, 14, 14] with a 5x5 window), so it is left out when nothing reads it.
 */
const REQUIRED_OUTPUTS: Readonly<Record<string, number>> = { MaxPool: 1 };

function writtenOutputs(n: Node, used: ReadonlySet<Value>): readonly Value[] {
  const required = n.domain === '' ? REQUIRED_OUTPUTS[n.op] : undefined;
  if (required === undefined) return n.outputs;
  let k = n.outputs.length;
  while (k > required && !used.has(n.outputs[k - 1]!)) k--;
  return n.outputs.slice(0, k);
}

function writeNode(
  m: ProtoWriter,
  n: Node,
  inputs: readonly string[],
  attrs: Attrs,
  used: ReadonlySet<Value>,
): void {
  for (const name of inputs) m.string(S.NodeProto.input, name);
  for (const v of writtenOutputs(n, used)) m.string(S.NodeProto.output, v.name);
  m.string(S.NodeProto.name, n.name);
  m.string(S.NodeProto.op_type, n.op);
  if (n.domain) m.string(S.NodeProto.domain, n.domain);
  for (const [name, a] of Object.entries(attrs)) {
    if (a.type === 'raw') m.bytes(S.NodeProto.attribute, a.value);
    else m.message(S.NodeProto.attribute, (w) => writeAttr(w, name, a));
  }
}

function writeAttr(w: ProtoWriter, name: string, a: Exclude<Attr, { type: 'raw' }>): void {
  w.string(S.AttributeProto.name, name);
  switch (a.type) {
    case 'int':
      w.int(S.AttributeProto.type, S.AttrType.INT).int(S.AttributeProto.i, a.value);
      break;
    case 'float':
      w.int(S.AttributeProto.type, S.AttrType.FLOAT).float(S.AttributeProto.f, a.value);
      break;
    case 'string':
      w.int(S.AttributeProto.type, S.AttrType.STRING).string(S.AttributeProto.s, a.value);
      break;
    case 'ints':
      w.int(S.AttributeProto.type, S.AttrType.INTS).packedInts(S.AttributeProto.ints, a.value);
      break;
    case 'floats':
      w.int(S.AttributeProto.type, S.AttrType.FLOATS).packedFloats(
        S.AttributeProto.floats,
        a.value,
      );
      break;
    case 'strings':
      w.int(S.AttributeProto.type, S.AttrType.STRINGS);
      for (const s of a.value) w.string(S.AttributeProto.strings, s);
      break;
    case 'tensor':
      w.int(S.AttributeProto.type, S.AttrType.TENSOR).message(S.AttributeProto.t, (t) =>
        writeTensor(t, a.value, ''),
      );
      break;
  }
}

/** A TensorProto with little-endian raw_data. */
export function writeTensor(t: ProtoWriter, data: TensorData, name: string): void {
  for (const d of data.shape) t.int(S.TensorProto.dims, d);
  t.int(S.TensorProto.data_type, ONNX_DTYPE[data.dtype]);
  if (name) t.string(S.TensorProto.name, name);
  const a = data.data;
  t.bytes(S.TensorProto.raw_data, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

function writeValueInfo(m: ProtoWriter, name: string, v: Value): void {
  m.string(S.ValueInfoProto.name, name);
  m.message(S.ValueInfoProto.type, (t) =>
    t.message(S.TypeProto.tensor_type, (tt) => {
      tt.int(S.TypeProtoTensor.elem_type, ONNX_DTYPE[v.dtype]);
      if (v.hasShape) tt.message(S.TypeProtoTensor.shape, (s) => writeShape(s, v.shape));
    }),
  );
}

function writeShape(s: ProtoWriter, shape: Shape): void {
  for (const d of shape) {
    s.message(S.TensorShapeProto.dim, (dim) => {
      if (typeof d === 'number') dim.int(S.Dimension.dim_value, d);
      else dim.string(S.Dimension.dim_param, d);
    });
  }
}
