import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIdx, idxImageSource, readIdx } from './idx.ts';
import { testDir } from './test-dir.ts';

const dir = testDir('idx');

/** An IDX file of uint8 `data` with `shape`. */
function idxBytes(shape: number[], data: number[], type = 0x08): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, type, shape.length]);
  const view = new DataView(head.buffer);
  shape.forEach((s, k) => view.setUint32(4 + 4 * k, s, false));
  return Uint8Array.from([...head, ...data]);
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

// Three 2x3 images with pixel value 10 * image + position, labels 7, 0, 9.
const pixels = Array.from({ length: 18 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6));
const images = idxBytes([3, 2, 3], pixels);
const labels = idxBytes([3], [7, 0, 9]);

describe('IDX', () => {
  it('reads raw and gzip images with labels as [1, H, W] in [0, 1]', async () => {
    for (const [img, lab] of [
      [write('img', images), write('lab', labels)],
      [write('img.gz', gzipSync(images)), write('lab.gz', gzipSync(labels))],
    ] as const) {
      const src = await idxImageSource(img, lab);
      expect(src.size).toBe(3);
      expect(src.shape).toEqual([1, 2, 3]);
      expect(Array.from(src.labels!)).toEqual([7, 0, 9]);
      const x = await src.read([2, 0]);
      expect(Array.from(x.subarray(0, 6), (v) => Math.round(v * 255))).toEqual([
        20, 21, 22, 23, 24, 25,
      ]);
      expect(x[6]).toBe(0);
    }
  });

  it('decodes big-endian non-byte types', () => {
    const bytes = idxBytes([2], [0xff, 0xfe, 0x00, 0x10], 0x0b); // int16: -2, 16
    expect(Array.from(decodeIdx(bytes).data)).toEqual([-2, 16]);
  });

  it('rejects a wrong magic number, naming the file', async () => {
    const path = write('bad-magic', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
    await expect(readIdx(path)).rejects.toThrow(`${path}: wrong magic number 50 4b 03 04`);
  });

  it('rejects truncated data and headers with sizes', async () => {
    const cut = write('cut', images.subarray(0, images.length - 5));
    await expect(readIdx(cut)).rejects.toThrow(
      `${cut}: header says shape [3,2,3] (18 bytes of uint8) but 13 data bytes follow (truncated)`,
    );
    const head = write('head', images.subarray(0, 9));
    await expect(readIdx(head)).rejects.toThrow(`${head}: truncated IDX header`);
    const long = write('long', Uint8Array.from([...labels, 1]));
    await expect(readIdx(long)).rejects.toThrow(/trailing bytes/);
  });

  it('rejects a corrupt or truncated gzip stream', async () => {
    const gz = gzipSync(images);
    const path = write('cut.gz', gz.subarray(0, gz.length - 10));
    await expect(readIdx(path)).rejects.toThrow(`${path}: corrupt or truncated gzip data`);
  });

  it('rejects label counts that do not match the images', async () => {
    const lab = write('lab2', idxBytes([2], [1, 2]));
    await expect(idxImageSource(write('img3', images), lab)).rejects.toThrow(
      `${lab}: has 2 labels but`,
    );
  });

  it('rejects images that are not [N, H, W] bytes and missing files', async () => {
    const flat = write('flat', labels);
    await expect(idxImageSource(flat)).rejects.toThrow(
      `${flat}: expected uint8 images of shape [N, H, W], got uint8 of shape [3]`,
    );
    await expect(readIdx(join(dir, 'missing'))).rejects.toThrow(/missing: file not found/);
  });
});
