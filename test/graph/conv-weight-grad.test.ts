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

describe('the weight gradient as a convolution equals the per-tap form', () => {
  // Every group-1 case: the form pads x, swaps batch and channels, and convolves by gy^T;
  // where the batch or the outputs allow, also in chunks of one example and of one output
  // channel (a Conv per pair, summed over examples, concatenated over channels).
  for (const c of cases.filter((k) => (k.group ?? 1) === 1)) {
    const whole = { examples: c.x[0]!, channels: c.w[0]! };
    const chunked = [whole, { ...whole, examples: 1 }, { ...whole, channels: 1 }];
    const distinct = chunked.filter(
      (k, i) => i === 0 || k.examples * k.channels < c.x[0]! * c.w[0]!,
    );
    for (const chunks of distinct) {
      for (const convLayout of ['plain', 'nchwc'] as const) {
        const name = `${c.name}, chunks of ${chunks.examples}x${chunks.channels}`;
        it(`${name} (${convLayout} kernels)`, async () => {
          const [x, gy] = inputs(c);
          const dw = G.convWeightGradAsConv(x, gy, c.w, params(c), chunks);
          expect(dw.shape).toEqual(c.w);
          const convs = x.graph.nodes.filter((n) => n.op === 'Conv');
          const pairs = (c.x[0]! / chunks.examples) * (c.w[0]! / chunks.channels);
          expect(convs).toHaveLength(pairs);
          const s = await compile(x.graph, { inputs: [x, gy], outputs: { dw } }, { convLayout });
          const r = await s.run({
            x: randn('float32', c.x, 1),
            gy: randn('float32', gy.shape as number[], 2),
          });
          await s.release();
          const asConv = r.dw!.data as Float32Array;
          const perTap = await run(c, G.convWeightGradPerTap);
          for (let i = 0; i < asConv.length; i++) expect(asConv[i]).toBeCloseTo(perTap[i]!, 4);
        });
      }
    }
  }
  it('rejects chunks that do not divide the batch or the output channels', () => {
    const c = cases[0]!;
    const [x, gy] = inputs(c);
    expect(() =>
      G.convWeightGradAsConv(x, gy, c.w, params(c), { examples: 3, channels: 4 }),
    ).toThrow(/batch of .* multiple of the chunk 3/);
    expect(() =>
      G.convWeightGradAsConv(x, gy, c.w, params(c), { examples: 2, channels: 3 }),
    ).toThrow(/output channels of .* multiple of the chunk 3/);
  });
});

describe('asConvChunks', () => {
  const c: Case = { name: '', x: [16, 8, 6, 6], w: [16, 8, 3, 3], pads: [1, 1, 1, 1] };
  const [x, gy] = inputs(c);
  const chunks = (k: Case): G.AsConvChunks | null => G.asConvChunks(...inputs(k), params(k), 16);
  it('takes group-1 stride-1 convolutions whose batch and outputs fill NCHWc blocks', () => {
    expect(G.asConvChunks(x, gy, params(c), 16)).toEqual({ examples: 16, channels: 16 });
    expect(G.asConvChunks(x, gy, params(c), 8)).toEqual({ examples: 16, channels: 16 });
    expect(G.asConvApplies(x, gy, params(c), 16)).toBe(true);
  });
  it('declines without blocked kernels, or with a batch or outputs off the block', () => {
    expect(G.asConvApplies(x, gy, params(c), 0)).toBe(false);
    expect(chunks({ ...c, x: [8, 8, 6, 6] })).toBeNull();
    expect(chunks({ ...c, w: [12, 8, 3, 3] })).toBeNull();
  });
  it('declines groups and strides', () => {
    expect(chunks({ ...c, x: [16, 16, 6, 6], group: 2 })).toBeNull();
    expect(G.asConvChunks(x, gy, { ...params(c), strides: [2, 2] }, 16)).toBeNull();
  });
  it('keeps each filter (examples x channels x Ho x Wo floats) within 2 MiB', () => {
    // 16 channels at 28x28: 50 kB per example, so 64 examples (3.2 MB) become 2 chunks of 32.
    expect(chunks({ ...c, x: [64, 8, 28, 28] })).toEqual({ examples: 32, channels: 16 });
    // 48 examples: 32 does not divide them, so chunks of 16.
    expect(chunks({ ...c, x: [48, 8, 28, 28] })).toEqual({ examples: 16, channels: 16 });
    // 128 channels at 14x14 (ngf 64): 100 kB per example, chunks of 16 (1.6 MB).
    const deep = { ...c, x: [128, 8, 14, 14], w: [128, 8, 3, 3] };
    expect(chunks(deep)).toEqual({ examples: 16, channels: 128 });
    // 64 channels at 28x28: 16 examples make 3.2 MB, so two chunks of 32 channels.
    const wide = { ...c, x: [128, 8, 28, 28], w: [64, 8, 3, 3] };
    expect(chunks(wide)).toEqual({ examples: 16, channels: 32 });
  });
  it('declines where only one block of output channels would fit', () => {
    // 64 channels at 40x40: 16 examples x 32 channels make 3.3 MB; 16 channels would fit.
    expect(chunks({ ...c, x: [16, 8, 40, 40], w: [64, 8, 3, 3] })).toBeNull();
    // ... unless that block is all the output channels.
    expect(chunks({ ...c, x: [16, 8, 40, 40], w: [16, 8, 3, 3] })).toEqual({
      examples: 16,
      channels: 16,
    });
  });
});

/** A layer for the grad-option tests. */
interface Layer {
  readonly name: string;
  /** The shapes of x, w and gy, e.g. '16x4x5x5 16x4x3x3 16x16x5x5'. */
  readonly shapes: string;
  readonly y: (x: G.Value, w: G.Value) => G.Value;
  /** Conv nodes in the graph without and with the weight gradient as a Conv. */
  readonly convs: [number, number];
}

/** The weight gradient of `layer` built by grad with nchwcBlock 0 and 16 (both run). */
async function withAndWithoutBlock(layer: Layer): Promise<Float32Array[]> {
  const shapes = layer.shapes.split(' ').map((t) => t.split('x').map(Number));
  const results: Float32Array[] = [];
  for (const [k, nchwcBlock] of [0, 16].entries()) {
    const g = new G.Graph();
    const [x, w, gy] = ['x', 'w', 'gy'].map((n, i) => g.input(n, 'float32', shapes[i]!)) as [
      G.Value,
      G.Value,
      G.Value,
    ];
    const [dw] = G.grad(layer.y(x, w), [w], [gy], { nchwcBlock });
    expect(g.nodes.filter((n) => n.op === 'Conv').length).toBe(layer.convs[k]);
    const s = await compile(g, { inputs: [x, w, gy], outputs: { dw: dw! } });
    const feeds = Object.fromEntries(
      [x, w, gy].map((v, i) => [v.name, randn('float32', shapes[i]!, i + 1)]),
    );
    results.push((await s.run(feeds)).dw!.data as Float32Array);
    await s.release();
  }
  return results;
}

describe('grad picks the weight-gradient form from its options', () => {
  const layers: Layer[] = [
    // The forward Conv, and with the option the gradient as a second one.
    {
      name: 'Conv',
      shapes: '16x4x5x5 16x4x3x3 16x16x5x5',
      y: (x, w) => G.conv2d(x, w, null, { padding: 1 }),
      convs: [1, 2],
    },
    // Weight [C_in, C_out, kh, kw]; its gradient is a Conv's with x and y swapped.
    {
      name: 'ConvTranspose',
      shapes: '16x16x5x5 16x4x3x3 16x4x5x5',
      y: (x, w) => G.convTranspose(x, w, null, { padding: 1 }),
      convs: [0, 1],
    },
  ];
  for (const layer of layers) {
    it(`gives a ${layer.name} the same weight gradient with and without nchwcBlock`, async () => {
      const [portable, asConv] = await withAndWithoutBlock(layer);
      for (let i = 0; i < portable!.length; i++) expect(asConv![i]).toBeCloseTo(portable![i]!, 3);
    });
  }
});

describe('the folded shift stacks equal the per-tap form', () => {
  // The cases whose output is as large as the input, and one with unequal pads.
  const same: Case[] = [
    ...cases.filter((k) => ['3x3 pad 1', 'dilation 2 pad 2'].includes(k.name)),
    { name: 'top 0, bottom 2', x: [3, 2, 6, 5], w: [3, 2, 3, 3], pads: [0, 1, 2, 1] },
  ];
  for (const c of same) {
    it(c.name, async () => {
      const folded = await run(c, G.convWeightGradFolded);
      const perTap = await run(c, G.convWeightGradPerTap);
      for (let i = 0; i < folded.length; i++) expect(folded[i]).toBeCloseTo(perTap[i]!, 4);
    });
  }
});

describe('foldedApplies', () => {
  const c: Case = { name: '', x: [4, 128, 6, 6], w: [8, 128, 3, 3], pads: [1, 1, 1, 1] };
  it('takes same-size group-1 convolutions with 128 channels on one side', () => {
    expect(G.foldedApplies(...inputs(c), params(c))).toBe(true);
    const out = { ...c, x: [4, 8, 6, 6], w: [128, 8, 3, 3] };
    expect(G.foldedApplies(...inputs(out), params(out))).toBe(true);
  });
  it('declines fewer channels, a smaller output and groups', () => {
    const few = { ...c, x: [4, 64, 6, 6], w: [64, 64, 3, 3] };
    expect(G.foldedApplies(...inputs(few), params(few))).toBe(false);
    const valid = { ...c, pads: [0, 0, 0, 0] };
    expect(G.foldedApplies(...inputs(valid), params(valid))).toBe(false);
    const grouped = { ...c, w: [8, 64, 3, 3], group: 2 };
    expect(G.foldedApplies(...inputs(grouped), params(grouped))).toBe(false);
  });
});
