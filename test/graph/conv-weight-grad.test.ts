import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';
import { randn } from '../helpers/gradcheck.ts';

// The wide-row weight gradient (one Split per tap of the flattened padded input) against the
// per-tap strided-Slice form, on the paddings and dilations where the wide rows' zero columns
// come from the left padding, the right padding, or neither.
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

async function run(c: Case, form: typeof G.convWeightGradWideRows): Promise<Float32Array> {
  const g = new G.Graph();
  const p: G.ConvParams = {
    kernel: c.w.slice(2),
    strides: [1, 1],
    pads: c.pads,
    dilations: c.dilations ?? [1, 1],
    group: c.group ?? 1,
  };
  const out = c.x
    .slice(2)
    .map((n, i) => n + p.pads[i]! + p.pads[i + 2]! - p.dilations[i]! * (p.kernel[i]! - 1));
  const x = g.input('x', 'float32', c.x);
  const gy = g.input('gy', 'float32', [c.x[0]!, c.w[0]!, ...out]);
  const dw = form(x, gy, c.w, p);
  expect(dw.shape).toEqual(c.w);
  const s = await compile(g, { inputs: [x, gy], outputs: { dw } });
  const r = await s.run({
    x: randn('float32', c.x, 1),
    gy: randn('float32', gy.shape as number[], 2),
  });
  await s.release();
  return r.dw!.data as Float32Array;
}

describe('wide-row convolution weight gradient equals the per-tap form', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const wide = await run(c, G.convWeightGradWideRows);
      const perTap = await run(c, G.convWeightGradPerTap);
      for (let i = 0; i < wide.length; i++) expect(wide[i]).toBeCloseTo(perTap[i]!, 4);
    });
  }
});
