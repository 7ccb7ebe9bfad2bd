/**
 * Every registered model as a score model: exported with a symbolic batch and run by ONNX
 * Runtime at two batch sizes; trained a few steps with DSM in one compiled TrainStep (the loss
 * goes down); the VP-to-score wrapper equals -eps / sigma at the schedule's steps.
 */
import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { buildModel, type Model } from '../../src/models/registry.ts';
import type { UnetConfig } from '../../src/models/unet.ts';
import { vpNegLogAlphaBars } from '../../src/models/vp-score.ts';
import { constantScope } from '../../src/nn/params.ts';
import { Rng } from '../../src/rng/rng.ts';
import { Session } from '../../src/runtime/session.ts';
import { dsmLoss } from '../../src/score/dsm.ts';
import { exportScoreModel } from '../../src/score/score-model.ts';
import { TrainStep } from '../../src/train/train-step.ts';
import { run } from '../helpers/run-graph.ts';

const SIGMAS = [1, 0.5, 0.25, 0.1];
const IMAGE = { dataShape: [1, 8, 8], sigmas: SIGMAS };
const UNET_TINY = { nf: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], numGroups: 4 };

const models: [string, Model][] = [
  ['mlp', buildModel('mlp', { hidden: 16, layers: 2 }, { dataShape: [2] })],
  ['ncsn', buildModel('ncsn', { ngf: 4, sigmas: SIGMAS }, IMAGE)],
  ['ncsnv2', buildModel('ncsnv2', { ngf: 4 }, IMAGE)],
  ['unet', buildModel('unet', UNET_TINY, IMAGE)],
];

describe('export as a score model (symbolic batch)', () => {
  for (const [name, model] of models) {
    it(`${name}: runs in ONNX Runtime at batch 1 and 5 with config metadata`, async () => {
      const layout = model.layout();
      const theta = layout.initialize(new Rng(1));
      const bytes = exportScoreModel(model.score, layout, theta, model.dataShape, {
        config: { model: name, ...model.config },
        sigmas: SIGMAS,
      });
      const session = await Session.fromBytes(bytes, { threads: 1 });
      for (const n of [1, 5]) {
        const shape = [n, ...model.dataShape];
        const x = G.tensor('float32', shape, new Rng(n).normals(G.numel(shape)));
        const sigma = G.tensor(
          'float32',
          [n],
          SIGMAS.slice(0, n).concat([0.3, 0.3, 0.3, 0.3]).slice(0, n),
        );
        const out = (await session.run({ x, sigma }))['score']!;
        expect(out.shape).toEqual(shape);
        expect(Array.from(out.data as Float32Array).every(Number.isFinite)).toBe(true);
      }
      await session.release();
    });
  }
});

/** Smooth random images in [0, 1]: one Gaussian blob each. */
function blobs(rng: Rng, n: number, shape: readonly number[]): Float32Array {
  const [c, h, w] = shape as [number, number, number];
  const out = new Float32Array(n * c * h * w);
  for (let i = 0; i < n; i++) {
    const [cy, cx] = [1 + rng.uniform() * (h - 2), 1 + rng.uniform() * (w - 2)];
    for (let k = 0; k < c * h * w; k++) {
      const [y, x] = [Math.floor(k / w) % h, k % w];
      out[i * c * h * w + k] = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / 4);
    }
  }
  return out;
}

describe('training with DSM in one compiled step', () => {
  for (const [name, model] of models.filter(([n]) => n !== 'mlp')) {
    it(`${name}: the DSM loss decreases over 40 Adam steps`, async () => {
      const B = 8;
      const shape = [B, ...model.dataShape];
      const ts = await TrainStep.create(
        {
          inputs: {
            x: { dtype: 'float32', shape },
            z: { dtype: 'float32', shape },
            sigma: { dtype: 'float32', shape: [B] },
          },
          loss: (scope, { x, z, sigma }) => dsmLoss(model.scoreNet(scope))(x!, z!, sigma!).loss,
        },
        (l) => l.initialize(new Rng(2)),
        { threads: 1 },
      );
      const rng = new Rng(3);
      const losses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const sigma = Float32Array.from({ length: B }, () => SIGMAS[rng.int(SIGMAS.length)]!);
        const r = await ts.run(
          {
            x: G.tensor('float32', shape, blobs(rng, B, model.dataShape)),
            z: G.tensor('float32', shape, rng.normals(G.numel(shape))),
            sigma: G.tensor('float32', [B], sigma),
          },
          2e-3,
        );
        expect(r.applied).toBe(true);
        losses.push(r.loss);
      }
      const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
      expect(mean(losses.slice(-10))).toBeLessThan(0.8 * mean(losses.slice(0, 10)));
      await ts.release();
    });
  }
});

describe('VP-to-score wrapper', () => {
  it('score(x, sigma_t) = -eps(x / sqrt(1 + sigma_t^2), t) / sigma_t at schedule steps', async () => {
    const model = models[3]![1];
    const config = model.config as UnetConfig;
    const layout = model.layout();
    const theta = layout.initialize(new Rng(4)).map((v, i) => v + 0.05 * Math.sin(i)); // eps != 0
    const steps = [3, 400];
    const u = vpNegLogAlphaBars(config);
    const sigma = steps.map((t) => Math.sqrt(Math.expm1(u[t]!)));
    const shape = [2, ...model.dataShape];
    const x = G.tensor('float32', shape, new Rng(5).normals(G.numel(shape)));
    const g = new G.Graph();
    const xv = g.input('x', 'float32', shape);
    const sv = g.input('sigma', 'float32', [2]);
    const tv = g.input('t', 'float32', [2]);
    const scope = constantScope(g, layout, theta);
    const score = model.score(scope, xv, sv);
    const s4 = G.unsqueeze(sv, [1, 2, 3]);
    const eps = model.epsilon(scope, G.div(xv, G.sqrt(G.add(G.mul(s4, s4), 1))), tv);
    const want = G.div(G.neg(eps), s4);
    const out = await run(
      g,
      [xv, sv, tv],
      [x, G.tensor('float32', [2], sigma), G.tensor('float32', [2], steps)],
      { score, want },
    );
    const scale = Math.max(...out['want']!.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    out['score']!.forEach((v, i) =>
      expect(Math.abs(v - out['want']![i]!)).toBeLessThan(1e-3 * scale),
    );
  });
});
