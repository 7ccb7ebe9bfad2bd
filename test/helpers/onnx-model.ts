/**
 * Hand-written ONNX ModelProto bytes for import tests: files with features scorekit's own
 * export never writes (old opsets, external data, typed tensor fields, subgraphs).
 */
import { ONNX_DTYPE, type DType } from '../../src/graph/dtype.ts';
import * as S from '../../src/graph/onnx/schema.ts';
import { ProtoWriter } from '../../src/graph/onnx/wire.ts';

export interface RawModelSpec {
  readonly opset: number;
  readonly irVersion?: number;
  /** Writes the GraphProto's fields. */
  readonly graph: (g: ProtoWriter) => void;
}

/** ModelProto bytes with one default-domain opset import. */
export function rawModel(spec: RawModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(S.ModelProto.ir_version, spec.irVersion ?? 8);
  w.message(S.ModelProto.opset_import, (o) =>
    o.string(S.OperatorSetIdProto.domain, '').int(S.OperatorSetIdProto.version, spec.opset),
  );
  w.message(S.ModelProto.graph, spec.graph);
  return w.finish();
}

/** Adds a tensor ValueInfoProto (graph input, output or value_info) to `g`. */
export function valueInfo(
  g: ProtoWriter,
  field: number,
  name: string,
  dtype: DType,
  dims: readonly (number | string)[],
): void {
  g.message(field, (m) =>
    m.string(S.ValueInfoProto.name, name).message(S.ValueInfoProto.type, (t) =>
      t.message(S.TypeProto.tensor_type, (tt) =>
        tt
          .int(S.TypeProtoTensor.elem_type, ONNX_DTYPE[dtype])
          .message(S.TypeProtoTensor.shape, (s) => {
            for (const d of dims) {
              s.message(S.TensorShapeProto.dim, (x) =>
                typeof d === 'number'
                  ? x.int(S.Dimension.dim_value, d)
                  : x.string(S.Dimension.dim_param, d),
              );
            }
          }),
      ),
    ),
  );
}

/** Adds a NodeProto; `attrs` writes its attributes. */
export function node(
  g: ProtoWriter,
  op: string,
  name: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs?: (m: ProtoWriter) => void,
): void {
  g.message(S.GraphProto.node, (m) => {
    for (const i of inputs) m.string(S.NodeProto.input, i);
    for (const o of outputs) m.string(S.NodeProto.output, o);
    m.string(S.NodeProto.name, name).string(S.NodeProto.op_type, op);
    attrs?.(m);
  });
}

/** Adds an initializer whose TensorProto fields `body` writes (after name and dims). */
export function initializer(
  g: ProtoWriter,
  name: string,
  dtype: DType,
  dims: readonly number[],
  body: (t: ProtoWriter) => void,
): void {
  g.message(S.GraphProto.initializer, (t) => {
    for (const d of dims) t.int(S.TensorProto.dims, d);
    t.int(S.TensorProto.data_type, ONNX_DTYPE[dtype]).string(S.TensorProto.name, name);
    body(t);
  });
}
