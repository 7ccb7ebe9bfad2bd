import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';

// ONNX Runtime's Resize has no float64 kernel, so these checks run in float32. Resize is
// linear in x, so central differences are exact for any step; h = 1 and a 1e-3 relative
// tolerance leave a wide margin over float32 rounding.
const F = 'float32';

describe('Resize VJP matches central finite differences (float32, linear op)', () => {
  const cases: [string, number[], (x: G.Value) => G.Value][] = [
    ['nearest x2 (block-sum path)', [2, 3, 4, 5], (x) => G.upsampleNearest(x, 2)],
    ['nearest x[3, 2]', [1, 2, 3, 4], (x) => G.upsampleNearest(x, [3, 2])],
    ['bilinear x2 half_pixel', [2, 2, 4, 5], (x) => G.upsampleBilinear(x, 2)],
    ['bilinear x2 align_corners', [1, 2, 4, 3], (x) => G.upsampleBilinear(x, 2, true)],
    [
      'linear to sizes 7x5 asymmetric',
      [1, 2, 4, 3],
      (x) =>
        G.resize(x, {
          sizes: [1, 2, 7, 5],
          mode: 'linear',
          coordinateTransformationMode: 'asymmetric',
        }),
    ],
    [
      'nearest half_pixel x2 (default modes)',
      [1, 2, 3, 3],
      (x) => G.resize(x, { scales: [1, 1, 2, 2] }),
    ],
    ['nearest downsampling to 3x2', [1, 2, 6, 5], (x) => G.resize(x, { sizes: [1, 2, 3, 2] })],
    ['1-D linear x2', [2, 3, 5], (x) => G.upsampleBilinear(x, 2)],
  ];
  for (const [name, shape, f] of cases) {
    it(name, async () => {
      const r = await gradCheck({
        build: ([x]) => f(x!),
        inputs: [randn(F, shape, 3)],
        h: 1,
        tol: 1e-3,
      });
      expect(r.maxRelError).toBeLessThan(1e-3);
    });
  }

  it('the interpolation matrices reproduce the forward Resize', async () => {
    const g = new G.Graph();
    const x = g.input('x', F, [1, 1, 4, 3]);
    const y = G.upsampleBilinear(x, 2);
    const s = await compile(g, { inputs: [x], outputs: { y } });
    const xv = randn(F, [1, 1, 4, 3], 4);
    const out = (await s.run({ x: xv }))['y']!.data as Float32Array;
    await s.release();
    const spec = { mode: 'linear', coord: 'half_pixel', nearest: 'floor' } as const;
    const ah = G.interpolationMatrix(4, 8, 2, spec);
    const aw = G.interpolationMatrix(3, 6, 2, spec);
    for (let o = 0; o < 8; o++)
      for (let p = 0; p < 6; p++) {
        let v = 0;
        for (let i = 0; i < 4; i++)
          for (let j = 0; j < 3; j++)
            v += ah[o * 4 + i]! * aw[p * 3 + j]! * (xv.data as Float32Array)[i * 3 + j]!;
        expect(out[o * 6 + p]).toBeCloseTo(v, 5);
      }
  });
});

describe('Resize shape inference', () => {
  it('scales and sizes, symbolic batch', () => {
    const g = new G.Graph();
    const x = g.input('x', F, ['N', 3, 5, 7]);
    expect(G.upsampleNearest(x, 2).shape).toEqual(['N', 3, 10, 14]);
    expect(G.resize(x, { sizes: [2, 3, 4, 4] }).shape).toEqual([2, 3, 4, 4]);
    expect(() => G.resize(x, { scales: [1, 1, 2] })).toThrow(
      /Resize: 3 scales for input \[N, 3, 5, 7\]/,
    );
  });
});
