/** Element types of graph values, and their ONNX TensorProto.DataType codes. */

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

export type TypedArray =
  Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

/** ONNX TensorProto.DataType enum values (onnx.proto). */
export const ONNX_DTYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** The DType of an ONNX TensorProto.DataType code; throws on unsupported codes. */
export function dtypeFromOnnx(code: number, where: string): DType {
  for (const [k, v] of Object.entries(ONNX_DTYPE)) if (v === code) return k as DType;
  throw new Error(`${where}: unsupported ONNX element type ${code}`);
}

/** True for float32 and float64, the types that carry gradients. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** A typed array of the right kind for `dtype`, holding `values`. */
export function typedArrayFrom(dtype: DType, values: ArrayLike<number> | number): TypedArray {
  const n = typeof values === 'number' ? values : values.length;
  const out = allocTyped(dtype, n);
  if (typeof values !== 'number') {
    if (out instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = BigInt(values[i]!);
    else for (let i = 0; i < n; i++) out[i] = values[i]!;
  }
  return out;
}

/** The typed-array class that holds each dtype (bool as uint8, 0 or 1). */
const ARRAY_CLASS: Readonly<
  Record<
    DType,
    {
      new (n: number): TypedArray;
      new (buffer: ArrayBuffer): TypedArray;
      readonly BYTES_PER_ELEMENT: number;
    }
  >
> = {
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int8: Int8Array,
};

/** A zero-filled typed array of `n` elements for `dtype`. */
export function allocTyped(dtype: DType, n: number): TypedArray {
  return new ARRAY_CLASS[dtype](n);
}

/** A typed array for `dtype` over all of `buffer` (native, i.e. little-endian, byte order). */
export function typedArrayOver(dtype: DType, buffer: ArrayBuffer): TypedArray {
  return new ARRAY_CLASS[dtype](buffer);
}

/** Reads element `i` of a typed array as a JS number. */
export function elementAsNumber(a: TypedArray, i: number): number {
  return Number(a[i]!);
}

/** Bytes per element. */
export function dtypeSize(dtype: DType): number {
  return ARRAY_CLASS[dtype].BYTES_PER_ELEMENT;
}
