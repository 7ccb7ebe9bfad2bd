import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { randn } from '../helpers/gradcheck.ts';
import { run } from '../helpers/run-graph.ts';

const F = 'float64';

/** torch.onnx.export's flatten with a dynamic batch: Shape->Gather->Unsqueeze->Concat->Reshape. */
function torchFlatten(x: G.Value): G.Value {
  const n = G.gather(G.apply1('Shape', [x]), 0); // scalar N
  const target = G.concat([G.unsqueeze(n, [0]), G.int64s(x.graph, [-1])], 0);
  return G.apply1('Reshape', [x, target]);
}

describe('shape inference with a symbolic batch dimension', () => {
  it('resolves Shape->Gather->Unsqueeze->Concat->Reshape', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', ['N', 3, 4, 4]);
    const shape = G.apply1('Shape', [x]);
    const n = G.gather(shape, 0);
    expect(n.shape).toEqual([]);
    expect(n.symbolic).toEqual(['N']);
    const nn = G.unsqueeze(n, [0]);
    expect(nn.symbolic).toEqual(['N']);
    const target = G.concat([nn, G.int64s(g, [-1])], 0);
    expect(target.symbolic).toEqual(['N', -1]);
    expect(G.apply1('Reshape', [x, target]).shape).toEqual(['N', 48]);
  });

  it('resolves shape vectors built with Slice, Split and Gather of several entries', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', ['N', 3, 4, 4]);
    const shape = G.apply1('Shape', [x]);
    const [batch, rest] = G.split(shape, [1, 3]);
    expect(batch!.symbolic).toEqual(['N']);
    expect(rest!.symbolic).toEqual([3, 4, 4]);
    const hw = G.slice(shape, [-2], [G.SLICE_TO_END]);
    expect(hw.symbolic).toEqual([4, 4]);
    const t1 = G.concat([batch!, G.gather(shape, [1]), G.int64s(g, [-1])], 0);
    expect(G.apply1('Reshape', [x, t1]).shape).toEqual(['N', 3, 16]);
    const t2 = G.concat([G.gather(shape, [1, 0]), hw], 0);
    expect(G.apply1('Reshape', [x, t2]).shape).toEqual([3, 'N', 4, 4]);
  });

  it('infers the shapes of the indexing operators on symbolic inputs', () => {
    const g = new G.Graph();
    const x = g.input('x', F, ['N', 5]);
    expect(G.concat([x, x], 1).shape).toEqual(['N', 10]);
    expect(G.concat([x, x], 0).shape[0]).toMatch(/^concat_/);
    expect(G.pad(x, [0, 1, 0, 2]).shape).toEqual(['N', 8]);
    expect(G.slice(x, [1], [-1], [1]).shape).toEqual(['N', 3]);
    expect(G.slice(x, [0], [G.SLICE_TO_END], [0]).shape).toEqual(['N', 5]);
    expect(G.slice(x, [-1], [-G.SLICE_TO_END], [0], [-1]).shape).toEqual(['N', 5]);
    expect(G.gather(x, [0, 0, 4], 1).shape).toEqual(['N', 3]);
    expect(G.split(x, [2, 3], 1).map((v) => v.shape)).toEqual([
      ['N', 2],
      ['N', 3],
    ]);
  });

  it('gives fresh dimensions where run-time operands make a size unknowable', () => {
    const g = new G.Graph();
    const x = g.input('x', F, ['N', 5]);
    const pads = g.input('pads', 'int64', [4]);
    const starts = g.input('starts', 'int64', [1]);
    const padded = G.apply1('Pad', [x, pads]);
    expect(padded.shape.every((d) => typeof d === 'string' && d.startsWith('pad_'))).toBe(true);
    const axes = G.int64s(g, [1]);
    const sliced = G.apply1('Slice', [x, starts, G.int64s(g, [G.SLICE_TO_END]), axes]);
    expect(sliced.shape[0]).toBe('N');
    expect(sliced.shape[1]).toMatch(/^slice_/);
  });

  it('runs the torch pattern and its gradient for several batch sizes', async () => {
    const g = new G.Graph();
    const x = g.input('x', F, ['N', 2, 3]);
    const y = torchFlatten(x);
    const [dx] = G.grad(G.reduceSum(G.mul(y, y)), [x]);
    for (const n of [1, 4]) {
      const xv = randn(F, [n, 2, 3], n);
      const out = await run(g, [x], [xv], { y, dx: dx! });
      expect(out['y']).toEqual(G.tensorValues(xv));
      expect(out['dx']).toEqual(G.tensorValues(xv).map((v) => 2 * v));
    }
  });
});

/**
 * Builds f on an input with a symbolic batch, and on the same input with a static batch,
 * and checks that both graphs give the same value and gradient of sum(f(x)^2 / 2).
 */
async function sameAsStatic(f: (x: G.Value) => G.Value, shape: number[], batch = 3): Promise<void> {
  const results: Record<string, number[]>[] = [];
  const xv = randn(F, [batch, ...shape], 42);
  for (const first of ['N', batch]) {
    const g = new G.Graph();
    const x = g.input('x', F, [first, ...shape]);
    const y = f(x);
    const [dx] = G.grad(G.mul(G.reduceSum(G.mul(y, y)), 0.5), [x]);
    expect(dx!.shape).toEqual(x.shape);
    results.push(await run(g, [x], [xv], { y, dx: dx! }));
  }
  expect(results[0]).toEqual(results[1]);
}

describe('indexing VJPs on a symbolic batch agree with the static graph', () => {
  it('Concat along a static axis', () => sameAsStatic((x) => G.concat([x, G.exp(x)], 1), [2]));
  it('Concat along the batch axis', () => sameAsStatic((x) => G.concat([x, x], 0), [2]));
  it('Split along a static axis', () =>
    sameAsStatic((x) => G.mul(...(G.split(x, [1, 2], 1) as [G.Value, G.Value])), [3]));
  it('Slice, unit and larger steps', () =>
    sameAsStatic((x) => G.slice(x, [3, 1], [0, 3], [1, 2], [-2, 1]), [5, 4]));
  it('Slice of the batch axis from an offset', () =>
    sameAsStatic((x) => G.slice(x, [1], [G.SLICE_TO_END], [0]), [2]));
  it('Pad, constant and reflect', () =>
    sameAsStatic((x) => G.pad(G.pad(x, [0, 1, 0, 2]), [0, 2, 0, 1], { mode: 'reflect' }), [3]));
  it('Gather along a static axis', () => sameAsStatic((x) => G.gather(x, [2, 0, 2], 1), [3]));
  it('Gather along the batch axis', () =>
    sameAsStatic((x) => G.gather(x, [[0, -1]].flat(), 0), [2]));
  it('Gather along axis 1 of a rank-3 input', () =>
    sameAsStatic((x) => G.gather(x, [1, 1], 1), [2, 3]));
});
