/**
 * Decoding of ONNX TensorProto messages (initializers and tensor attributes) into
 * {@link TensorData}: raw little-endian bytes or the typed repeated fields.
 */
import {
  allocTyped,
  type DType,
  dtypeFromOnnx,
  dtypeSize,
  type TypedArray,
  typedArrayOver,
} from '../dtype.ts';
import { numel, shapeToString } from '../shape.ts';
import type { TensorData } from '../tensor.ts';
import * as S from './schema.ts';
import {
  asBigIntList,
  asBytes,
  asFloat64List,
  asFloatList,
  asInt,
  asIntList,
  fieldsNumbered,
  intField,
  lastField,
  type ProtoField,
  readFields,
  stringField,
} from './wire.ts';

/** A decoded tensor and the name it had in the file ('' for attribute tensors). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: TensorData;
}

/** Thrown for a tensor whose element type scorekit cannot hold (float16, string...). */
export class UnsupportedTensorError extends Error {
  override name = 'UnsupportedTensorError';
}

/**
 * Decodes one TensorProto. `where` names it in error messages. Throws for external data
 * (a clear message telling how to embed it) and for unsupported element types.
 */
export function decodeTensor(bytes: Uint8Array, where: string): NamedTensor {
  const fields = readFields(bytes, where);
  const name = stringField(fields, S.TensorProto.name);
  const label = name ? `${where} "${name}"` : where;
  checkEmbedded(fields, label);
  if (lastField(fields, S.TensorProto.segment))
    throw new Error(`${label}: segmented tensors are not supported`);
  const shape = asIntList(fieldsNumbered(fields, S.TensorProto.dims));
  const code = intField(fields, S.TensorProto.data_type);
  let dtype: DType;
  try {
    dtype = dtypeFromOnnx(code, label);
  } catch (e) {
    throw new UnsupportedTensorError((e as Error).message);
  }
  const n = numel(shape);
  const data = decodeData(fields, dtype, label);
  if (data.length !== n) {
    throw new Error(
      `${label}: holds ${data.length} ${dtype} elements but its shape ${shapeToString(shape)} needs ${n}`,
    );
  }
  return { name, tensor: { dtype, shape, data } };
}

function checkEmbedded(fields: readonly ProtoField[], label: string): void {
  const loc = lastField(fields, S.TensorProto.data_location);
  const external =
    fieldsNumbered(fields, S.TensorProto.external_data).length > 0 ||
    (loc !== undefined && asInt(loc) === S.DataLocation.EXTERNAL);
  if (external) {
    throw new Error(
      `${label} keeps its data in an external file; scorekit reads single-file models: ` +
        're-save with onnx.save_model(model, path, save_as_external_data=False)',
    );
  }
}

function decodeData(fields: readonly ProtoField[], dtype: DType, label: string): TypedArray {
  const raw = lastField(fields, S.TensorProto.raw_data);
  if (raw) return fromRaw(asBytes(raw), dtype, label);
  const typed = (field: number) => fieldsNumbered(fields, field);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(asFloatList(typed(S.TensorProto.float_data)));
    case 'float64':
      return Float64Array.from(asFloat64List(typed(S.TensorProto.double_data)));
    case 'int64':
      return BigInt64Array.from(asBigIntList(typed(S.TensorProto.int64_data)));
    case 'int32':
    case 'int8':
    case 'uint8':
    case 'bool': {
      const values = asIntList(typed(S.TensorProto.int32_data));
      const out = allocTyped(dtype, values.length) as Int32Array | Int8Array | Uint8Array;
      values.forEach((v, i) => (out[i] = dtype === 'bool' ? Number(v !== 0) : v));
      return out;
    }
  }
}

/** Little-endian raw bytes as a typed array (copied, so it is aligned and owned). */
function fromRaw(raw: Uint8Array, dtype: DType, label: string): TypedArray {
  const size = dtypeSize(dtype);
  if (raw.length % size !== 0) {
    throw new Error(`${label}: raw_data of ${raw.length} bytes is not a whole number of ${dtype}`);
  }
  // A copy, even when `raw` is a Node Buffer view.
  return typedArrayOver(dtype, new Uint8Array(raw).buffer);
}
