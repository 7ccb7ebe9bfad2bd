/** Field numbers of the ONNX protobuf messages (onnx/onnx.proto), shared by export and import. */

export const ModelProto = {
  ir_version: 1,
  producer_name: 2,
  producer_version: 3,
  domain: 4,
  model_version: 5,
  doc_string: 6,
  graph: 7,
  opset_import: 8,
  metadata_props: 14,
  training_info: 20,
  functions: 25,
} as const;

export const OperatorSetIdProto = { domain: 1, version: 2 } as const;
export const StringStringEntryProto = { key: 1, value: 2 } as const;

export const GraphProto = {
  node: 1,
  name: 2,
  initializer: 5,
  doc_string: 10,
  input: 11,
  output: 12,
  value_info: 13,
  sparse_initializer: 15,
} as const;

export const NodeProto = {
  input: 1,
  output: 2,
  name: 3,
  op_type: 4,
  attribute: 5,
  doc_string: 6,
  domain: 7,
} as const;

export const AttributeProto = {
  name: 1,
  f: 2,
  i: 3,
  s: 4,
  t: 5,
  g: 6,
  floats: 7,
  ints: 8,
  strings: 9,
  tensors: 10,
  graphs: 11,
  doc_string: 13,
  tp: 14,
  type_protos: 15,
  type: 20,
  ref_attr_name: 21,
  sparse_tensor: 22,
  sparse_tensors: 23,
} as const;

/** AttributeProto.AttributeType */
export const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export const ValueInfoProto = { name: 1, type: 2 } as const;
export const TypeProto = {
  tensor_type: 1,
  sequence_type: 4,
  map_type: 5,
  optional_type: 9,
  sparse_tensor_type: 8,
} as const;
export const TypeProtoTensor = { elem_type: 1, shape: 2 } as const;
export const TensorShapeProto = { dim: 1 } as const;
export const Dimension = { dim_value: 1, dim_param: 2 } as const;

export const TensorProto = {
  dims: 1,
  data_type: 2,
  segment: 3,
  float_data: 4,
  int32_data: 5,
  string_data: 6,
  int64_data: 7,
  name: 8,
  raw_data: 9,
  double_data: 10,
  uint64_data: 11,
  external_data: 13,
  data_location: 14,
} as const;

/** TensorProto.DataLocation */
export const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;

/** The opset scorekit's own nodes follow, and the IR version that goes with it. */
export const OPSET = 17;
export const IR_VERSION = 8;

/** The oldest and newest default-domain opsets an imported model may declare. */
export const MIN_IMPORT_OPSET = 13;
export const MAX_IMPORT_OPSET = 21;

/** The IR version a model of default-domain `opset` needs (onnx/docs/Versioning.md). */
export function irVersionForOpset(opset: number): number {
  if (opset <= 18) return IR_VERSION;
  if (opset <= 20) return 9;
  return 10;
}
