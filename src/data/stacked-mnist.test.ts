import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { arraySource } from './source.ts';
import { stackedMnist, stackedMnistMode } from './stacked-mnist.ts';

/** 30 fake 2x2 "digits": digit i has label i % 10 and every pixel equal to i. */
const base = arraySource(
  'fake',
  Float32Array.from({ length: 120 }, (_, k) => Math.floor(k / 4)),
  [1, 2, 2],
  [0, 30],
  Int32Array.from({ length: 30 }, (_, i) => i % 10),
);

describe('stackedMnist', () => {
  it('stacks three digits as channels and labels them with the mode id', async () => {
    const s = stackedMnist(base, 500, new Rng(1));
    expect(s.shape).toEqual([3, 2, 2]);
    const x = await s.read([0, 499]);
    for (const [k, i] of [0, 499].entries()) {
      const digits = [0, 1, 2].map((c) => x[k * 12 + c * 4]!);
      for (const [c, d] of digits.entries())
        expect(Array.from(x.subarray(k * 12 + c * 4, k * 12 + c * 4 + 4))).toEqual([d, d, d, d]);
      expect(s.labels![i]).toBe(
        stackedMnistMode(digits[0]! % 10, digits[1]! % 10, digits[2]! % 10),
      );
    }
  });

  it('mode ids cover all 1000 values', () => {
    const s = stackedMnist(base, 20_000, new Rng(2));
    const modes = new Set(s.labels);
    expect(modes.size).toBe(1000);
    expect(Math.min(...modes)).toBe(0);
    expect(Math.max(...modes)).toBe(999);
  });

  it('needs labelled single-channel digits', () => {
    const rgb = arraySource('rgb', new Float32Array(12), [3, 2, 2], [0, 1], Int32Array.from([0]));
    expect(() => stackedMnist(rgb, 5, new Rng(0))).toThrow(/single-channel/);
    expect(() => stackedMnist(base, 0, new Rng(0))).toThrow(/size/);
  });
});
