import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { imageFolderSource, listImages } from './image-folder.ts';
import { testDir } from './test-dir.ts';

/** A `w` x `h` image, left half colour `a`, right half colour `b`. */
async function halves(
  w: number,
  h: number,
  a: number[],
  b: number[],
  format: 'png' | 'jpeg',
): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set(x < w / 2 ? a : b, (y * w + x) * 3);
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

const root = testDir('images');
mkdirSync(join(root, 'cats', 'deep'), { recursive: true });
mkdirSync(join(root, 'dogs'));
writeFileSync(join(root, 'cats', 'a.png'), await halves(40, 20, [255, 0, 0], [0, 0, 255], 'png'));
writeFileSync(
  join(root, 'cats', 'deep', 'b.PNG'),
  await halves(8, 8, [0, 255, 0], [0, 255, 0], 'png'),
);
writeFileSync(
  join(root, 'dogs', 'c.jpg'),
  await halves(16, 16, [200, 200, 200], [200, 200, 200], 'jpeg'),
);
writeFileSync(join(root, '.DS_Store'), 'junk');

describe('image folder', () => {
  it('lists images recursively in a stable order, labelled by subfolder', async () => {
    const src = await imageFolderSource(root, { size: 8 });
    expect(src.size).toBe(3);
    expect(src.shape).toEqual([3, 8, 8]);
    expect(Array.from(src.labels!)).toEqual([0, 0, 1]);
  });

  it('center-crops with cover, stretches with fill, and converts to [C, H, W]', async () => {
    const cover = await imageFolderSource(root, { size: 8, fit: 'cover' });
    const x = await cover.read([0]); // 40x20 -> 16x8 -> centre 8x8: left half red, right half blue
    expect(x[0]).toBeCloseTo(1, 2); // red channel, left pixel
    expect(x[7]).toBeCloseTo(0, 2); // red channel, right pixel
    expect(x[128 + 7]).toBeCloseTo(1, 2); // blue channel, right pixel
    const fill = await imageFolderSource(root, { size: [4, 6], fit: 'fill', channels: 1 });
    expect(fill.shape).toEqual([1, 4, 6]);
    const g = await fill.read([2]);
    expect(g[0]).toBeCloseTo(200 / 255, 1);
  });

  it('crops without scaling and rejects images smaller than the crop', async () => {
    const crop = await imageFolderSource(join(root, 'cats', 'deep'), { size: 4, fit: 'crop' });
    expect(Array.from(await crop.read([0])).slice(0, 4)).toEqual([0, 0, 0, 0]);
    await expect(
      imageFolderSource(join(root, 'cats', 'deep'), { size: 9, fit: 'crop' }),
    ).rejects.toThrow(/b\.PNG: cannot decode image: image is 8x8, smaller than the 9x9 crop/);
  });

  it('decodes lazily: a corrupt image fails only when read, naming it', async () => {
    const dir = testDir('images-lazy');
    writeFileSync(join(dir, 'a.png'), await halves(4, 4, [1, 2, 3], [1, 2, 3], 'png'));
    writeFileSync(join(dir, 'b.png'), 'this is not a png');
    const src = await imageFolderSource(dir, { size: 4 });
    expect(src.size).toBe(2);
    await src.read([0]);
    await expect(src.read([1])).rejects.toThrow(
      /b\.png: cannot decode image: .*unsupported image format/,
    );
  });

  it('rejects truncated images', async () => {
    const dir = testDir('images-trunc');
    const png = await halves(32, 32, [9, 9, 9], [250, 1, 1], 'png');
    writeFileSync(join(dir, 't.png'), png.subarray(0, 60));
    await expect(imageFolderSource(dir, { size: 4 })).rejects.toThrow(
      /t\.png: cannot decode image/,
    );
  });

  it('rejects empty folders and non-image files mixed in, unless told to skip them', async () => {
    const empty = testDir('images-empty');
    await expect(listImages(empty)).rejects.toThrow(
      `${empty}: no PNG or JPEG images found (searched recursively)`,
    );
    const mixed = testDir('images-mixed');
    writeFileSync(join(mixed, 'a.png'), await halves(4, 4, [0, 0, 0], [0, 0, 0], 'png'));
    writeFileSync(join(mixed, 'notes.txt'), 'hello');
    await expect(listImages(mixed)).rejects.toThrow(
      `${mixed}: 1 non-image file(s) mixed in (notes.txt)`,
    );
    expect(await listImages(mixed, 'skip')).toEqual([join(mixed, 'a.png')]);
    await expect(listImages(join(mixed, 'nope'))).rejects.toThrow(/nope: image folder not found/);
  });
});
