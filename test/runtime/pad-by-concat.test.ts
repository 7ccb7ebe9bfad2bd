import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { runUncompiled } from '../helpers/run-graph.ts';
import { padsByConcat } from '../../src/runtime/pad-by-concat.ts';
import { randn } from '../helpers/gradcheck.ts';

// The Pad-as-Concat rewrite (runtime/pad-by-concat.ts) must give the same bytes as ONNX
// Runtime's Pad, and leave the Pads it does not handle alone.

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly pads: readonly number[];
  readonly mode?: G.PadMode;
  readonly replaced: number;
}

const cases: Case[] = [
  { name: 'H and W, both sides', x: [2, 3, 4, 5], pads: [0, 0, 1, 2, 0, 0, 3, 1], replaced: 1 },
  { name: 'one side of one axis', x: [2, 3, 4, 5], pads: [0, 0, 0, 0, 0, 0, 0, 2], replaced: 1 },
  { name: 'every axis of a 3-D tensor', x: [2, 3, 4], pads: [1, 1, 1, 2, 2, 2], replaced: 1 },
  { name: 'cropping (kept)', x: [2, 3, 4, 5], pads: [0, 0, -1, 1, 0, 0, 1, 0], replaced: 0 },
  {
    name: 'reflect (kept)',
    x: [1, 2, 4, 5],
    pads: [0, 0, 1, 1, 0, 0, 1, 1],
    mode: 'reflect',
    replaced: 0,
  },
];

describe('Pad as Concat', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = new G.Graph();
      const x = g.input('x', 'float32', c.x);
      const y = G.pad(x, c.pads, { mode: c.mode ?? 'constant' });
      const opts = { inputs: [x], outputs: { y } };
      const r = padsByConcat(g, opts);
      expect(r.replaced).toBe(c.replaced);
      expect(r.graph.nodes.some((n) => n.op === 'Pad')).toBe(c.replaced === 0);
      const feed = randn('float32', c.x, 5);
      const want = (await runUncompiled(g, opts, { x: feed })).y!;
      const got = (await runUncompiled(r.graph, r.exportOpts, { x: feed })).y!;
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
    });
  }
});
