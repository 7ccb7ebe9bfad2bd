/** PNG encoding and decoding with pngjs (pure JavaScript, maintained). */
import { writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { readBytes } from './binary-file.ts';
import { DataFileError } from './data-file-error.ts';
import { toRgba, type Image } from './image.ts';

const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const; // grey, RGB, RGBA

/** PNG bytes of `image` (8-bit grey, RGB or RGBA, as given). */
export function encodePng(image: Image): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(toRgba(image));
  const buf = PNG.sync.write(png, { colorType: COLOR_TYPE[image.channels] });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Decodes PNG bytes to RGBA; `file` names the source in errors. */
export function decodePng(bytes: Uint8Array, file = '<buffer>'): Image {
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data) };
  } catch (e) {
    throw new DataFileError(file, `not a valid PNG (${(e as Error).message})`);
  }
}

/** Writes `image` to `path` as PNG. */
export async function writePng(path: string, image: Image): Promise<void> {
  await writeFile(path, encodePng(image));
}

/** Reads a PNG file as RGBA. */
export async function readPng(path: string): Promise<Image> {
  return decodePng(await readBytes(path), path);
}
