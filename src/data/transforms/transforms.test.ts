import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng/rng.ts';
import type { Batch } from '../batch.ts';
import { centerCrop } from './center-crop.ts';
import { dequantize } from './dequantize.ts';
import { randomHorizontalFlip } from './flip.ts';
import { pad } from './pad.ts';
import { resize } from './resize.ts';
import { rescale, scaleTo } from './scale.ts';
import { compose } from './transform.ts';

const rng = (): Rng => new Rng(5);
/** [N, C, H, W] with value = 1000 n + 100 c + 10 y + x. */
function ramp(n: number, c: number, h: number, w: number): Batch {
  const x = new Float32Array(n * c * h * w);
  for (let i = 0; i < x.length; i++) {
    const [xx, y, ch, b] = [
      i % w,
      Math.floor(i / w) % h,
      Math.floor(i / (w * h)) % c,
      Math.floor(i / (w * h * c)),
    ];
    x[i] = 1000 * b + 100 * ch + 10 * y + xx;
  }
  return { x, shape: [n, c, h, w], labels: Int32Array.from({ length: n }, (_, i) => i) };
}

describe('transforms', () => {
  it('scales between data ranges and back', () => {
    expect(Array.from(rescale([0, 0.5, 1], [0, 1], [-1, 1]))).toEqual([-1, 0, 1]);
    const b = scaleTo([-1, 1], [0, 1])({ x: Float32Array.from([-1, 0, 1]), shape: [3] }, rng());
    expect(Array.from(b.x)).toEqual([0, 0.5, 1]);
    expect(() => rescale([0], [1, 1], [0, 1])).toThrow(/increasing/);
  });

  it('dequantizes each level k/255 into [k/256, (k+1)/256) with uniform noise', () => {
    const n = 100_000;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 256) / 255);
    const out = dequantize()({ x, shape: [n] }, rng()).x;
    let meanFrac = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const k = i % 256;
      if (!(out[i]! >= k / 256 - 1e-7 && out[i]! < (k + 1) / 256 + 1e-7)) outside++;
      meanFrac += out[i]! * 256 - k;
    }
    expect(outside).toBe(0);
    expect(meanFrac / n).toBeCloseTo(0.5, 2);
  });

  it('flips about half the images left-right, keeping labels', () => {
    const b = ramp(200, 2, 3, 4);
    const out = randomHorizontalFlip()(b, rng());
    let flipped = 0;
    for (let i = 0; i < 200; i++) {
      const first = out.x[i * 24]!;
      if (first === 1000 * i + 3) flipped++;
      else expect(first).toBe(1000 * i);
      expect(out.x[i * 24 + 12 + 4]).toBe(first === 1000 * i ? 1000 * i + 110 : 1000 * i + 113);
    }
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
    expect(out.labels).toBe(b.labels);
    expect(randomHorizontalFlip(0)(b, rng()).x).toEqual(b.x);
  });

  it('pads 28 -> 32 with the image centred', () => {
    const b = ramp(2, 1, 28, 28);
    const out = pad(2)(b, rng());
    expect(out.shape).toEqual([2, 1, 32, 32]);
    expect(out.x[0]).toBe(0);
    expect(out.x[2 * 32 + 2]).toBe(0); // image pixel (0, 0) of item 0
    expect(out.x[1024 + 2 * 32 + 3]).toBe(1001);
    expect(out.x[1024 + 29 * 32 + 29]).toBe(1000 + 270 + 27);
    expect(out.x[1024 + 31 * 32 + 31]).toBe(0);
  });

  it('resizes bilinearly: identity at the same size, exact on linear ramps', () => {
    const b = ramp(1, 1, 28, 28);
    expect(resize(28)(b, rng()).x).toEqual(b.x);
    const up = resize(56)(b, rng());
    expect(up.shape).toEqual([1, 1, 56, 56]);
    // Half-pixel centres: output (2, 2) samples input (0.75, 0.75).
    expect(up.x[2 * 56 + 2]).toBeCloseTo(7.5 + 0.75, 5);
    const r32 = resize(32)(b, rng());
    expect(r32.shape).toEqual([1, 1, 32, 32]);
    expect(r32.x[0]).toBe(0);
    expect(r32.x[32 * 32 - 1]).toBe(297);
  });

  it('center-crops and composes', () => {
    const b = ramp(1, 1, 6, 6);
    const out = centerCrop(4)(b, rng());
    expect(out.shape).toEqual([1, 1, 4, 4]);
    expect(out.x[0]).toBe(11);
    expect(() => centerCrop(7)(b, rng())).toThrow(/cannot crop 7x7 from 6x6/);
    const both = compose(pad(1), centerCrop(6))(b, rng());
    expect(both.x).toEqual(b.x);
  });

  it('rejects non-image batches', () => {
    expect(() => pad(1)({ x: new Float32Array(4), shape: [2, 2] }, rng())).toThrow(
      /\[N, C, H, W\]/,
    );
  });
});
