import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';

// ONNX Runtime's CPU Conv and ConvTranspose kernels are float32 only, so these checks run in
// float32. Convolution is linear in each argument, so central differences are exact for any
// step: h = 1 makes the rounding error of the loss (~1e-7 relative to sum |W * y|, a few
// hundred terms of order 10) negligible next to the directional derivative, and 1e-3
// relative tolerance leaves a wide margin over the observed ~1e-5.
const F = 'float32';
const H = 1;
const TOL = 1e-3;

interface Case {
  name: string;
  x: number[];
  w: number[];
  bias?: boolean;
  o: G.ConvTransposeOptions;
}

const convCases: Case[] = [
  { name: '3x3 pad 1', x: [2, 3, 6, 6], w: [4, 3, 3, 3], bias: true, o: { padding: 1 } },
  {
    name: 'stride 2 pad 1 odd size',
    x: [2, 3, 7, 7],
    w: [4, 3, 3, 3],
    bias: true,
    o: { stride: 2, padding: 1 },
  },
  {
    name: 'stride 2 even size (rows skipped)',
    x: [1, 2, 8, 8],
    w: [3, 2, 3, 3],
    o: { stride: 2, padding: 1 },
  },
  { name: 'dilation 2', x: [2, 2, 9, 9], w: [3, 2, 3, 3], o: { dilation: 2, padding: 2 } },
  { name: 'groups 2', x: [2, 4, 5, 5], w: [6, 2, 3, 3], bias: true, o: { groups: 2, padding: 1 } },
  { name: 'depthwise', x: [2, 3, 5, 5], w: [3, 1, 3, 3], o: { groups: 3 } },
  {
    name: 'one output channel, 3x3 pad 1 (a final convolution to one image channel)',
    x: [2, 4, 6, 6],
    w: [1, 4, 3, 3],
    bias: true,
    o: { padding: 1 },
  },
  { name: '1x1 kernel', x: [2, 5, 4, 4], w: [3, 5, 1, 1], bias: true, o: {} },
  {
    name: '3x2 kernel, stride [2, 1], asymmetric pads',
    x: [1, 2, 7, 6],
    w: [2, 2, 3, 2],
    o: { stride: [2, 1], padding: [1, 0, 0, 1] },
  },
];

describe('Conv VJP matches central finite differences (float32, exact for a linear op)', () => {
  for (const c of convCases) {
    it(c.name, async () => {
      const inputs = [
        randn(F, c.x, 1),
        randn(F, c.w, 2),
        ...(c.bias ? [randn(F, [c.w[0]!], 3)] : []),
      ];
      const r = await gradCheck({
        build: ([x, w, b]) => G.conv(x!, w!, b ?? null, c.o),
        inputs,
        h: H,
        tol: TOL,
        directions: 2,
      });
      expect(r.maxRelError).toBeLessThan(TOL);
    });
  }
  it('1-D convolution (N-D shape inference)', async () => {
    await gradCheck({
      build: ([x, w]) => G.conv(x!, w!, null, { stride: 2, padding: 1 }),
      inputs: [randn(F, [2, 3, 9], 4), randn(F, [4, 3, 3], 5)],
      h: H,
      tol: TOL,
    });
  });
});

const transposeCases: Case[] = [
  { name: '3x3 stride 1 pad 1', x: [2, 3, 5, 5], w: [3, 4, 3, 3], bias: true, o: { padding: 1 } },
  {
    name: 'stride 2 output padding 1',
    x: [2, 3, 4, 4],
    w: [3, 2, 3, 3],
    bias: true,
    o: { stride: 2, padding: 1, outputPadding: 1 },
  },
  {
    name: '4x4 stride 2 (x2 upsampling)',
    x: [1, 2, 3, 3],
    w: [2, 3, 4, 4],
    o: { stride: 2, padding: 1 },
  },
  { name: 'groups 2 dilation 2', x: [2, 4, 4, 4], w: [4, 3, 3, 3], o: { groups: 2, dilation: 2 } },
];

describe('ConvTranspose VJP matches central finite differences (float32)', () => {
  for (const c of transposeCases) {
    it(c.name, async () => {
      const m = c.w[1]! * (c.o.groups ?? 1);
      const inputs = [randn(F, c.x, 6), randn(F, c.w, 7), ...(c.bias ? [randn(F, [m], 8)] : [])];
      await gradCheck({
        build: ([x, w, b]) => G.convTranspose(x!, w!, b ?? null, c.o),
        inputs,
        h: H,
        tol: TOL,
        directions: 2,
      });
    });
  }
});

describe('convolution shape errors name the shapes', () => {
  const g = new G.Graph();
  const x = g.input('x', F, ['N', 3, 8, 8]);
  it('channel mismatch', () => {
    const w = g.input('w1', F, [4, 2, 3, 3]);
    expect(() => G.conv2d(x, w)).toThrow(
      /Conv: channel mismatch: input \[N, 3, 8, 8\] has 3 channels but weight \[4, 2, 3, 3\] expects 2/,
    );
  });
  it('groups not dividing the channels', () => {
    const w = g.input('w2', F, [4, 1, 3, 3]);
    expect(() => G.conv2d(x, w, null, { groups: 2 })).toThrow(
      /group 2 does not divide the input channels of \[N, 3, 8, 8\] \(3\)/,
    );
  });
  it('kernel larger than the padded input', () => {
    const w = g.input('w3', F, [4, 3, 11, 11]);
    expect(() => G.conv2d(x, w, null, { padding: 1 })).toThrow(
      /kernel extent 11 .* larger than the padded input size 10 .*\[N, 3, 8, 8\]/,
    );
  });
  it('bias of the wrong length', () => {
    const w = g.input('w4', F, [4, 3, 3, 3]);
    const b = g.input('b4', F, [5]);
    expect(() => G.conv2d(x, w, b)).toThrow(/bias \[5\] does not match 4 output channels/);
  });
  it('symbolic batch passes through', () => {
    const w = g.input('w5', F, [4, 3, 3, 3]);
    expect(G.conv2d(x, w, null, { stride: 2, padding: 1 }).shape).toEqual(['N', 4, 4, 4]);
    expect(
      G.convTranspose2d(x, g.input('w6', F, [3, 5, 4, 4]), null, { stride: 2, padding: 1 }).shape,
    ).toEqual(['N', 5, 16, 16]);
  });
});
