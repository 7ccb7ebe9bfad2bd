/** Reading an ONNX model file, with one-line errors that name it (missing, directory, empty). */
import { readFile } from 'node:fs/promises';

/** The bytes of the `.onnx` file at `path`. */
export async function readOnnxFile(path: string): Promise<Uint8Array> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`model file not found: ${path}`, { cause: e });
    if (code === 'EISDIR') throw new Error(`model file is a directory: ${path}`, { cause: e });
    throw new Error(`cannot read model file ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (buf.byteLength === 0) throw new Error(`model file is empty: ${path}`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
