import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';
import { randn } from '../helpers/gradcheck.ts';

// The wide-row weight gradient (one Split per tap of the flattened padded input) and the
// shift stacks (one MatMul of column-shifted input rows by row-shifted gradient rows) against
// the per-tap strided-Slice form, on the paddings and dilations where the wide rows' zero
// columns come from the left padding, the right padding, or neither, and where the shift
// stacks' column masks cut the left or the right columns.
interface Case {
  name: string;
  x: number[];
  w: number[];
  pads: number[];
  dilations?: number[];
  group?: number;
}

const cases: Case[] = [
  { name: '3x3 pad 1', x: [2, 3, 6, 7], w: [4, 3, 3, 3], pads: [1, 1, 1, 1] },
  { name: 'no padding', x: [2, 3, 6, 6], w: [4, 3, 3, 3], pads: [0, 0, 0, 0] },
  { name: 'right padding only', x: [1, 2, 5, 6], w: [3, 2, 3, 2], pads: [1, 0, 0, 1] },
  { name: 'left padding only', x: [1, 2, 5, 6], w: [3, 2, 2, 3], pads: [0, 2, 1, 0] },
  { name: 'right wider than left', x: [2, 2, 6, 8], w: [2, 2, 3, 3], pads: [1, 0, 2, 2] },
  {
    name: 'dilation 2 pad 2',
    x: [2, 2, 9, 11],
    w: [3, 2, 3, 3],
    pads: [2, 2, 2, 2],
    dilations: [2, 2],
  },
  { name: 'groups 2', x: [2, 4, 5, 6], w: [6, 2, 3, 3], pads: [1, 1, 1, 1], group: 2 },
];

function params(c: Case): G.ConvParams {
  return {
    kernel: c.w.slice(2),
    strides: [1, 1],
    pads: c.pads,
    dilations: c.dilations ?? [1, 1],
    group: c.group ?? 1,
  };
}

/** The graph inputs x and gy of a case. */
function inputs(c: Case): [G.Value, G.Value] {
  const g = new G.Graph();
  const p = params(c);
  const out = c.x
    .slice(2)
    .map((n, i) => n + p.pads[i]! + p.pads[i + 2]! - p.dilations[i]! * (p.kernel[i]! - 1));
  return [g.input('x', 'float32', c.x), g.input('gy', 'float32', [c.x[0]!, c.w[0]!, ...out])];
}

async function run(c: Case, form: typeof G.convWeightGradWideRows): Promise<Float32Array> {
  const [x, gy] = inputs(c);
  const dw = form(x, gy, c.w, params(c));
  expect(dw.shape).toEqual(c.w);
  const s = await compile(x.graph, { inputs: [x, gy], outputs: { dw } });
  const r = await s.run({
    x: randn('float32', c.x, 1),
    gy: randn('float32', gy.shape as number[], 2),
  });
  await s.release();
  return r.dw!.data as Float32Array;
}

describe('the wide-row and shift-stack weight gradients equal the per-tap form', () => {
  for (const c of cases) {
    it(`${c.name}: wide rows`, async () => {
      const wide = await run(c, G.convWeightGradWideRows);
      const perTap = await run(c, G.convWeightGradPerTap);
      for (let i = 0; i < wide.length; i++) expect(wide[i]).toBeCloseTo(perTap[i]!, 4);
    });
    it(`${c.name}: shift stacks`, async () => {
      const [x, gy] = inputs(c);
      // The shift stacks apply where the output is as wide as the input.
      const same = gy.shape[3] === x.shape[3];
      expect(G.shiftStacksApply(x, gy, params(c))).toBe(same);
      if (!same) return;
      const stacks = await run(c, G.convWeightGradShiftStacks);
      const perTap = await run(c, G.convWeightGradPerTap);
      for (let i = 0; i < stacks.length; i++) expect(stacks[i]).toBeCloseTo(perTap[i]!, 4);
    });
  }
});

describe('shiftStacksApply', () => {
  it('declines a dilation whose zero rows would cost more than 1.6x the multiply-adds', () => {
    const c: Case = { name: '', x: [1, 2, 8, 8], w: [2, 2, 3, 3], pads: [4, 4, 4, 4] };
    const [x, gy] = inputs({ ...c, dilations: [4, 4] });
    expect(G.shiftStacksApply(x, gy, { ...params(c), dilations: [4, 4] })).toBe(false);
    const [x1, gy1] = inputs({ ...c, pads: [1, 1, 1, 1] });
    expect(G.shiftStacksApply(x1, gy1, params({ ...c, pads: [1, 1, 1, 1] }))).toBe(true);
  });
  it('leaves a 1x1 convolution to the per-tap form, which copies nothing', () => {
    const c: Case = { name: '', x: [1, 2, 8, 8], w: [2, 2, 1, 1], pads: [0, 0, 0, 0] };
    const [x, gy] = inputs(c);
    expect(G.shiftStacksApply(x, gy, params(c))).toBe(false);
  });
});
