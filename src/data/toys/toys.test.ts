import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng/rng.ts';
import type { DistributionSource } from '../source.ts';
import { logBesselI0 } from './bessel.ts';
import { checkerboard } from './checkerboard.ts';
import { eightGaussians } from './eight-gaussians.ts';
import { gaussianMixture } from './gaussian-mixture.ts';
import { gaussianGrid } from './grid.ts';
import { concentricRings } from './rings.ts';
import { swissRoll } from './swiss-roll.ts';
import { twoMoons } from './two-moons.ts';

const BINS = 32;
const SUB = 8;

/** Bin probabilities of `logDensity` over the square `range`, by an 8x8 midpoint rule per bin. */
function binMasses(source: DistributionSource): Float64Array {
  const [lo, hi] = source.range;
  const h = (hi - lo) / (BINS * SUB);
  const m = BINS * SUB;
  const grid = new Float64Array(2 * m * m);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < m; i++) {
      grid[2 * (j * m + i)] = lo + (i + 0.5) * h;
      grid[2 * (j * m + i) + 1] = lo + (j + 0.5) * h;
    }
  }
  const logp = source.logDensity!(grid);
  const mass = new Float64Array(BINS * BINS);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < m; i++) {
      mass[Math.floor(j / SUB) * BINS + Math.floor(i / SUB)]! += Math.exp(logp[j * m + i]!) * h * h;
    }
  }
  return mass;
}

/** Pearson chi-square of `x` ([n, 2]) against `mass`, over bins expecting at least 5 points. */
function chiSquare(
  x: Float32Array,
  mass: Float64Array,
  range: readonly [number, number],
): { chi2: number; df: number } {
  const [lo, hi] = range;
  const n = x.length / 2;
  const counts = new Float64Array(BINS * BINS);
  let outside = 0;
  for (let k = 0; k < n; k++) {
    const i = Math.floor(((x[2 * k]! - lo) / (hi - lo)) * BINS);
    const j = Math.floor(((x[2 * k + 1]! - lo) / (hi - lo)) * BINS);
    if (i < 0 || j < 0 || i >= BINS || j >= BINS) outside++;
    else counts[j * BINS + i]!++;
  }
  let chi2 = 0;
  let df = -1;
  let rest = [outside, n * (1 - mass.reduce((a, b) => a + b, 0))];
  mass.forEach((p, b) => {
    const e = n * p;
    if (e >= 5) {
      chi2 += (counts[b]! - e) ** 2 / e;
      df++;
    } else rest = [rest[0]! + counts[b]!, rest[1]! + e];
  });
  if (rest[1]! >= 5) {
    chi2 += (rest[0]! - rest[1]!) ** 2 / rest[1]!;
    df++;
  }
  return { chi2, df };
}

const toys: [string, DistributionSource][] = [
  [
    'gaussian-mixture',
    gaussianMixture({
      means: [
        [-1, 0.5],
        [1.5, -1],
      ],
      scales: [0.3, 0.6],
      weights: [1, 3],
    }),
  ],
  ['8gaussians', eightGaussians()],
  ['grid', gaussianGrid()],
  ['swiss-roll', swissRoll()],
  ['two-moons', twoMoons()],
  ['checkerboard', checkerboard()],
  ['rings', concentricRings()],
];

describe.each(toys)('toy %s', (name, toy) => {
  const n = 20_000;
  const mass = binMasses(toy);

  it('has a log density that integrates to 1 over its range', () => {
    expect(mass.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.985);
    expect(mass.reduce((a, b) => a + b, 0)).toBeLessThan(1.005);
  });

  it('samples match the log density (chi-square histogram test)', () => {
    const x = toy.sample(n, new Rng(11));
    const { chi2, df } = chiSquare(x, mass, toy.range);
    expect(df).toBeGreaterThan(20);
    // Mean df, sd sqrt(2 df): 4 sd is p < 1e-4; the seed is fixed, so this is deterministic.
    expect(chi2).toBeLessThan(df + 4 * Math.sqrt(2 * df));
  });

  it('the same test rejects samples stretched by 10% (the test has power)', () => {
    const x = toy.sample(n, new Rng(11)).map((v) => 1.1 * v);
    const { chi2, df } = chiSquare(x, mass, toy.range);
    expect(chi2).toBeGreaterThan(df + 4 * Math.sqrt(2 * df));
  });

  it('is reproducible for a seed', () => {
    expect(toy.sample(5, new Rng(3))).toEqual(toy.sample(5, new Rng(3)));
    expect(toy.shape).toEqual([2]);
    expect(name).toBe(toy.name);
  });
});

describe('closed forms', () => {
  it('log I0 matches numerical integration within 1e-6 relative', () => {
    for (const x of [0, 0.3, 1, 3.7, 3.8, 10, 50, 300]) {
      const m = 20_000;
      let s = 0;
      for (let k = 0; k < m; k++) s += Math.exp(x * Math.cos((Math.PI * (k + 0.5)) / m) - x);
      const logI0 = x + Math.log(s / m);
      expect(Math.abs(logBesselI0(x) - logI0)).toBeLessThan(1e-6);
    }
  });

  it('a one-component mixture is the Gaussian density', () => {
    const g = gaussianMixture({ means: [[1, -2, 0]], scales: 2 });
    const [lp] = g.logDensity!([1, -2, 2]);
    expect(lp).toBeCloseTo(-1.5 * Math.log(2 * Math.PI * 4) - 4 / 8, 12);
  });

  it('checkerboard density is 1/8 on black cells and zero on white ones', () => {
    const lp = checkerboard().logDensity!([-1.5, -1.5, -0.5, -1.5]);
    expect(lp[0]).toBeCloseTo(-Math.log(8), 12);
    expect(lp[1]).toBe(-Infinity);
  });

  it('rejects invalid parameters', () => {
    expect(() => gaussianMixture({ means: [[0, 0], [1]], scales: 1 })).toThrow(/means must be/);
    expect(() => gaussianMixture({ means: [[0]], scales: [-1] })).toThrow(
      /scales must be 1 positive/,
    );
    expect(() => gaussianMixture({ means: [[0]], scales: 1, weights: [0] })).toThrow(/weights/);
  });
});
