import { describe, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';

const F = 'float64';

describe('MatMul VJP matches finite differences (float64)', () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [4, 5],
    ],
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    [
      [3, 4],
      [2, 4, 5],
    ],
    [[4], [2, 4, 3]],
    [[2, 3, 4], [4]],
    [[4], [4]],
  ];
  for (const [sa, sb] of shapes) {
    it(`${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, async () => {
      await gradCheck({
        build: ([a, b]) => G.mul(G.matmul(a!, b!), 1),
        inputs: [randn(F, sa, 1), randn(F, sb, 2)],
      });
    });
  }
});

describe('Gemm VJP matches finite differences (float64)', () => {
  const [m, k, n] = [3, 4, 2];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`transA ${transA}, transB ${transB}, alpha 0.7, beta 1.3, C [${n}]`, async () => {
        await gradCheck({
          build: ([a, b, c]) => G.gemm(a!, b!, c!, { transA, transB, alpha: 0.7, beta: 1.3 }),
          inputs: [
            randn(F, transA ? [k, m] : [m, k], 3),
            randn(F, transB ? [n, k] : [k, n], 4),
            randn(F, [n], 5),
          ],
        });
      });
    }
  }
  const biasShapes: number[][] = [[m, n], [m, 1], [1, n], []];
  for (const cs of biasShapes) {
    it(`C ${JSON.stringify(cs)} broadcasts`, async () => {
      await gradCheck({
        build: ([a, b, c]) => G.gemm(a!, b!, c!, { transB: true, beta: 0.5 }),
        inputs: [randn(F, [m, k], 6), randn(F, [n, k], 7), randn(F, cs, 8)],
      });
    });
  }
  it('without C', async () => {
    await gradCheck({
      build: ([a, b]) => G.gemm(a!, b!, null, { alpha: 2 }),
      inputs: [randn(F, [m, k], 9), randn(F, [k, n], 10)],
    });
  });
});
