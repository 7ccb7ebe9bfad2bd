import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { runUncompiled } from '../helpers/run-graph.ts';
import { swapFewChannelConvs } from '../../src/runtime/conv-transpose-swap.ts';
import { randn } from '../helpers/gradcheck.ts';

// The Conv <-> ConvTranspose swap (runtime/conv-transpose-swap.ts) must compute what ONNX
// Runtime's original operator computes (up to the order of the float sums), and leave the
// convolutions it does not handle alone.

interface Case {
  readonly name: string;
  readonly op: 'Conv' | 'ConvTranspose';
  readonly x: readonly number[];
  /** Conv: [out, in / groups, ...kernel]; ConvTranspose: [in, out / groups, ...kernel]. */
  readonly w: readonly number[];
  readonly bias?: boolean;
  readonly o: G.ConvTransposeOptions;
  readonly replaced: number;
}

const cases: Case[] = [
  {
    name: 'ConvTranspose 1 -> 16 channels, 3x3 pad 1 (input gradient of a final conv)',
    op: 'ConvTranspose',
    x: [2, 1, 7, 7],
    w: [1, 16, 3, 3],
    o: { padding: 1 },
    replaced: 1,
  },
  {
    name: 'ConvTranspose 3 -> 5 channels, bias, dilation 2 pad 2',
    op: 'ConvTranspose',
    x: [2, 3, 6, 7],
    w: [3, 5, 3, 3],
    bias: true,
    o: { padding: 2, dilation: 2 },
    replaced: 1,
  },
  {
    name: 'ConvTranspose 2 -> 3 channels, 3x2 kernel, asymmetric pads',
    op: 'ConvTranspose',
    x: [1, 2, 5, 6],
    w: [2, 3, 3, 2],
    o: { padding: [1, 0, 0, 1] },
    replaced: 1,
  },
  {
    name: 'ConvTranspose 1-D, 2 -> 4 channels',
    op: 'ConvTranspose',
    x: [2, 2, 9],
    w: [2, 4, 5],
    o: { padding: 1 },
    replaced: 1,
  },
  {
    name: 'Conv 16 -> 1 channels, bias, 3x3 pad 1 (a final conv to one image channel)',
    op: 'Conv',
    x: [2, 16, 7, 7],
    w: [1, 16, 3, 3],
    bias: true,
    o: { padding: 1 },
    replaced: 1,
  },
  {
    name: 'Conv 5 -> 3 channels, dilation 2, asymmetric pads',
    op: 'Conv',
    x: [2, 5, 9, 8],
    w: [3, 5, 3, 3],
    o: { padding: [2, 0, 1, 2], dilation: 2 },
    replaced: 1,
  },
  {
    name: 'Conv 1 -> 16 (kept)',
    op: 'Conv',
    x: [1, 1, 6, 6],
    w: [16, 1, 3, 3],
    o: {},
    replaced: 0,
  },
  {
    name: 'ConvTranspose stride 2 (kept)',
    op: 'ConvTranspose',
    x: [1, 2, 4, 4],
    w: [2, 3, 3, 3],
    o: { stride: 2 },
    replaced: 0,
  },
  {
    name: 'ConvTranspose 16 -> 2 (kept)',
    op: 'ConvTranspose',
    x: [1, 16, 4, 4],
    w: [16, 2, 3, 3],
    o: {},
    replaced: 0,
  },
  {
    name: 'Conv groups 2 (kept)',
    op: 'Conv',
    x: [1, 4, 5, 5],
    w: [2, 2, 3, 3],
    o: { groups: 2 },
    replaced: 0,
  },
];

describe('Conv <-> ConvTranspose for few channels', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = new G.Graph();
      const x = g.input('x', 'float32', c.x);
      const w = g.input('w', 'float32', c.w);
      const outChannels = c.op === 'Conv' ? c.w[0]! : c.w[1]!;
      const b = c.bias ? g.input('b', 'float32', [outChannels]) : null;
      const y = c.op === 'Conv' ? G.conv(x, w, b, c.o) : G.convTranspose(x, w, b, c.o);
      const opts = { inputs: b ? [x, w, b] : [x, w], outputs: { y } };
      const r = swapFewChannelConvs(g, opts);
      expect(r.replaced).toBe(c.replaced);
      expect(r.graph.nodes.some((n) => n.op === c.op)).toBe(c.replaced === 0);
      const feeds: Record<string, G.TensorData> = {
        x: randn('float32', c.x, 1),
        w: randn('float32', c.w, 2),
        ...(b ? { b: randn('float32', [outChannels], 3) } : {}),
      };
      const want = (await runUncompiled(g, opts, feeds)).y!;
      const got = (await runUncompiled(r.graph, r.exportOpts, feeds)).y!;
      expect(got.shape).toEqual(want.shape);
      const [gd, wd] = [got.data as Float32Array, want.data as Float32Array];
      for (let i = 0; i < wd.length; i++)
        expect(Math.abs(gd[i]! - wd[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(wd[i]!)));
    });
  }
});
