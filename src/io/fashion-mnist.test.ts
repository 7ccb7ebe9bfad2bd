import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  FASHION_MNIST_DIR,
  fashionMnistFiles,
  fashionMnistInstalled,
  fashionMnistSource,
} from './fashion-mnist.ts';
import { testDir } from './test-dir.ts';

const installed = await fashionMnistInstalled();
if (!installed) {
  console.warn(
    `Fashion-MNIST not in ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist); skipping the full-data test`,
  );
}

function idx(shape: number[], fill: number): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, 8, shape.length]);
  shape.forEach((s, k) => new DataView(head.buffer).setUint32(4 + 4 * k, s, false));
  return gzipSync(Uint8Array.from([...head, ...new Uint8Array(n).fill(fill)]));
}

describe('Fashion-MNIST', () => {
  it.skipIf(!installed)(
    'reads the Debian package: 60,000 train and 10,000 test images',
    async () => {
      const train = await fashionMnistSource('train');
      const test = await fashionMnistSource('test');
      expect(train.size).toBe(60_000);
      expect(test.size).toBe(10_000);
      expect(train.shape).toEqual([1, 28, 28]);
      const counts = new Array<number>(10).fill(0);
      for (const l of test.labels!) counts[l]!++;
      expect(counts).toEqual(new Array(10).fill(1000));
    },
  );

  it('reads the same file layout from another directory', async () => {
    const dir = testDir('fashion');
    mkdirSync(dir, { recursive: true });
    const [img, lab] = fashionMnistFiles('test', dir);
    writeFileSync(img, idx([2, 28, 28], 255));
    writeFileSync(lab, idx([2], 3));
    const src = await fashionMnistSource('test', dir);
    expect(src.size).toBe(2);
    expect(Array.from(src.labels!)).toEqual([3, 3]);
    expect((await src.read([1]))[0]).toBe(1);
  });

  it('says how to install it when it is missing', async () => {
    const empty = join(testDir('fashion-missing'), 'none');
    await expect(fashionMnistSource('train', empty)).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: Fashion-MNIST is not installed: install it with `sudo apt-get install dataset-fashion-mnist`/,
    );
  });
});
