/** Reading whole files as bytes, with errors that name the file and gzip handled transparently. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from './data-file-error.ts';

/** The bytes of `path`; a missing or unreadable file becomes a {@link DataFileError}. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, expected a file'
          : String(e);
    throw new DataFileError(path, why);
  }
}

/** Whether `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes`, gunzipped when they are gzip; a truncated or corrupt stream names `file`. */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DataFileError(file, `corrupt or truncated gzip data (${(e as Error).message})`);
  }
}
