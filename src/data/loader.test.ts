import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { DataLoader } from './loader.ts';
import { arraySource } from './source.ts';
import { twoMoons } from './toys/two-moons.ts';
import { scaleTo } from './transforms/scale.ts';

/** 103 items of shape [2] whose values are (i, -i), labelled i. */
const source = arraySource(
  'ids',
  Float32Array.from({ length: 206 }, (_, k) => (k % 2 === 0 ? k / 2 : -(k - 1) / 2)),
  [2],
  [-103, 103],
  Int32Array.from({ length: 103 }, (_, i) => i),
);

async function collect<T>(it: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('DataLoader', () => {
  it('splits held-out items off and never trains on them', async () => {
    const loader = new DataLoader(source, { batchSize: 10, heldOut: 0.2 }, new Rng(1));
    expect(loader.heldOutSize).toBe(21);
    expect(loader.trainSize).toBe(82);
    const { train, heldOut } = loader.split();
    expect(new Set([...train, ...heldOut]).size).toBe(103);
    const seen = (await collect(loader.epoch())).flatMap((b) => Array.from(b.labels!));
    expect(seen.length).toBe(80); // 8 full batches, last partial dropped
    expect(seen.every((i) => !heldOut.includes(i))).toBe(true);
    const held = (await collect(loader.heldOut(8))).flatMap((b) => Array.from(b.labels!));
    expect(held.sort((a, b) => a - b)).toEqual(Array.from(heldOut));
  });

  it('keeps items and labels together, shuffles differently each epoch, reproducibly', async () => {
    const a = new DataLoader(source, { batchSize: 103, dropLast: false }, new Rng(7));
    const [e1] = await collect(a.epoch());
    const [e2] = await collect(a.epoch());
    e1!.labels!.forEach((l, k) => expect(e1!.x[2 * k]).toBe(l));
    expect(Array.from(e1!.labels!).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 103 }, (_, i) => i),
    );
    expect(e1!.labels).not.toEqual(e2!.labels);
    const b = new DataLoader(source, { batchSize: 103, dropLast: false }, new Rng(7));
    expect((await collect(b.epoch()))[0]!.labels).toEqual(e1!.labels);
  });

  it('keeps a partial last batch when dropLast is false', async () => {
    const loader = new DataLoader(source, { batchSize: 25, dropLast: false }, new Rng(0));
    expect(loader.batchesPerEpoch).toBe(5);
    expect((await collect(loader.epoch())).map((b) => b.shape[0])).toEqual([25, 25, 25, 25, 3]);
  });

  it('applies the transform to training batches only', async () => {
    const t = scaleTo([0, 1], [0, 2]);
    const loader = new DataLoader(source, { batchSize: 4, heldOut: 4, transform: t }, new Rng(0));
    const [b] = await collect(loader.epoch());
    expect(b!.x[0]).toBe(2 * b!.labels![0]!);
    const [h] = await collect(loader.heldOut());
    expect(h!.x[0]).toBe(h!.labels![0]!);
  });

  it('streams epochs endlessly with their numbers', async () => {
    const loader = new DataLoader(source, { batchSize: 50 }, new Rng(0));
    const epochs: number[] = [];
    for await (const { epoch } of loader.batches()) {
      epochs.push(epoch);
      if (epochs.length === 5) break;
    }
    expect(epochs).toEqual([0, 0, 1, 1, 2]);
  });

  it('samples distributions afresh with a fixed held-out set', async () => {
    const loader = new DataLoader(
      twoMoons(),
      { batchSize: 64, epochSize: 256, heldOut: 100 },
      new Rng(2),
    );
    const batches = await collect(loader.epoch());
    expect(batches.map((b) => b.shape)).toEqual(Array(2).fill([64, 2]));
    expect(batches[0]!.x).not.toEqual(batches[1]!.x);
    const h1 = (await collect(loader.heldOut(1000)))[0]!;
    const h2 = (await collect(loader.heldOut(1000)))[0]!;
    expect(h1.shape).toEqual([100, 2]);
    expect(h1.x).toEqual(h2.x);
  });

  it('reads only one batch (plus one prefetched) at a time', async () => {
    const reads: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const lazy = {
      ...source,
      read: async (indices: ArrayLike<number>): Promise<Float32Array> => {
        reads.push(indices.length);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        const x = await source.read(indices);
        inFlight--;
        return x;
      },
    };
    const loader = new DataLoader(lazy, { batchSize: 16 }, new Rng(0));
    for await (const _ of loader.epoch()) await new Promise((r) => setTimeout(r, 1));
    expect(reads).toEqual(new Array(6).fill(16));
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  it('rejects bad options', () => {
    expect(() => new DataLoader(source, { batchSize: 0 }, new Rng(0))).toThrow(/batchSize/);
    expect(() => new DataLoader(source, { batchSize: 1, heldOut: 103 }, new Rng(0))).toThrow(
      /heldOut/,
    );
    expect(() => new DataLoader(source, { batchSize: 200 }, new Rng(0))).toThrow(
      /fewer than one batch/,
    );
  });
});
