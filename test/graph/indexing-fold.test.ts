import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { run } from '../helpers/run-graph.ts';

describe('constant folding of the indexing operators agrees with ONNX Runtime', () => {
  it('Slice, Gather, Concat and Split of constants', async () => {
    const g = new G.Graph();
    const x = G.constant(g, G.tensor('int64', [3, 4], [...Array(12).keys()]));
    const dummy = g.input('dummy', 'float32', [1]);
    const folded: Record<string, G.Value> = {
      slice: G.slice(x, [-1, 3], [0, -G.SLICE_TO_END], [0, 1], [-2, -2]),
      gather: G.gather(x, G.constant(g, G.tensor('int64', [2, 2], [0, -1, 2, 2])), 1),
      gatherScalar: G.gather(x, -2, 0),
      concat: G.concat([x, G.slice(x, [1], [3])], 0),
      split: G.split(x, [1, 3], 1)[1]!,
    };
    for (const [name, v] of Object.entries(folded)) {
      expect(v.known, name).not.toBeNull();
    }
    // Run the same nodes in ONNX Runtime: its results must equal the folded ones.
    const out = await run(g, [dummy], [G.tensor('float32', [1], [0])], folded);
    for (const [name, v] of Object.entries(folded)) {
      expect(G.tensorValues(v.known!), name).toEqual(out[name]);
      expect(v.known!.shape, name).toEqual(v.shape);
    }
    expect(out['slice']).toEqual([11, 9]);
  });
});
