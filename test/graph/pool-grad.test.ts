import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';

describe('AveragePool VJP matches central finite differences', () => {
  // ONNX Runtime's AveragePool (and the ConvTranspose its gradient uses) is float32 only.
  // Average pooling is linear, so central differences are exact for any step: h = 1 keeps
  // the loss's rounding error (~1e-7 relative) far below the 1e-3 tolerance.
  const cases: [
    string,
    number[],
    number | number[],
    G.PoolOptions & { countIncludePad?: boolean },
  ][] = [
    ['2x2 stride 2', [2, 3, 6, 6], 2, {}],
    ['2x3 stride 2x3', [1, 2, 4, 9], [2, 3], {}],
    ['2x2 stride 2 odd size (a remainder)', [1, 2, 7, 7], 2, {}],
    ['3x3 stride 2 pad 1, padding excluded', [2, 2, 7, 7], 3, { stride: 2, padding: 1 }],
    [
      '3x3 stride 1 pad 1, padding included',
      [1, 2, 5, 5],
      3,
      { stride: 1, padding: 1, countIncludePad: true },
    ],
    ['3x3 stride 2 odd size, no padding', [1, 2, 8, 8], 3, { stride: 2 }],
  ];
  for (const [name, shape, k, o] of cases) {
    it(name, async () => {
      const r = await gradCheck({
        build: ([x]) => G.avgPool2d(x!, k, o),
        inputs: [randn('float32', shape, 1)],
        h: 1,
        tol: 1e-3,
      });
      expect(r.maxRelError).toBeLessThan(1e-3);
    });
  }
});

describe('MaxPool VJP matches central finite differences (float64)', () => {
  // Random normal inputs have no ties, so the loss is linear near x and h = 1e-6 never
  // moves a maximum.
  const cases: [string, number[], number, G.PoolOptions][] = [
    ['2x2 stride 2', [2, 3, 6, 6], 2, {}],
    ['3x3 stride 1 pad 1 (overlapping windows)', [2, 2, 5, 5], 3, { stride: 1, padding: 1 }],
    ['3x3 stride 2 odd size', [1, 2, 7, 7], 3, { stride: 2 }],
    ['2x2 dilation 2', [1, 2, 6, 6], 2, { stride: 1, dilation: 2 }],
  ];
  for (const [name, shape, k, o] of cases) {
    it(name, async () => {
      await gradCheck({
        build: ([x]) => G.maxPool2d(x!, k, o),
        inputs: [randn('float64', shape, 2)],
      });
    });
  }
});

describe('pooling shape errors', () => {
  it('kernel larger than the padded input', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', ['N', 3, 4, 4]);
    expect(() => G.maxPool2d(x, 5, { padding: 0 })).toThrow(
      /MaxPool: kernel extent 5 .* padded input size 4 .*\[N, 3, 4, 4\]/,
    );
  });
  it('a rank-2 input', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', [3, 4]);
    expect(() => G.avgPool(x, 2)).toThrow(/\[N, C, \.\.\.spatial\]/);
  });
});
