/**
 * IDX files, the format of MNIST and Fashion-MNIST (LeCun et al. 1998;
 * http://yann.lecun.com/exdb/mnist/): a magic number 00 00 TT DD (TT the element type, DD
 * the number of dimensions), DD big-endian uint32 sizes, then the data, big-endian.
 * Raw or gzip-compressed files are both read.
 */
import { uint8ImageSource } from '../data/uint8-source.ts';
import type { FiniteSource } from '../data/source.ts';
import { gunzipIfNeeded, readBytes } from './binary-file.ts';
import { DataFileError } from './data-file-error.ts';

/** IDX element types by type code. */
const TYPES = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
} as const;

/** A decoded IDX array: uint8 data stays bytes, other types become float64. */
export interface IdxArray {
  readonly dtype: (typeof TYPES)[keyof typeof TYPES]['dtype'];
  readonly shape: readonly number[];
  readonly data: Uint8Array | Float64Array;
}

/** Decodes an IDX file (gunzipping first if needed); `file` names it in errors. */
export function decodeIdx(raw: Uint8Array, file = '<buffer>'): IdxArray {
  const bytes = gunzipIfNeeded(raw, file);
  const type = TYPES[bytes[2] as keyof typeof TYPES] as
    (typeof TYPES)[keyof typeof TYPES] | undefined;
  const ndim = bytes[3] ?? 0;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || ndim === 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(
      ' ',
    );
    throw new DataFileError(
      file,
      `wrong magic number ${magic || '(empty file)'}; an IDX file starts 00 00 <type 08-0e> <ndim>`,
    );
  }
  if (bytes.length < 4 + 4 * ndim) throw new DataFileError(file, 'truncated IDX header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k, false));
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * ndim;
  const need = n * type.bytes;
  const have = bytes.length - offset;
  if (have !== need) {
    throw new DataFileError(
      file,
      `header says shape [${shape}] (${need} bytes of ${type.dtype}) but ${have} data bytes follow` +
        (have < need ? ' (truncated)' : ' (trailing bytes)'),
    );
  }
  return { dtype: type.dtype, shape, data: readValues(view, offset, n, type.dtype, bytes) };
}

function readValues(
  view: DataView,
  offset: number,
  n: number,
  dtype: IdxArray['dtype'],
  bytes: Uint8Array,
): Uint8Array | Float64Array {
  if (dtype === 'uint8') return bytes.slice(offset, offset + n);
  const get: Record<Exclude<IdxArray['dtype'], 'uint8'>, (i: number) => number> = {
    int8: (i) => view.getInt8(offset + i),
    int16: (i) => view.getInt16(offset + 2 * i, false),
    int32: (i) => view.getInt32(offset + 4 * i, false),
    float32: (i) => view.getFloat32(offset + 4 * i, false),
    float64: (i) => view.getFloat64(offset + 8 * i, false),
  };
  return Float64Array.from({ length: n }, (_, i) => get[dtype](i));
}

/** Reads and decodes an IDX file. */
export async function readIdx(path: string): Promise<IdxArray> {
  return decodeIdx(await readBytes(path), path);
}

/**
 * A finite source over IDX images (`[N, H, W]` uint8 -> items `[1, H, W]` in [0, 1]), with
 * labels from an optional IDX label file (`[N]` uint8).
 */
export async function idxImageSource(
  imagesPath: string,
  labelsPath?: string,
  name = 'idx',
): Promise<FiniteSource> {
  const images = await readIdx(imagesPath);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataFileError(
      imagesPath,
      `expected uint8 images of shape [N, H, W], got ${images.dtype} of shape [${images.shape}]`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  const labels =
    labelsPath === undefined ? undefined : await readIdxLabels(labelsPath, n, imagesPath);
  return uint8ImageSource(`${name} (${imagesPath})`, images.data as Uint8Array, [1, h, w], labels);
}

async function readIdxLabels(path: string, count: number, imagesPath: string): Promise<Int32Array> {
  const labels = await readIdx(path);
  if (labels.shape.length !== 1 || labels.dtype !== 'uint8') {
    throw new DataFileError(
      path,
      `expected uint8 labels of shape [N], got ${labels.dtype} of shape [${labels.shape}]`,
    );
  }
  if (labels.shape[0] !== count) {
    throw new DataFileError(
      path,
      `has ${labels.shape[0]} labels but ${imagesPath} has ${count} images`,
    );
  }
  return Int32Array.from(labels.data);
}
