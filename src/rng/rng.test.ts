import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('is reproducible for the same seed and differs across seeds', () => {
    const a = new Rng(42).normals(1000);
    const b = new Rng(42).normals(1000);
    const c = new Rng(43).normals(1000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('restores its state exactly, including the spare normal', () => {
    const r = new Rng(7);
    r.normal(); // leaves a spare cached
    const saved = JSON.parse(JSON.stringify(r.state())) as ReturnType<Rng['state']>;
    const next = Array.from({ length: 11 }, () => r.normal());
    const restored = Rng.fromState(saved);
    expect(Array.from({ length: 11 }, () => restored.normal())).toEqual(next);
  });

  it('draws normals with mean 0 and variance 1 within Monte Carlo error', () => {
    const n = 200_000;
    const z = new Rng(1).fillNormal(new Float64Array(n));
    let m = 0;
    let v = 0;
    for (const x of z) m += x;
    m /= n;
    for (const x of z) v += (x - m) ** 2;
    v /= n - 1;
    // std error of the mean is 1/sqrt(n) = 0.0022; of the variance sqrt(2/n) = 0.0032.
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('draws uniforms and integers without bias', () => {
    const r = new Rng(3);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[r.int(7)]!++;
    // chi-square with 6 dof: the 99.9% quantile is 22.46.
    const chi2 = counts.reduce((s, c) => s + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.46);
    const u = r.fillUniform(new Float64Array(10_000), -1, 1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('permutes every index exactly once', () => {
    const p = new Rng(5).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
  });

  it('rejects bad arguments with a clear message', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/seed/);
    expect(() => new Rng(1).int(0)).toThrow(/Rng.int/);
  });
});

describe('Rng.derive', () => {
  it('gives reproducible, distinct streams per key', () => {
    const a = Rng.derive(7, 100).normals(8);
    expect(Array.from(Rng.derive(7, 100).normals(8))).toEqual(Array.from(a));
    expect(Array.from(Rng.derive(7, 101).normals(8))).not.toEqual(Array.from(a));
    expect(Array.from(Rng.derive(8, 100).normals(8))).not.toEqual(Array.from(a));
    const firsts = new Set(Array.from({ length: 1000 }, (_, k) => Rng.derive(1, k).nextUint32()));
    expect(firsts.size).toBeGreaterThan(995);
  });
});
