import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cifar10Source } from './cifar.ts';
import { testDir } from './test-dir.ts';

/** `n` CIFAR records: label (seed + i) % 10, red plane = i, green = 100, blue = 200 + pixel % 50. */
function batch(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const r = i * 3073;
    out[r] = (seed + i) % 10;
    out.fill(i, r + 1, r + 1025);
    out.fill(100, r + 1025, r + 2049);
    for (let p = 0; p < 1024; p++) out[r + 2049 + p] = 200 + (p % 50);
  }
  return out;
}

const root = testDir('cifar');
const dir = join(root, 'cifar-10-batches-bin');
mkdirSync(dir);
writeFileSync(join(dir, 'data_batch_1.bin'), batch(3, 0));
writeFileSync(join(dir, 'data_batch_2.bin'), batch(2, 5));
writeFileSync(join(dir, 'test_batch.bin'), batch(4, 1));
writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\n');

describe('CIFAR-10 binary', () => {
  it('reads the train batches in order as [3, 32, 32] with labels', async () => {
    const src = await cifar10Source(root, 'train');
    expect(src.size).toBe(5);
    expect(src.shape).toEqual([3, 32, 32]);
    expect(Array.from(src.labels!)).toEqual([0, 1, 2, 5, 6]);
    const x = await src.read([4]);
    expect(Math.round(x[0]! * 255)).toBe(1); // red plane of record 1 of batch 2
    expect(Math.round(x[1024]! * 255)).toBe(100);
    expect(Math.round(x[2048 + 51]! * 255)).toBe(201);
  });

  it('reads the test batch, all batches, or one file', async () => {
    expect((await cifar10Source(dir, 'test')).size).toBe(4);
    expect((await cifar10Source(dir, 'all')).size).toBe(9);
    expect((await cifar10Source(join(dir, 'test_batch.bin'))).labels![0]).toBe(1);
  });

  it('rejects truncated files and bad labels, naming the file', async () => {
    const cut = join(root, 'cut.bin');
    writeFileSync(cut, batch(2, 0).subarray(0, 5000));
    await expect(cifar10Source(cut)).rejects.toThrow(
      `${cut}: size 5000 bytes is not a positive multiple of the 3073-byte`,
    );
    const bad = join(root, 'bad.bin');
    const b = batch(2, 0);
    b[3073] = 42;
    writeFileSync(bad, b);
    await expect(cifar10Source(bad)).rejects.toThrow(
      `${bad}: record 1 has label 42; CIFAR-10 labels are 0-9`,
    );
  });

  it('explains how to get the data when a folder has no batches', async () => {
    const empty = testDir('cifar-empty');
    await expect(cifar10Source(empty)).rejects.toThrow(
      /no CIFAR-10 train batches .* found; download cifar-10-binary\.tar\.gz/,
    );
    await expect(cifar10Source(join(root, 'nope'))).rejects.toThrow(
      /nope: file or directory not found/,
    );
  });
});
