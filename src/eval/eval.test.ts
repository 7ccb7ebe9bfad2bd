import { describe, expect, it } from 'vitest';
import { gaussianMixture } from '../data/toys/gaussian-mixture.ts';
import { Rng } from '../rng/rng.ts';
import { mixtureWeights } from './mixture-weights.ts';
import { slicedWasserstein } from './sliced-wasserstein.ts';

describe('toy metrics', () => {
  const mix = gaussianMixture({
    means: [
      [-3, -1],
      [3, 1],
    ],
    scales: 0.5,
    weights: [0.8, 0.2],
  });

  it('mixture weights of exact samples are the true weights within Monte Carlo error', () => {
    const w = mixtureWeights(mix.sample(20_000, new Rng(1)), mix);
    // standard error sqrt(0.16 / 20000) = 0.0028
    expect(Math.abs(w[0]! - 0.8)).toBeLessThan(0.012);
  });

  it('sliced Wasserstein is ~0 between samples of one law and grows with a shift', () => {
    const a = mix.sample(4000, new Rng(2));
    const b = mix.sample(4000, new Rng(3));
    const base = slicedWasserstein(a, b, 2, new Rng(4));
    const shifted = b.map((v, i) => (i % 2 === 0 ? v + 1 : v));
    const far = slicedWasserstein(a, shifted, 2, new Rng(4));
    expect(base).toBeLessThan(0.1);
    // A shift by (1, 0) has SW2 = sqrt(E[cos^2]) = 1/sqrt(2) for uniform directions.
    expect(far).toBeGreaterThan(0.6);
    expect(far).toBeLessThan(0.8);
    expect(slicedWasserstein(a, a, 2, new Rng(5))).toBe(0);
  });
});
