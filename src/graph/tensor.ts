import { allocTyped, type DType, type TypedArray, typedArrayFrom } from './dtype.ts';
import { numel, shapeToString } from './shape.ts';

/** A concrete tensor: element type, static shape and C-ordered data. */
export interface TensorData {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

/** Builds a TensorData, checking that the data length matches the shape. */
export function tensor(
  dtype: DType,
  shape: readonly number[],
  data?: ArrayLike<number> | TypedArray,
): TensorData {
  const n = numel(shape);
  const arr =
    data === undefined
      ? allocTyped(dtype, n)
      : isTypedOf(dtype, data)
        ? data
        : typedArrayFrom(dtype, data as ArrayLike<number>);
  if (arr.length !== n) {
    throw new Error(
      `tensor: ${dtype} data of length ${arr.length} does not match shape ${shapeToString(shape)} (${n} elements)`,
    );
  }
  return { dtype, shape: [...shape], data: arr };
}

function isTypedOf(dtype: DType, data: unknown): data is TypedArray {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'int64':
      return data instanceof BigInt64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'int8':
      return data instanceof Int8Array;
    case 'uint8':
    case 'bool':
      return data instanceof Uint8Array;
  }
}

/** The elements of a tensor as JS numbers. */
export function tensorValues(t: TensorData): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}
