/**
 * safetensors (Hugging Face): an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian data. Used for
 * checkpoints, so parameters open in Python with `safetensors.numpy.load_file`.
 */
import { DataFileError } from './data-file-error.ts';

/** A float32 tensor by name. */
export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Encodes float32 tensors and string metadata. */
export function encodeSafetensors(
  tensors: Readonly<Record<string, NamedTensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new Error(
        `safetensors: tensor "${name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`,
      );
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Decodes a safetensors file holding float32 tensors; errors name `file`. */
export function decodeSafetensors(
  bytes: Uint8Array,
  file = '<buffer>',
): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8)
    throw new DataFileError(
      file,
      `truncated: ${bytes.length} bytes, a safetensors file has at least 8`,
    );
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length)
    throw new DataFileError(
      file,
      `header length ${n} runs past the end of the file (${bytes.length} bytes)`,
    );
  let header: Record<
    string,
    { dtype?: string; shape?: number[]; data_offsets?: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as typeof header;
  } catch {
    throw new DataFileError(file, 'the header is not valid JSON (not a safetensors file?)');
  }
  const body = bytes.subarray(8 + n);
  const tensors: Record<string, NamedTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = info as Record<string, string>;
      continue;
    }
    const t = info as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (t.dtype !== 'F32')
      throw new DataFileError(
        file,
        `tensor "${name}" has dtype ${String(t.dtype)}; only F32 is supported`,
      );
    const [begin, end] = t.data_offsets ?? [0, -1];
    const count = (t.shape ?? []).reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * count || end > body.length) {
      throw new DataFileError(
        file,
        `tensor "${name}": byte range [${begin}, ${end}) does not fit shape [${(t.shape ?? []).join(', ')}] in ${body.length} data bytes`,
      );
    }
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(body.subarray(begin, end));
    tensors[name] = { shape: t.shape ?? [], data };
  }
  return { tensors, metadata };
}
