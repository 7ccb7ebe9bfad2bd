/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0, per numpy.lib.format): float32,
 * float64, uint8 and int32 arrays of any shape in C order, either byte order on read,
 * little-endian on write. What `np.save` writes we read, and `np.load` reads what we write.
 */
import { writeFile } from 'node:fs/promises';
import { readBytes } from './binary-file.ts';
import { DataFileError } from './data-file-error.ts';

/** Element types supported in `.npy` files. */
export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'int32';

/** Typed array for each {@link NpyDtype}. */
export interface NpyDataTypes {
  float32: Float32Array;
  float64: Float64Array;
  uint8: Uint8Array;
  int32: Int32Array;
}

/** An n-dimensional array in C (row-major) order. */
export type NpyArray = {
  [K in NpyDtype]: {
    readonly dtype: K;
    readonly shape: readonly number[];
    readonly data: NpyDataTypes[K];
  };
}[NpyDtype];

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<NpyDtype, string> = {
  float32: '<f4',
  float64: '<f8',
  uint8: '|u1',
  int32: '<i4',
};
const BYTES: Record<NpyDtype, number> = { float32: 4, float64: 8, uint8: 1, int32: 4 };

/** An {@link NpyArray} of `data` with `shape`, checking that the sizes agree. */
export function npyArray<K extends NpyDtype>(
  dtype: K,
  shape: readonly number[],
  data: NpyDataTypes[K],
): NpyArray {
  const n = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => !Number.isInteger(s) || s < 0) || n !== data.length) {
    throw new Error(`npyArray: shape [${shape}] holds ${n} elements but data has ${data.length}`);
  }
  return { dtype, shape, data } as NpyArray;
}

/** Serialises `array` as a `.npy` file (version 1.0, or 2.0 if the header needs it). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const padded = (pre: number): number => Math.ceil((pre + dict.length + 1) / 64) * 64;
  const v1 = padded(10) - 10 <= 65535;
  const pre = v1 ? 10 : 12;
  const total = padded(pre);
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(total + body.byteLength);
  out.set(MAGIC);
  out[6] = v1 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  if (!littleEndianHost()) throw new Error('encodeNpy: big-endian hosts are not supported');
  out.set(body, total);
  return out;
}

/** Parses a `.npy` file; `file` names it in errors. */
export function decodeNpy(bytes: Uint8Array, file = '<buffer>'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new DataFileError(file, 'not a .npy file (missing the \\x93NUMPY magic string)');
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3)
    throw new DataFileError(file, `unsupported .npy format version ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pre = major === 1 ? 10 : 12;
  const len =
    major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : Infinity;
  if (pre + len > bytes.length) throw new DataFileError(file, 'truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(pre, pre + len),
  );
  const { dtype, bigEndian, fortran, shape } = parseHeader(header, file);
  const n = shape.reduce((a, b) => a * b, 1);
  const need = n * BYTES[dtype];
  const have = bytes.length - pre - len;
  if (have !== need) {
    throw new DataFileError(
      file,
      `shape [${shape}] of ${dtype} needs ${need} data bytes but the file has ${have}` +
        (have < need ? ' (truncated)' : ''),
    );
  }
  const data = readData(bytes.subarray(pre + len), dtype, bigEndian, n);
  return npyArray(dtype, shape, fortran ? fortranToC(data, shape) : data);
}

function parseHeader(
  header: string,
  file: string,
): { dtype: NpyDtype; bigEndian: boolean; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([<>|=]?)([a-zA-Z]\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (descr === null || fortran === null || shapeMatch === null) {
    throw new DataFileError(file, `malformed .npy header: ${JSON.stringify(header.trim())}`);
  }
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((k) => DESCR[k].slice(1) === descr[2]);
  if (dtype === undefined) {
    throw new DataFileError(
      file,
      `unsupported dtype '${descr[1]}${descr[2]}'; supported: f4, f8, u1, i4`,
    );
  }
  const shape = shapeMatch[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new DataFileError(file, `malformed shape (${shapeMatch[1]}) in .npy header`);
  }
  return { dtype, bigEndian: descr[1] === '>', fortran: fortran[1] === 'True', shape };
}

function readData(
  body: Uint8Array,
  dtype: NpyDtype,
  bigEndian: boolean,
  n: number,
): NpyArray['data'] {
  // A copy into a fresh, aligned buffer (Buffer.slice would return a view into a shared pool).
  const copy = new Uint8Array(body);
  if (dtype === 'uint8') return copy;
  if (bigEndian === !littleEndianHost()) {
    return dtype === 'float32'
      ? new Float32Array(copy.buffer, 0, n)
      : dtype === 'float64'
        ? new Float64Array(copy.buffer, 0, n)
        : new Int32Array(copy.buffer, 0, n);
  }
  const view = new DataView(copy.buffer);
  const le = !bigEndian;
  if (dtype === 'float64')
    return Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, le));
  if (dtype === 'float32')
    return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, le));
  return Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, le));
}

/** The elements of a Fortran-order (column-major) array rearranged into C order. */
function fortranToC<T extends NpyArray['data']>(data: T, shape: readonly number[]): T {
  const out = data.slice() as T;
  const idx = shape.map(() => 0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let k = 0, stride = 1; k < shape.length; k++) {
      f += idx[k]! * stride;
      stride *= shape[k]!;
    }
    out[c] = data[f]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Reads a `.npy` file. */
export async function readNpy(path: string): Promise<NpyArray> {
  return decodeNpy(await readBytes(path), path);
}

/** Writes `array` to `path` as `.npy`. */
export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  await writeFile(path, encodeNpy(array));
}
