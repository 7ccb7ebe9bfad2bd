/**
 * Decoding of an ONNX ModelProto into plain records (names, types, encoded attributes and
 * tensors), before anything is built in the graph IR.
 */
import { type DType, dtypeFromOnnx } from '../dtype.ts';
import * as S from './schema.ts';
import {
  asBytes,
  asInt,
  asString,
  fieldsNumbered,
  intField,
  lastField,
  type ProtoField,
  readFields,
  stringField,
} from './wire.ts';

/** A tensor type from a ValueInfoProto. Dims: number, symbol, or null when not given. */
export interface OnnxTensorType {
  /** null when the element type is one scorekit cannot hold (e.g. float16). */
  readonly dtype: DType | null;
  readonly elemType: number;
  /** null when the rank is unknown. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** null for non-tensor types (sequences, maps, optionals) or a missing type. */
  readonly type: OnnxTensorType | null;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Input names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Encoded AttributeProto messages. */
  readonly attributes: readonly Uint8Array[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  /** Encoded TensorProto messages. */
  readonly initializers: readonly Uint8Array[];
  readonly hasSparseInitializers: boolean;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly valueInfo: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly producer: string;
  /** Operator-set imports, domain -> version; the default domain is ''. */
  readonly opsets: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly hasFunctions: boolean;
  readonly graph: OnnxGraph;
}

/** Field numbers and the wire type (2: length-delimited, 0: varint) ModelProto requires. */
const MODEL_WIRE: Readonly<Record<number, number>> = {
  [S.ModelProto.ir_version]: 0,
  [S.ModelProto.producer_name]: 2,
  [S.ModelProto.producer_version]: 2,
  [S.ModelProto.domain]: 2,
  [S.ModelProto.model_version]: 0,
  [S.ModelProto.doc_string]: 2,
  [S.ModelProto.graph]: 2,
  [S.ModelProto.opset_import]: 2,
  [S.ModelProto.metadata_props]: 2,
};

/**
 * Decodes a ModelProto. Throws "not an ONNX model" when the bytes are not protobuf, when a
 * known field has the wrong wire type, or when there is no graph.
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  let fields: ProtoField[];
  try {
    fields = readFields(bytes, 'ModelProto');
  } catch (e) {
    throw new Error(`not a valid ONNX model (truncated or corrupt: ${(e as Error).message})`, {
      cause: e,
    });
  }
  for (const f of fields) {
    const wire = MODEL_WIRE[f.field];
    if (wire !== undefined && wire !== f.wire)
      throw new Error(`not an ONNX model (field ${f.field} has wire type ${f.wire})`);
  }
  const graph = lastField(fields, S.ModelProto.graph);
  const ir = lastField(fields, S.ModelProto.ir_version);
  if (!graph || !ir) throw new Error('not an ONNX model (no ir_version or graph)');
  return {
    irVersion: asInt(ir),
    producer: stringField(fields, S.ModelProto.producer_name),
    opsets: decodeOpsets(fieldsNumbered(fields, S.ModelProto.opset_import)),
    metadata: decodeMetadata(fieldsNumbered(fields, S.ModelProto.metadata_props)),
    hasFunctions: fieldsNumbered(fields, S.ModelProto.functions).length > 0,
    graph: decodeGraph(asBytes(graph)),
  };
}

function decodeOpsets(entries: readonly ProtoField[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) {
    const fs = readFields(asBytes(e), 'OperatorSetIdProto');
    const domain = stringField(fs, S.OperatorSetIdProto.domain);
    out[domain === 'ai.onnx' ? '' : domain] = intField(fs, S.OperatorSetIdProto.version);
  }
  return out;
}

function decodeMetadata(entries: readonly ProtoField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const fs = readFields(asBytes(e), 'metadata_props');
    const k = lastField(fs, S.StringStringEntryProto.key);
    if (k) out[asString(k)] = stringField(fs, S.StringStringEntryProto.value);
  }
  return out;
}

/** Decodes a GraphProto (the main graph, or a subgraph attribute). */
export function decodeGraph(bytes: Uint8Array): OnnxGraph {
  const fields = readFields(bytes, 'GraphProto');
  const all = (f: number) => fieldsNumbered(fields, f).map(asBytes);
  return {
    name: stringField(fields, S.GraphProto.name),
    nodes: all(S.GraphProto.node).map((b, i) => decodeNode(b, i)),
    initializers: all(S.GraphProto.initializer),
    hasSparseInitializers: all(S.GraphProto.sparse_initializer).length > 0,
    inputs: all(S.GraphProto.input).map(decodeValueInfo),
    outputs: all(S.GraphProto.output).map(decodeValueInfo),
    valueInfo: all(S.GraphProto.value_info).map(decodeValueInfo),
  };
}

function decodeNode(bytes: Uint8Array, index: number): OnnxNode {
  const fields = readFields(bytes, `NodeProto #${index}`);
  const str = (f: number) => stringField(fields, f);
  const strs = (f: number) => fieldsNumbered(fields, f).map(asString);
  return {
    name: str(S.NodeProto.name),
    opType: str(S.NodeProto.op_type),
    domain: str(S.NodeProto.domain) === 'ai.onnx' ? '' : str(S.NodeProto.domain),
    inputs: strs(S.NodeProto.input),
    outputs: strs(S.NodeProto.output),
    attributes: fieldsNumbered(fields, S.NodeProto.attribute).map(asBytes),
  };
}

/** Decodes a ValueInfoProto (name and tensor type). */
export function decodeValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const fields = readFields(bytes, 'ValueInfoProto');
  const name = stringField(fields, S.ValueInfoProto.name);
  const type = lastField(fields, S.ValueInfoProto.type);
  return { name, type: type ? decodeTensorType(asBytes(type)) : null };
}

function decodeTensorType(bytes: Uint8Array): OnnxTensorType | null {
  const tensor = lastField(readFields(bytes, 'TypeProto'), S.TypeProto.tensor_type);
  if (!tensor) return null;
  const fields = readFields(asBytes(tensor), 'TypeProto.Tensor');
  const elemType = intField(fields, S.TypeProtoTensor.elem_type);
  const shape = lastField(fields, S.TypeProtoTensor.shape);
  const dtype = dtypeOrNull(elemType);
  return { dtype, elemType, shape: shape ? decodeShape(asBytes(shape)) : null };
}

function dtypeOrNull(code: number): DType | null {
  try {
    return dtypeFromOnnx(code, 'ValueInfoProto');
  } catch {
    return null;
  }
}

function decodeShape(bytes: Uint8Array): (number | string | null)[] {
  const dims = fieldsNumbered(readFields(bytes, 'TensorShapeProto'), S.TensorShapeProto.dim);
  return dims.map((d) => {
    const fs = readFields(asBytes(d), 'TensorShapeProto.Dimension');
    const value = lastField(fs, S.Dimension.dim_value);
    const param = lastField(fs, S.Dimension.dim_param);
    if (value) return asInt(value);
    return param && asString(param) !== '' ? asString(param) : null;
  });
}
