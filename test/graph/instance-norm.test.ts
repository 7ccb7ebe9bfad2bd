import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { moments } from '../../src/nn/moments.ts';
import { Rng } from '../../src/rng/rng.ts';
import { compile } from '../../src/runtime/session.ts';
import { expectCloseToScale } from '../helpers/expect-close.ts';
import { gradCheck } from '../helpers/gradcheck.ts';

// InstanceNormalization (src/graph/ops/instance-norm.ts) against the same normalisation built
// from ReduceMean and element-wise ops, whose VJPs are checked by finite differences
// elsewhere: outputs and every gradient must agree (both float32; 1e-4 of the largest value).
const TOL = 1e-4;

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  /** scale and B as graph inputs (the general rule) or constants 1 and 0 (y is x^). */
  readonly affine: boolean;
  /** Added to channel 0: a large mean relative to the spread. */
  readonly offset?: number;
}

const cases: Case[] = [
  { name: '[N, C, H, W], scale and B inputs', x: [3, 4, 5, 6], affine: true },
  { name: '[N, C, H, W], scale 1 and B 0', x: [3, 4, 5, 6], affine: false },
  { name: '[N, C, L] (GroupNorm as exported by torch)', x: [2, 3, 40], affine: false },
  { name: 'a channel with mean 300 sigma', x: [2, 3, 7, 7], affine: false, offset: 300 },
  { name: 'a channel with mean 300 sigma, affine', x: [2, 3, 7, 7], affine: true, offset: 300 },
];

function values(shape: readonly number[], rng: Rng, offset = 0): G.TensorData {
  const t = G.tensor('float32', [...shape]);
  const d = t.data as Float32Array;
  rng.fillNormal(d, 0, 1);
  const perExample = shape.slice(1).reduce((a, b) => a * b, 1);
  const perChannel = shape.slice(2).reduce((a, b) => a * b, 1);
  for (let n = 0; n < shape[0]!; n++)
    for (let i = 0; i < perChannel; i++) d[n * perExample + i]! += offset;
  return t;
}

/** gamma (x - mean) / sqrt(var + eps) + beta from the moments (the decomposed reference). */
function normalizeAffine(
  m: ReturnType<typeof moments>,
  eps: number,
  gamma: G.Value,
  beta: G.Value | null,
): G.Value {
  const scaled = G.mul(m.centered, G.div(gamma, G.sqrt(G.add(m.variance, eps))));
  return beta ? G.add(scaled, beta) : scaled;
}

describe('InstanceNormalization', () => {
  for (const [i, c] of cases.entries()) {
    it(`${c.name}: output and gradients equal the decomposed normalisation`, async () => {
      const rng = new Rng(i + 1);
      const ch = c.x[1]!;
      const results: Record<string, G.TensorData>[] = [];
      const feeds: Record<string, G.TensorData> = {
        x: values(c.x, rng, c.offset),
        gy: values(c.x, rng),
        scale: values([ch], rng),
        b: values([ch], rng),
      };
      for (const form of ['onnx', 'decomposed'] as const) {
        const g = new G.Graph();
        const x = g.input('x', 'float32', [...c.x]);
        const gy = g.input('gy', 'float32', [...c.x]);
        const scale = g.input('scale', 'float32', [ch]);
        const b = g.input('b', 'float32', [ch]);
        const axes = c.x.slice(2).map((_, k) => k + 2);
        const perChannel = (v: G.Value) => G.reshape(v, [ch, ...axes.map(() => 1)]);
        const y =
          form === 'onnx'
            ? c.affine
              ? G.apply1('InstanceNormalization', [x, scale, b])
              : G.instanceNormalize(x)
            : c.affine
              ? normalizeAffine(moments(x, axes), 1e-5, perChannel(scale), perChannel(b))
              : normalizeAffine(moments(x, axes), 1e-5, G.scalar(g, 1), null);
        const wrt = c.affine ? [x, scale, b] : [x];
        const grads = G.grad(y, wrt, [gy]);
        const outputs: Record<string, G.Value> = { y };
        grads.forEach((v, k) => (outputs[`g${k}`] = v!));
        const s = await compile(g, { inputs: [x, gy, scale, b], outputs }, { threads: 1 });
        results.push(await s.run(feeds));
        await s.release();
      }
      const [onnx, decomposed] = results as [
        Record<string, G.TensorData>,
        Record<string, G.TensorData>,
      ];
      for (const k of Object.keys(onnx)) expectCloseToScale(decomposed[k]!, onnx[k]!, TOL, k);
    });
  }

  it('matches central finite differences (float32)', async () => {
    const r = await gradCheck({
      build: ([x, s, b]) => G.apply1('InstanceNormalization', [x!, s!, b!]),
      inputs: [values([2, 3, 4], new Rng(9)), values([3], new Rng(10)), values([3], new Rng(11))],
      h: 1e-2,
      tol: 2e-2,
    });
    expect(r.checks).toBeGreaterThan(0);
  });

  it('rejects a scale that does not match the channels', () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', [2, 3, 4]);
    const s = g.input('s', 'float32', [4]);
    expect(() => G.apply1('InstanceNormalization', [x, s, s])).toThrow(
      /scale must be \[C\] = \[3\]/,
    );
  });
});
