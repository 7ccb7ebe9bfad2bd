import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';

const F = 'float64';
const END = G.SLICE_TO_END;

describe('Pad VJP matches finite differences (float64)', () => {
  const cases: [string, number[], number[], G.PadMode][] = [
    ['constant', [3, 4], [1, 0, 2, 3], 'constant'],
    ['constant, cropping', [2, 5, 4], [0, -1, 2, 1, 2, -1], 'constant'],
    ['reflect', [2, 3, 5], [0, 2, 1, 0, 1, 4], 'reflect'],
    ['edge', [4, 3], [2, 0, 3, 2], 'edge'],
    ['edge, one-element axis', [1, 3], [2, 1, 0, 1], 'edge'],
  ];
  for (const [name, shape, pads, mode] of cases) {
    it(`${name} ${JSON.stringify(shape)} pads ${JSON.stringify(pads)}`, async () => {
      await gradCheck({ build: ([x]) => G.pad(x!, pads, { mode }), inputs: [randn(F, shape, 1)] });
    });
  }
  it('constant with a differentiated fill value', async () => {
    await gradCheck({
      build: ([x, c]) => G.pad(x!, [1, 2, 0, 1], { value: c! }),
      inputs: [randn(F, [3, 2], 2), randn(F, [], 3)],
    });
  });
});

describe('Concat and Split VJPs match finite differences (float64)', () => {
  it('Concat of three inputs along axis 1', async () => {
    await gradCheck({
      build: (xs) => G.concat(xs, 1),
      inputs: [randn(F, [2, 3, 2], 1), randn(F, [2, 1, 2], 2), randn(F, [2, 4, 2], 3)],
    });
  });
  it('Concat along a negative axis with a non-differentiated input', async () => {
    await gradCheck({
      build: (xs) => G.concat(xs, -1),
      inputs: [randn(F, [3, 2], 4), randn(F, [3, 3], 5)],
      noGrad: [1],
    });
  });
  it('Concat of a value with itself', async () => {
    await gradCheck({
      build: ([x]) => G.concat([x!, G.mul(x!, x!), x!], 0),
      inputs: [randn(F, [2, 3], 6)],
    });
  });
  it('Split into given sizes, every output used', async () => {
    await gradCheck({
      build: ([x]) => {
        const [a, b, c] = G.split(x!, [1, 3, 2], 1);
        return G.add(G.mul(a!, G.reduceSum(b!, [1], true)), G.exp(c!));
      },
      inputs: [randn(F, [3, 6], 7)],
    });
  });
  it('Split into equal parts with unused outputs (zero gradients)', async () => {
    await gradCheck({
      build: ([x]) => G.tanh(G.split(x!, 3, 0)[1]!),
      inputs: [randn(F, [6, 2], 8)],
    });
  });
});

describe('Slice VJP matches finite differences (float64)', () => {
  const cases: [string, number[], number[], number[], number[]?, number[]?][] = [
    ['one axis', [5, 4], [1], [4]],
    ['two axes, negative indices', [4, 6], [-3, 1], [END, -1], [0, 1]],
    ['clamped ends', [3, 4], [0, 2], [10, 100], [1, 0]],
    ['step 2', [7, 3], [1], [7], [0], [2]],
    ['step -1 (reversal)', [4, 5], [-1], [-END], [1], [-1]],
    ['step 3, trailing zeros cropped', [2, 8], [1], [END], [1], [3]],
    ['step -2 from the middle', [3, 9], [7], [0], [1], [-2]],
    ['steps on several axes', [6, 5, 4], [0, 4, 1], [6, 0, 4], [0, 1, 2], [3, -2, 1]],
    ['empty result', [3, 4], [2], [1], [1]],
  ];
  for (const [name, shape, starts, ends, axes, steps] of cases) {
    it(`${name} ${JSON.stringify(shape)}`, async () => {
      await gradCheck({
        build: ([x]) => G.mul(G.slice(x!, starts, ends, axes, steps), 1),
        inputs: [randn(F, shape, 9)],
      });
    });
  }
});

describe('Gather VJP matches finite differences (float64)', () => {
  const idx = (shape: number[], values: number[]): G.TensorData => G.tensor('int64', shape, values);
  const cases: [string, number[], G.TensorData, number][] = [
    ['axis 0, repeated indices', [4, 3], idx([5], [0, 2, 2, 3, 0]), 0],
    ['axis 1, negative indices', [2, 5, 3], idx([3], [-1, 0, -1]), 1],
    ['last axis, 2-D indices', [3, 4], idx([2, 2], [1, 3, 3, -4]), -1],
    ['scalar index on axis 1', [3, 4, 2], idx([], [2]), 1],
    ['2-D indices on the middle axis', [2, 4, 3], idx([2, 3], [0, 1, 1, 3, 3, 3]), 1],
  ];
  for (const [name, shape, indices, axis] of cases) {
    it(name, async () => {
      await gradCheck({
        build: ([x, i]) => G.gather(x!, i!, axis),
        inputs: [randn(F, shape, 10), indices],
      });
    });
  }
  it('int32 indices', async () => {
    await gradCheck({
      build: ([x, i]) => G.gather(x!, i!, 0),
      inputs: [randn(F, [3, 2], 11), G.tensor('int32', [4], [2, 2, 0, -1])],
    });
  });
});

describe('indexing forward results', () => {
  it('match their specification', async () => {
    const { run } = await import('../helpers/run-graph.ts');
    const g = new G.Graph();
    const x = g.input('x', F, [3, 4]);
    const out = await run(g, [x], [G.tensor(F, [3, 4], [...Array(12).keys()])], {
      s: G.slice(x, [2, -1], [0, -END], [0, 1], [-1, -2]),
      p: G.pad(G.slice(x, [0], [1]), [0, 2, 0, 1], { mode: 'reflect' }),
      c: G.concat(G.split(x, [1, 3], 1).reverse(), 1),
      ga: G.gather(x, [2, -3], 0),
    });
    expect(out['s']).toEqual([11, 9, 7, 5]);
    expect(out['p']).toEqual([2, 1, 0, 1, 2, 3, 2]);
    expect(out['c']).toEqual([1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8]);
    expect(out['ga']).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
  });
});
