import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { Rng } from '../../src/rng/rng.ts';
import { constantInit } from '../../src/nn/init.ts';
import { linear } from '../../src/nn/linear.ts';
import { conv2dLayer } from '../../src/nn/conv2d.ts';
import { constantScope, declareParams } from '../../src/nn/params.ts';
import { compile } from '../../src/runtime/session.ts';
import { TrainStep, type TrainStepSpec } from '../../src/train/train-step.ts';

/** Reference Adam/AdamW in plain JS (torch.optim semantics), float64. */
function refAdam(
  theta: number[],
  grads: (t: number[]) => number[],
  steps: number,
  lr: number,
  o: { wd: number; decoupled: boolean; clip?: number },
) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  const th = [...theta];
  for (let t = 1; t <= steps; t++) {
    let g = grads(th);
    if (o.clip) {
      const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      const scale = Math.min(1, o.clip / (norm + 1e-6));
      g = g.map((x) => x * scale);
    }
    if (!o.decoupled) g = g.map((x, i) => x + o.wd * th[i]!);
    for (let i = 0; i < th.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      const mh = m[i]! / (1 - b1 ** t);
      const vh = v[i]! / (1 - b2 ** t);
      th[i] = th[i]! - lr * (mh / (Math.sqrt(vh) + eps) + (o.decoupled ? o.wd * th[i]! : 0));
    }
  }
  return th;
}

// loss = 0.5 * sum(c * (theta - target)^2): gradient c * (theta - target).
const target = [1, -2, 3, 0.5];
const curv = [1, 10, 0.1, 3];
function quadSpec(extra: Partial<TrainStepSpec> = {}): TrainStepSpec {
  return {
    inputs: { c: { dtype: 'float32', shape: [4] } },
    loss: (scope, { c }) => {
      const th = scope.param('theta', [4], (_r, _s) => new Float32Array([0, 0, 0, 0]));
      const d = G.sub(th, G.constant(th.graph, G.tensor('float32', [4], target)));
      return G.mul(G.reduceSum(G.mul(c!, G.mul(d, d))), 0.5);
    },
    ...extra,
  };
}
const quadGrad = (t: number[]) => t.map((x, i) => curv[i]! * (x - target[i]!));
const feed = { c: G.tensor('float32', [4], curv) };

describe('TrainStep: Adam, AdamW, clipping and EMA in one graph', () => {
  for (const [label, adam, wd, clip] of [
    ['Adam', { decoupled: false, weightDecay: 0.1 }, 0.1, undefined],
    ['AdamW', { decoupled: true, weightDecay: 0.1 }, 0.1, undefined],
    ['Adam with clipping', {}, 0, 0.5],
  ] as const) {
    for (const paramLayout of ['per-tensor', 'flat'] as const) {
      it(`${label} (${paramLayout} parameters) matches a float64 reference over 20 steps`, async () => {
        const ts = await TrainStep.create(
          quadSpec({ adam, clipNorm: clip }),
          (l) => l.initialize(new Rng(0)),
          { threads: 1, paramLayout },
        );
        for (let i = 0; i < 20; i++) expect((await ts.run(feed, 0.05)).applied).toBe(true);
        const ref = refAdam([0, 0, 0, 0], quadGrad, 20, 0.05, {
          wd,
          decoupled: adam.decoupled ?? true,
          clip,
        });
        const got = Array.from(ts.state.theta);
        got.forEach((x, i) => expect(x).toBeCloseTo(ref[i]!, 4));
        expect(ts.state.step).toBe(20);
        await ts.release();
      });
    }
  }

  it('keeps an exponential moving average of the parameters', async () => {
    const ts = await TrainStep.create(
      quadSpec({ emaDecay: 0.9 }),
      (l) => l.initialize(new Rng(0)),
      { threads: 1 },
    );
    const ema = [0, 0, 0, 0];
    for (let t = 1; t <= 10; t++) {
      await ts.run(feed, 0.1);
      const d = Math.min(0.9, (1 + t) / (10 + t)); // warm-up, then the decay
      ts.state.theta.forEach((x, j) => (ema[j] = d * ema[j]! + (1 - d) * x));
    }
    Array.from(ts.state.ema).forEach((x, j) => expect(x).toBeCloseTo(ema[j]!, 5));
    await ts.release();
  });

  it('leaves the state untouched when the loss is not finite', async () => {
    const ts = await TrainStep.create(quadSpec(), (l) => l.initialize(new Rng(0)), { threads: 1 });
    await ts.run(feed, 0.1);
    const before = Float32Array.from(ts.state.theta);
    const r = await ts.run({ c: G.tensor('float32', [4], [1, Number.NaN, 1, 1]) }, 0.1);
    expect(r.applied).toBe(false);
    expect(Number.isNaN(r.loss)).toBe(true);
    expect(Array.from(ts.state.theta)).toEqual(Array.from(before));
    expect(ts.state.step).toBe(1);
    expect((await ts.run(feed, 0.1)).applied).toBe(true);
    await ts.release();
  });

  it('an MLP learns sin(3x) on [-1, 1] to a mean squared error below 2e-3', async () => {
    const B = 128;
    const spec: TrainStepSpec = {
      inputs: { x: { dtype: 'float32', shape: [B, 1] }, y: { dtype: 'float32', shape: [B, 1] } },
      loss: (scope, { x, y }) => {
        let h = G.tanh(linear(scope, 'l1', x!, 1, 64));
        h = G.tanh(linear(scope, 'l2', h, 64, 64));
        const d = G.sub(linear(scope, 'l3', h, 64, 1), y!);
        return G.reduceMean(G.mul(d, d));
      },
    };
    const rng = new Rng(1);
    const ts = await TrainStep.create(spec, (l) => l.initialize(rng), { threads: 1 });
    expect(ts.layout.size).toBe(1 * 64 + 64 + 64 * 64 + 64 + 64 + 1);
    let last = Infinity;
    for (let i = 0; i < 1500; i++) {
      const x = rng.fillUniform(new Float32Array(B), -1, 1);
      const y = x.map((v) => Math.sin(3 * v));
      last = (
        await ts.run(
          { x: G.tensor('float32', [B, 1], x), y: G.tensor('float32', [B, 1], y) },
          i < 1000 ? 3e-3 : 1e-3,
        )
      ).loss;
    }
    expect(last).toBeLessThan(2e-3);
    await ts.release();
  });

  it('parameters declared with an initialiser start at its values', async () => {
    const spec: TrainStepSpec = {
      inputs: {},
      loss: (scope) => G.reduceSum(G.mul(scope.param('w', [3], constantInit(2)), 1)),
    };
    const ts = await TrainStep.create(spec, (l) => l.initialize(new Rng(0)), { threads: 1 });
    expect(Array.from(ts.state.theta)).toEqual([2, 2, 2]);
    await ts.release();
  });
});

describe('TrainStep trains a small conv net', () => {
  it('a student conv-relu-conv net fits a teacher of the same shape (loss down 20x)', async () => {
    const B = 16;
    const net = (scope: Parameters<TrainStepSpec['loss']>[0], x: G.Value) => {
      const h = G.relu(conv2dLayer(scope, 'c1', x, 1, 8, 3, { padding: 1 }));
      return conv2dLayer(scope, 'c2', h, 8, 1, 3, { padding: 1 });
    };
    // The teacher: the same architecture with fixed random weights, baked in as constants.
    const teacherG = new G.Graph();
    const tx = teacherG.input('x', 'float32', [B, 1, 8, 8]);
    const layout = declareParams(
      (s, g) => net(s, g.input('x', 'float32', [B, 1, 8, 8])),
      new G.Graph(),
    );
    const ty = net(constantScope(teacherG, layout, layout.initialize(new Rng(99))), tx);
    const teacher = await compile(teacherG, { inputs: [tx], outputs: { y: ty } }, { threads: 1 });
    const spec: TrainStepSpec = {
      inputs: {
        x: { dtype: 'float32', shape: [B, 1, 8, 8] },
        y: { dtype: 'float32', shape: [B, 1, 8, 8] },
      },
      loss: (scope, { x, y }) => {
        const d = G.sub(net(scope, x!), y!);
        return G.reduceMean(G.mul(d, d));
      },
    };
    const rng = new Rng(2);
    const ts = await TrainStep.create(spec, (l) => l.initialize(rng), { threads: 1 });
    const losses: number[] = [];
    for (let i = 0; i < 600; i++) {
      const x = G.tensor('float32', [B, 1, 8, 8], rng.normals(B * 64));
      const y = (await teacher.run({ x }))['y']!;
      losses.push((await ts.run({ x, y }, 1e-2)).loss);
    }
    const first = losses.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = losses.slice(-10).reduce((a, b) => a + b) / 10;
    expect(last).toBeLessThan(first / 20);
    await ts.release();
    await teacher.release();
  });
});
