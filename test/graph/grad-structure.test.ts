import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';
import { run } from '../helpers/run-graph.ts';

const F = 'float64';

describe('grad handles shared and unused values', () => {
  it('a value used by several indexing ops accumulates every gradient', async () => {
    await gradCheck({
      build: ([x]) => {
        const head = G.slice(x!, [0], [2], [1]); // [2, 2]
        const tail = G.slice(G.exp(x!), [2], [4], [1]); // [2, 2]
        const picked = G.gather(x!, [3, 3, 0], 1); // [2, 3]
        return G.concat([G.mul(head, tail), picked, G.pad(x!, [0, 1, 0, 0])], 1);
      },
      inputs: [randn(F, [2, 4], 1)],
    });
  });

  it('the same Split output used twice, another unused', async () => {
    await gradCheck({
      build: ([x]) => {
        const [a, , c] = G.split(x!, [2, 1, 1], 0);
        return G.add(G.mul(a!, a!), G.sigmoid(c!));
      },
      inputs: [randn(F, [4, 3], 2)],
    });
  });

  it('a wrt value the outputs do not depend on gets a zero gradient of its shape', async () => {
    const g = new G.Graph();
    const a = g.input('a', F, [3]);
    const b = g.input('b', F, ['N', 2]);
    const k = g.input('k', 'int64', [4]);
    G.exp(b); // a branch from b that the output does not use
    const y = G.reduceSum(G.mul(G.gather(a, k, 0), 2));
    const [da, db] = G.grad(y, [a, b]);
    expect(db!.shape).toEqual(['N', 2]);
    const out = await run(
      g,
      [a, b, k],
      [randn(F, [3], 3), randn(F, [5, 2], 4), G.tensor('int64', [4], [0, 2, 2, -1])],
      { da: da!, db: db! },
    );
    expect(out['da']).toEqual([2, 0, 6]);
    expect(out['db']).toEqual(new Array(10).fill(0));
  });
});
