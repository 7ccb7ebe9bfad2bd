/**
 * Imports an ONNX model (e.g. from `torch.onnx.export`) into the graph IR. Operators scorekit
 * defines are rebuilt with `apply`, so shapes are inferred and `grad` differentiates them;
 * others pass through unchanged (attributes kept byte for byte) and run in ONNX Runtime, but
 * `grad` through them throws an error naming the operator and the node.
 */
import type { DType } from '../dtype.ts';
import { type Attr, Graph, type Node, type OutputType, type Value } from '../graph.ts';
import { apply, findOp } from '../op-registry.ts';
import { constant } from '../ops/constant.ts';
import { freshDim } from '../ops/layout.ts';
import { tensor } from '../tensor.ts';
import { attrName, decodeAttr } from './decode-attr.ts';
import { decodeModel, type OnnxModel, type OnnxNode, type OnnxValueInfo } from './decode-model.ts';
import { decodeTensor } from './decode-tensor.ts';
import { type NodeForm, toOpset17 } from './opset-forms.ts';
import {
  firstDtype,
  passThroughType,
  type RecordedType,
  recordedOrUnknown,
} from './passthrough-types.ts';
import * as S from './schema.ts';
import { capturedNames } from './subgraph-captures.ts';

export interface ImportOptions {
  /** Names the model in error messages (e.g. its file path). */
  readonly source?: string;
  /** Build into this graph instead of a new one (to compose several models). */
  readonly graph?: Graph;
  /** Model inputs fed by existing values of `graph` instead of new graph inputs. */
  readonly bind?: Readonly<Record<string, Value>>;
}

/** An imported model: its graph and the values that stand for the file's names. */
export interface ImportedModel {
  readonly graph: Graph;
  /** New graph inputs, in the file's order (initializers and bound inputs excluded). */
  readonly inputs: Value[];
  /** Graph outputs by name. */
  readonly outputs: Record<string, Value>;
  /** Initializers (the parameters) by name, as Constant values. */
  readonly initializers: Record<string, Value>;
  /** Every named value of the file (inputs, initializers, node outputs). */
  readonly values: ReadonlyMap<string, Value>;
  /** metadata_props. */
  readonly metadata: Record<string, string>;
  /** Operator-set imports, domain -> version ('' is the default domain); pass to export. */
  readonly opsets: Record<string, number>;
  readonly producer: string;
  /** Nodes kept as they are because scorekit does not define their operator. */
  readonly passThrough: Node[];
}

/** Import state shared by the steps below. */
interface Ctx {
  readonly g: Graph;
  readonly opset: number;
  readonly values: Map<string, Value>;
  readonly recorded: Map<string, RecordedType>;
  /** The file's node names: helper nodes and renamed values keep clear of them. */
  readonly nodeNames: Set<string>;
  readonly passThrough: Node[];
}

/**
 * Decodes ONNX model bytes into the graph IR. Accepts default-domain opsets 13..21 (nodes
 * of newer opsets are rewritten into scorekit's opset-17 forms); errors name `opts.source`.
 */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportedModel {
  const source = opts.source ?? 'ONNX model';
  // A plain view: Node Buffers (readFileSync) share memory on slice().
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return build(decodeModel(plain), opts);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`, { cause: e });
  }
}

function build(model: OnnxModel, opts: ImportOptions): ImportedModel {
  const opset = checkModel(model);
  const g = opts.graph ?? new Graph();
  const ctx: Ctx = {
    g,
    opset,
    values: new Map(),
    recorded: recordedTypes(model),
    nodeNames: new Set(model.graph.nodes.map((n) => n.name).filter((n) => n !== '')),
    passThrough: [],
  };
  const initializers = addInitializers(ctx, model.graph.initializers);
  const inputs = addInputs(ctx, model.graph.inputs, opts.bind ?? {});
  model.graph.nodes.forEach((n, i) => importNode(ctx, n, i));
  const outputs: Record<string, Value> = {};
  for (const o of model.graph.outputs) outputs[o.name] = lookup(ctx, o.name, 'graph output');
  return {
    graph: g,
    inputs,
    outputs,
    initializers,
    values: ctx.values,
    metadata: { ...model.metadata },
    opsets: { ...model.opsets },
    producer: model.producer,
    passThrough: ctx.passThrough,
  };
}

/** Checks the opset and features scorekit reads; returns the default-domain opset. */
function checkModel(model: OnnxModel): number {
  const opset = model.opsets[''];
  if (opset === undefined) {
    throw new Error('declares no default-domain (ai.onnx) opset (is the file truncated?)');
  }
  if (opset < S.MIN_IMPORT_OPSET || opset > S.MAX_IMPORT_OPSET) {
    throw new Error(
      `uses ONNX opset ${opset}; scorekit imports opsets ${S.MIN_IMPORT_OPSET} to ${S.MAX_IMPORT_OPSET}` +
        (opset < S.MIN_IMPORT_OPSET
          ? ' (re-export it, e.g. torch.onnx.export(..., opset_version=17))'
          : ''),
    );
  }
  if (model.hasFunctions) throw new Error('model-local functions are not supported');
  if (model.graph.hasSparseInitializers) throw new Error('sparse initializers are not supported');
  return opset;
}

function recordedTypes(model: OnnxModel): Map<string, RecordedType> {
  const out = new Map<string, RecordedType>();
  for (const vi of [...model.graph.valueInfo, ...model.graph.outputs]) {
    if (vi.type) out.set(vi.name, vi.type);
  }
  return out;
}

/** A name for a value or helper node that no node of the file is called. */
function clearName(ctx: Ctx, name: string): string {
  let n = name;
  while (ctx.nodeNames.has(n)) n = `${n}_`;
  return n;
}

function setValue(ctx: Ctx, name: string, v: Value, rename: boolean): void {
  ctx.values.set(name, v);
  if (rename) ctx.g.rename(v, clearName(ctx, name));
}

function addInitializers(ctx: Ctx, encoded: readonly Uint8Array[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  encoded.forEach((bytes, i) => {
    const { name, tensor: t } = decodeTensor(bytes, `initializer #${i}`);
    const v = constant(ctx.g, t, clearName(ctx, `${name}:initializer`));
    setValue(ctx, name, v, true);
    out[name] = v;
  });
  return out;
}

function addInputs(
  ctx: Ctx,
  infos: readonly OnnxValueInfo[],
  bind: Readonly<Record<string, Value>>,
): Value[] {
  const inputs: Value[] = [];
  for (const vi of infos) {
    if (ctx.values.has(vi.name)) continue; // an initializer listed as an input (IR < 4)
    const { dtype, shape } = inputType(vi);
    const bound = bind[vi.name];
    if (bound) {
      checkBinding(vi.name, bound, dtype, shape.length);
      ctx.values.set(vi.name, bound);
      continue;
    }
    const v = ctx.g.input(vi.name, dtype, shape);
    ctx.values.set(vi.name, v);
    inputs.push(v);
  }
  return inputs;
}

function inputType(vi: OnnxValueInfo): { dtype: DType; shape: (number | string)[] } {
  const t = vi.type;
  if (!t) throw new Error(`input "${vi.name}" is not a tensor`);
  if (!t.dtype) throw new Error(`input "${vi.name}" has unsupported element type ${t.elemType}`);
  if (!t.shape) throw new Error(`input "${vi.name}" has no shape (its rank is needed)`);
  return { dtype: t.dtype, shape: t.shape.map((d, i) => d ?? freshDim(`${vi.name}_${i}`)) };
}

function checkBinding(name: string, v: Value, dtype: DType, rank: number): void {
  if (v.dtype !== dtype || v.rank !== rank) {
    throw new Error(`input "${name}" is ${dtype} of rank ${rank} but is bound to ${v.toString()}`);
  }
}

function lookup(ctx: Ctx, name: string, user: string): Value {
  const v = ctx.values.get(name);
  if (!v) {
    throw new Error(
      `${user} reads "${name}", which no earlier node, initializer or input provides`,
    );
  }
  return v;
}

function importNode(ctx: Ctx, node: OnnxNode, index: number): void {
  const name = node.name || clearName(ctx, `${node.opType}_${index}`);
  const where = `node "${name}" (${node.domain ? `${node.domain}.` : ''}${node.opType})`;
  try {
    const inputs = node.inputs.map((n) => (n === '' ? null : lookup(ctx, n, 'it')));
    const outs =
      node.domain === '' && findOp(node.opType)
        ? definedNode(ctx, node, name, inputs)
        : passThroughNode(ctx, node, name, inputs);
    if (outs.length < node.outputs.length) {
      throw new Error(
        `scorekit's ${node.opType} gives ${outs.length} outputs, the node has ${node.outputs.length}`,
      );
    }
    node.outputs.forEach((o, i) => {
      if (o !== '') setValue(ctx, o, outs[i]!, true);
    });
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
}

/** An operator scorekit defines: rewritten to its opset-17 form and applied. */
function definedNode(ctx: Ctx, node: OnnxNode, name: string, inputs: (Value | null)[]): Value[] {
  const attrs: Record<string, Attr> = {};
  node.attributes.forEach((b, i) => {
    const a = decodeAttr(b, `attribute #${i}`);
    attrs[a.name] = a.attr;
  });
  const ints = (values: readonly number[], what: string): Value =>
    constant(ctx.g, tensor('int64', [values.length], values), clearName(ctx, `${name}/${what}`));
  const form = toOpset17({ op: node.opType, inputs, attrs }, ctx.opset, ints, node.outputs.length);
  if (form.inputs.some((v) => v !== null && !v.hasShape))
    return unshapedNode(ctx, node, name, form);
  return apply(form.op, form.inputs, form.attrs, { graph: ctx.g, name });
}

/**
 * A defined operator whose input shapes are unknown (they come from pass-through nodes the
 * file gave no types for): kept as a node typed from the file. It runs; `grad` through it
 * reports the unknown shape.
 */
function unshapedNode(ctx: Ctx, node: OnnxNode, name: string, form: NodeForm): Value[] {
  const types = node.outputs.map((o) => recordedOutput(ctx, form.inputs, o));
  return ctx.g.addNode(form.op, form.inputs, form.attrs, types, '', name).outputs;
}

function recordedOutput(ctx: Ctx, inputs: readonly (Value | null)[], output: string): OutputType {
  return recordedOrUnknown(ctx.recorded.get(output), firstDtype(inputs), freshDim);
}

/** An operator scorekit does not define: kept with its attributes byte for byte. */
function passThroughNode(
  ctx: Ctx,
  node: OnnxNode,
  name: string,
  inputs: (Value | null)[],
): Value[] {
  const attrs: Record<string, Attr> = {};
  node.attributes.forEach((b, i) => {
    attrs[attrName(b, `attribute #${i}`)] = { type: 'raw', value: b.slice() };
  });
  const op = node.domain === '' ? node.opType : '';
  const types = node.outputs.map((o, i) =>
    passThroughType(op, i, inputs, ctx.recorded.get(o), freshDim),
  );
  const created = ctx.g.addNode(node.opType, inputs, attrs, types, node.domain, name);
  const captured = node.attributes.flatMap(capturedNames);
  created.captures = [...new Set(captured)].map((n) => lookup(ctx, n, 'a subgraph'));
  ctx.passThrough.push(created);
  return created.outputs;
}
