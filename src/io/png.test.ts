import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gaussianMixture } from '../data/toys/gaussian-mixture.ts';
import { writeImageGrid, writeScatterPlot } from './figures.ts';
import { imageGrid } from './image-grid.ts';
import { decodePng, encodePng, readPng, writePng } from './png.ts';
import { scatterPlot } from './scatter-plot.ts';
import { testDir } from './test-dir.ts';

describe('PNG', () => {
  it('decodes what it encodes, for grey, RGB and RGBA', () => {
    for (const channels of [1, 3, 4] as const) {
      const data = Uint8Array.from({ length: 5 * 3 * channels }, (_, i) => (i * 37) % 256);
      const back = decodePng(encodePng({ width: 5, height: 3, channels, data }));
      expect([back.width, back.height]).toEqual([5, 3]);
      for (let p = 0; p < 15; p++) {
        const want =
          channels === 1
            ? [data[p]!, data[p]!, data[p]!]
            : Array.from(data.subarray(p * channels, p * channels + 3));
        expect(Array.from(back.data.subarray(4 * p, 4 * p + 3))).toEqual(want);
        expect(back.data[4 * p + 3]).toBe(channels === 4 ? data[4 * p + 3] : 255);
      }
    }
  });

  it('rejects a corrupted PNG, naming the file', async () => {
    const bytes = encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(12) });
    expect(() => decodePng(bytes.subarray(0, 30), 'cut.png')).toThrow(/^cut\.png: not a valid PNG/);
    const path = join(testDir('png'), 'g.png');
    await writePng(path, { width: 1, height: 1, channels: 1, data: Uint8Array.from([9]) });
    expect((await readPng(path)).data[0]).toBe(9);
  });
});

describe('imageGrid', () => {
  it('tiles images with padding and a chosen number of columns', () => {
    // 5 RGB 2x3 images in [-1, 1]; image i is constant (i - 2) / 2.
    const x = Float32Array.from({ length: 5 * 3 * 2 * 3 }, (_, k) => (Math.floor(k / 18) - 2) / 2);
    const g = imageGrid(x, [5, 3, 2, 3], { columns: 2, padding: 1, padValue: 7, range: [-1, 1] });
    expect([g.width, g.height, g.channels]).toEqual([2 * 4 + 1, 3 * 3 + 1, 3]);
    const px = (x0: number, y0: number): number[] =>
      Array.from(g.data.subarray((y0 * g.width + x0) * 3, (y0 * g.width + x0) * 3 + 3));
    expect(px(0, 0)).toEqual([7, 7, 7]);
    expect(px(1, 1)).toEqual([0, 0, 0]); // image 0: value -1
    expect(px(5, 1)).toEqual([64, 64, 64]); // image 1: -0.5 -> round(0.25 * 255)
    expect(px(1, 7)).toEqual([255, 255, 255]); // image 4 in row 2: value 1
    expect(px(5, 7)).toEqual([7, 7, 7]); // empty last cell
    const back = decodePng(encodePng(g));
    expect(back.data[(7 * g.width + 1) * 4]).toBe(255);
  });

  it('clips out-of-range values and refuses other channel counts', () => {
    const g = imageGrid(Float32Array.from([-3, 0.5, 9, NaN]), [4, 1, 1, 1], {
      padding: 0,
      columns: 4,
    });
    expect(Array.from(g.data)).toEqual([0, 128, 255, 0]);
    expect(() => imageGrid(new Float32Array(8), [1, 2, 2, 2])).toThrow(/1 or 3 channels/);
  });
});

describe('scatterPlot', () => {
  it('draws points over a density heat map that is brightest at the mode', () => {
    const g = gaussianMixture({ means: [[1, 1]], scales: 0.5 });
    const img = scatterPlot(Float32Array.from([-1.5, -1.5]), {
      box: [-2, 2],
      size: 64,
      logDensity: g.logDensity!,
      pointRadius: 2,
      pointColor: [255, 0, 0],
    });
    const px = (x: number, y: number): number[] =>
      Array.from(img.data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
    const mode = px(48, 16); // (1, 1) with y up
    const far = px(2, 62);
    expect(mode[1]!).toBeGreaterThan(200); // viridis yellow
    expect(far).toEqual([68, 1, 84]); // viridis at 0
    expect(px(8, 56)).toEqual([255, 0, 0]); // the point (-1.5, -1.5)
    expect(decodePng(encodePng(img)).width).toBe(64);
  });
});

describe('figure files', () => {
  it('writes a grid PNG and a scatter PNG that read back', async () => {
    const dir = testDir('figures');
    await writeImageGrid(join(dir, 'g.png'), new Float32Array(4 * 9).fill(1), [4, 1, 3, 3], {
      columns: 4,
      scale: 1,
    });
    const g = await readPng(join(dir, 'g.png'));
    expect([g.width, g.height]).toEqual([4 * 5 + 2, 7]);
    await writeScatterPlot(join(dir, 's.png'), [0, 0], { size: 16 });
    expect((await readPng(join(dir, 's.png'))).height).toBe(16);
  });
});

describe('grid scaling', () => {
  it('upscales each pixel to a k x k block, and small images by default when written', async () => {
    const x = new Float32Array([0, 1, 1, 0]); // one 2x2 image
    const g = imageGrid(x, [1, 1, 2, 2], { scale: 3, padding: 0 });
    expect([g.width, g.height]).toEqual([6, 6]);
    expect(g.data[0]).toBe(0);
    expect(g.data[2]).toBe(0);
    expect(g.data[3]).toBe(255);
    expect(g.data[3 * 6]).toBe(255); // row 3 is the image's second row: 1, 0
    expect(g.data[3 * 6 + 3]).toBe(0);
    const dir = testDir('grid-scale');
    await writeImageGrid(join(dir, 'm.png'), new Float32Array(28 * 28), [1, 1, 28, 28], {
      padding: 0,
    });
    expect((await readPng(join(dir, 'm.png'))).width).toBe(84);
  });
});
