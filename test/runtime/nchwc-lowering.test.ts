import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { Rng } from '../../src/rng/rng.ts';
import { nchwcBlockSize } from '../../src/runtime/nchwc-block-size.ts';
import { lowerToNchwc, NCHWC_DOMAIN } from '../../src/runtime/nchwc-lowering.ts';
import { compile } from '../../src/runtime/session.ts';
import { expectCloseToScale } from '../helpers/expect-close.ts';

// The NCHWc lowering (runtime/nchwc-lowering.ts) must give the same outputs and gradients as
// the plain graph. Both run in float32 with different summation orders, so values agree to
// ~1e-6 relative to the largest magnitude; 1e-4 leaves a wide margin.
const TOL = 1e-4;

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly w: readonly number[];
  readonly bias?: boolean;
  readonly o: G.ConvTransposeOptions;
  readonly transpose?: boolean;
  /** Convolution nodes the lowering should replace with block size 16 (forward + backward). */
  readonly lowered16: number;
}

const cases: Case[] = [
  {
    name: '3x3 pad 1, 16 -> 32',
    x: [2, 16, 7, 6],
    w: [32, 16, 3, 3],
    bias: true,
    o: { padding: 1 },
    lowered16: 2,
  },
  {
    name: 'stride 2 (ConvTranspose gradient stays plain)',
    x: [2, 32, 9, 9],
    w: [16, 32, 3, 3],
    o: { stride: 2, padding: 1 },
    lowered16: 1,
  },
  {
    name: 'dilation 2, asymmetric pads',
    x: [1, 16, 9, 8],
    w: [16, 16, 3, 3],
    o: { dilation: 2, padding: [2, 0, 1, 2] },
    lowered16: 2,
  },
  { name: '1x1 kernel', x: [3, 32, 4, 4], w: [16, 32, 1, 1], bias: true, o: {}, lowered16: 2 },
  { name: '5x3 kernel, no padding', x: [2, 16, 8, 7], w: [16, 16, 5, 3], o: {}, lowered16: 2 },
  {
    name: 'groups 2 (fallback)',
    x: [2, 32, 5, 5],
    w: [32, 16, 3, 3],
    o: { groups: 2, padding: 1 },
    lowered16: 0,
  },
  {
    name: '12 input channels (fallback)',
    x: [2, 12, 5, 5],
    w: [16, 12, 3, 3],
    o: { padding: 1 },
    lowered16: 0,
  },
  {
    name: '24 output channels (fallback)',
    x: [2, 16, 5, 5],
    w: [24, 16, 3, 3],
    o: { padding: 1 },
    lowered16: 0,
  },
  {
    name: 'ConvTranspose stride 1',
    x: [2, 16, 6, 6],
    w: [16, 32, 3, 3],
    bias: true,
    o: { padding: 1 },
    transpose: true,
    lowered16: 2,
  },
  {
    name: 'ConvTranspose stride 1, dilation 2',
    x: [1, 32, 5, 5],
    w: [32, 16, 3, 3],
    o: { dilation: 2, padding: 1 },
    transpose: true,
    lowered16: 2,
  },
  {
    name: 'ConvTranspose stride 2 (Conv gradient lowered only)',
    x: [1, 16, 5, 5],
    w: [16, 16, 3, 3],
    o: { stride: 2, padding: 1, outputPadding: 1 },
    transpose: true,
    lowered16: 1,
  },
];

function randomTensor(shape: readonly number[], rng: Rng): G.TensorData {
  const t = G.tensor('float32', [...shape]);
  rng.fillNormal(t.data as Float32Array, 0, 1);
  return t;
}

interface Built {
  readonly graph: G.Graph;
  readonly inputs: G.Value[];
  readonly outputs: Record<string, G.Value>;
  readonly feeds: Record<string, G.TensorData>;
}

/** y = conv(x, w, b) and its gradients w.r.t. every input for a random output gradient. */
function build(c: Case, seed: number): Built {
  const rng = new Rng(seed);
  const g = new G.Graph();
  const x = g.input('x', 'float32', [...c.x]);
  const w = g.input('w', 'float32', [...c.w]);
  const outCh = c.transpose ? c.w[1]! * (c.o.groups ?? 1) : c.w[0]!;
  const b = c.bias ? g.input('b', 'float32', [outCh]) : null;
  const y = c.transpose ? G.convTranspose(x, w, b, c.o) : G.conv(x, w, b, c.o);
  const gy = g.input('gy', 'float32', y.shape);
  const params = b ? [x, w, b] : [x, w];
  const grads = G.grad(y, params, [gy]);
  const outputs: Record<string, G.Value> = { y };
  grads.forEach((v, i) => (outputs[`g${i}`] = v!));
  const inputs = [...params, gy];
  const feeds = Object.fromEntries(
    inputs.map((v) => [v.name, randomTensor(v.shape as number[], rng)]),
  );
  return { graph: g, inputs, outputs, feeds };
}

async function runBoth(
  built: Built,
): Promise<[Record<string, G.TensorData>, Record<string, G.TensorData>]> {
  const results: Record<string, G.TensorData>[] = [];
  for (const convLayout of ['plain', 'nchwc'] as const) {
    const s = await compile(
      built.graph,
      { inputs: built.inputs, outputs: built.outputs },
      { threads: 1, convLayout },
    );
    results.push(await s.run(built.feeds));
    await s.release();
  }
  return [results[0]!, results[1]!];
}

describe('NCHWc lowering gives the outputs and gradients of the plain graph', () => {
  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const built = build(c, i + 1);
      const lowered = lowerToNchwc(
        built.graph,
        { inputs: built.inputs, outputs: built.outputs },
        16,
      );
      expect(lowered.replaced).toBe(c.lowered16);
      const [plain, nchwc] = await runBoth(built);
      for (const k of Object.keys(built.outputs)) expectCloseToScale(plain[k]!, nchwc[k]!, TOL, k);
    });
  }

  it('residual block: blocked Relu feeds the second Conv directly', async () => {
    const rng = new Rng(7);
    const g = new G.Graph();
    const x = g.input('x', 'float32', [2, 16, 6, 6]);
    const [w1, b1, w2] = [
      g.input('w1', 'float32', [16, 16, 3, 3]),
      g.input('b1', 'float32', [16]),
      g.input('w2', 'float32', [16, 16, 3, 3]),
    ];
    const h = G.relu(G.conv2d(x, w1, b1, { padding: 1 }));
    const y = G.add(x, G.conv2d(h, w2, null, { padding: 1 }));
    const inputs = [x, w1, b1, w2];
    const outputs = { y };
    const lowered = lowerToNchwc(g, { inputs, outputs }, 16);
    const ops = lowered.graph.nodes.map((n) => `${n.domain}:${n.op}`);
    expect(ops.filter((o) => o === `${NCHWC_DOMAIN}:Conv`)).toHaveLength(2);
    expect(ops).toContain(':Relu');
    const feeds = Object.fromEntries(
      inputs.map((v) => [v.name, randomTensor(v.shape as number[], rng)]),
    );
    const [plain, nchwc] = await runBoth({ graph: g, inputs, outputs, feeds });
    expectCloseToScale(plain['y']!, nchwc['y']!, TOL, 'y');
  });

  it('weight gradient as a Conv: the swapped-axes weight is blocked by ReorderInput', async () => {
    const rng = new Rng(11);
    const g = new G.Graph();
    const x = g.input('x', 'float32', [16, 4, 6, 5]);
    const gy = g.input('gy', 'float32', [16, 32, 6, 5]);
    const p = { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 };
    const dw = G.convWeightGradAsConv(x, gy, [32, 4, 3, 3], p);
    const [inputs, outputs] = [[x, gy], { dw }];
    const lowered = lowerToNchwc(g, { inputs, outputs }, 16);
    const ops = lowered.graph.nodes.map((n) => `${n.domain}:${n.op}`);
    expect(ops.filter((o) => o === `${NCHWC_DOMAIN}:Conv`)).toHaveLength(1);
    // x^T and gy are each blocked once; no Transpose moves single floats of gy.
    expect(ops.filter((o) => o === `${NCHWC_DOMAIN}:ReorderInput`)).toHaveLength(2);
    const perms = lowered.graph.nodes
      .filter((n) => n.op === 'Transpose')
      .map((n) => (n.attrs['perm']?.value as number[]).join());
    expect(perms).toContain('2,0,3,4,1,5');
    const feeds = Object.fromEntries(
      inputs.map((v) => [v.name, randomTensor(v.shape as number[], rng)]),
    );
    const [plain, nchwc] = await runBoth({ graph: g, inputs, outputs, feeds });
    expectCloseToScale(plain['dw']!, nchwc['dw']!, TOL, 'dw');
  });

  // Chunks of one block of examples (pieces reshaped) and of two (pieces transposed).
  for (const [batch, examples] of [
    [32, 16],
    [64, 32],
  ] as const) {
    it(`weight gradient as Convs in chunks of ${examples} of ${batch} examples x 16 channels`, async () => {
      const rng = new Rng(12);
      const g = new G.Graph();
      const x = g.input('x', 'float32', [batch, 4, 6, 5]);
      const gy = g.input('gy', 'float32', [batch, 32, 6, 5]);
      const p = {
        kernel: [3, 3],
        strides: [1, 1],
        pads: [1, 1, 1, 1],
        dilations: [1, 1],
        group: 1,
      };
      const dw = G.convWeightGradAsConv(x, gy, [32, 4, 3, 3], p, { examples, channels: 16 });
      const [inputs, outputs] = [[x, gy], { dw }];
      const lowered = lowerToNchwc(g, { inputs, outputs }, 16);
      const ops = lowered.graph.nodes.map((n) => `${n.domain}:${n.op}`);
      expect(ops.filter((o) => o === `${NCHWC_DOMAIN}:Conv`)).toHaveLength(4);
      // x and gy are each reordered once, whole; their pieces are Splits of the blocked forms.
      expect(ops.filter((o) => o === `${NCHWC_DOMAIN}:ReorderInput`)).toHaveLength(2);
      const feeds = Object.fromEntries(
        inputs.map((v) => [v.name, randomTensor(v.shape as number[], rng)]),
      );
      const [plain, nchwc] = await runBoth({ graph: g, inputs, outputs, feeds });
      expectCloseToScale(plain['dw']!, nchwc['dw']!, TOL, 'dw');
    });
  }

  it('leaves a Conv with a constant weight to ONNX Runtime', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', [1, 16, 5, 5]);
    const w = G.constant(g, G.tensor('float32', [16, 16, 3, 3]));
    const y = G.conv2d(x, w, null, { padding: 1 });
    expect(lowerToNchwc(g, { inputs: [x], outputs: { y } }, 16).replaced).toBe(0);
  });

  it('leaves exported files standard: exportOnnx never emits the nchwc domain', () => {
    const built = build(cases[0]!, 1);
    const bytes = G.exportOnnx(built.graph, { inputs: built.inputs, outputs: built.outputs });
    expect(Buffer.from(bytes).includes(Buffer.from(NCHWC_DOMAIN))).toBe(false);
  });

  it('detects a block size of 0, 8 or 16', async () => {
    expect([0, 8, 16]).toContain(await nchwcBlockSize());
  });
});
