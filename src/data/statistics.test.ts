import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { exactMax, maxPairwiseDistance } from './max-pairwise-distance.ts';
import { arraySource } from './source.ts';
import { dataStatistics } from './statistics.ts';
import { eightGaussians } from './toys/eight-gaussians.ts';

function bruteForceMax(x: Float32Array, n: number, d: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k]! - x[j * d + k]!) ** 2;
      best = Math.max(best, Math.sqrt(s));
    }
  }
  return best;
}

describe('largest pairwise distance', () => {
  it('is exact for small sets', async () => {
    const x = new Rng(1).fillNormal(new Float32Array(300 * 5));
    const src = arraySource('s', x, [5], [-5, 5]);
    const r = await maxPairwiseDistance(src, new Rng(2));
    expect(r.exact).toBe(true);
    expect(r.value).toBeCloseTo(bruteForceMax(x, 300, 5), 5);
    expect(r.maxRelativeError).toBe(0);
  });

  it('bounds the true value for large sets and states its error', async () => {
    const n = 4000;
    const d = 8;
    const x = new Rng(3).fillNormal(new Float32Array(n * d));
    x[17 * d] = 40; // one far outlier the subset will likely miss
    const truth = exactMax(x, n, d).dist;
    const r = await maxPairwiseDistance(arraySource('big', x, [d], [-50, 50]), new Rng(4), {
      exactBudget: 1e5,
    });
    expect(r.exact).toBe(false);
    expect(r.lowerBound).toBeLessThanOrEqual(truth + 1e-9);
    expect(r.upperBound).toBeGreaterThanOrEqual(truth - 1e-9);
    expect(r.value).toBe(r.lowerBound);
    expect(r.maxRelativeError).toBeCloseTo((r.upperBound - r.lowerBound) / r.lowerBound, 12);
    expect((truth - r.value) / truth).toBeLessThanOrEqual(r.maxRelativeError + 1e-12);
    // The streaming pass finds the outlier even though the subset is small.
    expect(r.value).toBeGreaterThan(0.95 * truth);
    expect(r.method).toMatch(
      /estimate over 4000 items: exact over \d+ random and the \d+ outermost/,
    );
  });
});

describe('dataStatistics', () => {
  it('computes range, per-channel moments and the pairwise distance', async () => {
    // Two channels of 2 values: channel 0 is all 1, channel 1 alternates 0 and 4.
    const x = Float32Array.from({ length: 40 }, (_, i) =>
      i % 4 < 2 ? 1 : (i % 4) * 2 - 4 + ((i >> 2) % 2) * 4,
    );
    const s = await dataStatistics(arraySource('t', x, [2, 2], [0, 4]), new Rng(0));
    expect(s.count).toBe(10);
    expect(s.min).toBe(0);
    expect(s.max).toBe(6);
    expect(s.channelMean[0]).toBeCloseTo(1, 12);
    expect(s.channelStd[0]).toBeCloseTo(0, 6);
    expect(s.maxPairwiseDistance.exact).toBe(true);
    expect(s.maxPairwiseDistance.value).toBeCloseTo(Math.sqrt(32), 6);
  });

  it('samples distribution sources', async () => {
    const s = await dataStatistics(eightGaussians(), new Rng(0), { sampleSize: 2000 });
    expect(s.count).toBe(2000);
    expect(s.mean).toBeCloseTo(0, 1);
    // Opposite modes are 4 apart; with std 0.1 noise the maximum is a bit above 4.
    expect(s.maxPairwiseDistance.value).toBeGreaterThan(4);
    expect(s.maxPairwiseDistance.value).toBeLessThan(5);
  });

  it('needs two items', async () => {
    await expect(
      maxPairwiseDistance(arraySource('one', new Float32Array(2), [2], [0, 1]), new Rng(0)),
    ).rejects.toThrow(/at least 2 items/);
  });
});
