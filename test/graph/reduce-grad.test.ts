import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';
import { run } from '../helpers/run-graph.ts';

const F = 'float64';

type Reduce = (x: G.Value, axes?: readonly number[], keepdims?: boolean) => G.Value;
const reductions: [string, Reduce][] = [
  ['ReduceSum', G.reduceSum],
  ['ReduceMean', G.reduceMean],
  ['ReduceMax', G.reduceMax],
];
const axesCases: [number[] | undefined, number[]][] = [
  [undefined, [3, 4]],
  [[1], [2, 3, 4]],
  [
    [0, 2],
    [2, 3, 4],
  ],
  [[-1], [3, 5]],
  [
    [0, 1, 2],
    [2, 2, 3],
  ],
];

describe('reduction VJPs match finite differences (float64)', () => {
  for (const [name, f] of reductions) {
    for (const [axes, shape] of axesCases) {
      for (const keep of [false, true]) {
        it(`${name} axes ${JSON.stringify(axes ?? 'all')} of ${JSON.stringify(shape)}, keepdims ${keep}`, async () => {
          await gradCheck({ build: ([x]) => f(x!, axes, keep), inputs: [randn(F, shape, 1)] });
        });
      }
    }
  }

  it('ReduceMax splits the gradient between structural ties', async () => {
    // max over [x, x] and over x broadcast 3 times: the maxima tie under any perturbation,
    // so the finite difference is well defined and equals the gradient of max(x).
    await gradCheck({
      build: ([x]) => G.reduceMax(G.concat([x!, x!], 1), [1]),
      inputs: [randn(F, [3, 4], 2)],
    });
    await gradCheck({
      build: ([x]) => G.reduceMax(G.expand(x!, G.int64s(x!.graph, [3, 2, 4])), [0], true),
      inputs: [randn(F, [2, 4], 3)],
    });
  });

  it('ReduceMax gives tied maxima equal shares', async () => {
    const g = new G.Graph();
    const x = g.input('x', F, [2, 3]);
    const [dx] = G.grad(G.reduceMax(x, [1]), [x]);
    const out = await run(g, [x], [G.tensor(F, [2, 3], [1, 3, 3, 5, 5, 5])], { dx: dx! });
    expect(out['dx']).toEqual([0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3]);
  });
});
