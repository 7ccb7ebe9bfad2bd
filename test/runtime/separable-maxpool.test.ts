import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { runUncompiled } from '../helpers/run-graph.ts';
import { Rng } from '../../src/rng/rng.ts';
import { separateMaxPools } from '../../src/runtime/separable-maxpool.ts';

// The separable rewrite (runtime/separable-maxpool.ts) must reproduce ONNX Runtime's 2-D
// MaxPool exactly: values, Indices (the row-major first maximum, ties included) and hence the
// gradient, which scatters through Indices.

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly kernel: readonly number[];
  readonly o: G.PoolOptions;
  /** MaxPool nodes the rewrite should replace. */
  readonly replaced: number;
}

const cases: Case[] = [
  {
    name: '5x5, pad 2 (NCSN CRP)',
    x: [2, 3, 9, 8],
    kernel: [5, 5],
    o: { stride: 1, padding: 2 },
    replaced: 1,
  },
  {
    name: '3x5, asymmetric pads',
    x: [1, 2, 7, 9],
    kernel: [3, 5],
    o: { stride: 1, padding: [1, 2, 2, 0] },
    replaced: 1,
  },
  { name: '2x2, no padding', x: [2, 2, 5, 6], kernel: [2, 2], o: { stride: 1 }, replaced: 1 },
  {
    name: 'stride 2 (kept)',
    x: [1, 2, 8, 8],
    kernel: [3, 3],
    o: { stride: 2, padding: 1 },
    replaced: 0,
  },
  {
    name: '1x3 (kept)',
    x: [1, 2, 5, 5],
    kernel: [1, 3],
    o: { stride: 1, padding: [0, 1, 0, 1] },
    replaced: 0,
  },
];

/** Integer values in 0..3: many ties inside every window. */
function tiedTensor(shape: readonly number[], rng: Rng): G.TensorData {
  const t = G.tensor('float32', [...shape]);
  const d = t.data as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] = rng.int(4);
  return t;
}

describe('separable MaxPool rewrite equals the 2-D MaxPool', () => {
  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const rng = new Rng(i + 1);
      const g = new G.Graph();
      const x = g.input('x', 'float32', [...c.x]);
      const y = G.maxPool(x, c.kernel, c.o);
      const indices = y.producer!.outputs[1]!;
      const gy = g.input('gy', 'float32', y.shape);
      const [gx] = G.grad(y, [x], [gy]);
      const opts = { inputs: [x, gy], outputs: { y, indices, gx: gx! } };
      const r = separateMaxPools(g, opts);
      expect(r.replaced).toBe(c.replaced);
      const feeds = {
        x: tiedTensor(c.x, rng),
        gy: G.tensor('float32', y.shape as number[], rng.normals(G.numel(y.shape as number[]))),
      };
      const want = await runUncompiled(g, opts, feeds);
      const got = await runUncompiled(r.graph, r.exportOpts, feeds);
      for (const k of ['y', 'indices', 'gx']) {
        expect(got[k]!.shape, k).toEqual(want[k]!.shape);
        expect(Array.from(got[k]!.data as ArrayLike<number | bigint>), k).toEqual(
          Array.from(want[k]!.data as ArrayLike<number | bigint>),
        );
      }
    });
  }

  it('leaves a MaxPool whose Indices nothing reads (a forward-only graph)', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', [1, 2, 8, 8]);
    const y = G.maxPool(x, 5, { stride: 1, padding: 2 });
    expect(separateMaxPools(g, { inputs: [x], outputs: { y } }).replaced).toBe(0);
  });
});
