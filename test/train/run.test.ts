import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gaussianMixture } from '../../src/data/toys/gaussian-mixture.ts';
import type { CheckpointData, ParamSlice } from '../../src/io/checkpoint.ts';
import { Rng } from '../../src/rng/rng.ts';
import { resolveConfig } from '../../src/train/config.ts';
import { presetConfig } from '../../src/train/presets.ts';
import { runTraining, type RunInfo, type TrainIO } from '../../src/train/run.ts';
import { type MetricsRecord, trainLoop } from '../../src/train/trainer.ts';
import { TrainStep, type TrainStepSpec } from '../../src/train/train-step.ts';

/** In-memory run outputs. */
function memoryIO(): TrainIO & { checkpoints: CheckpointData[]; metrics: MetricsRecord[] } {
  const checkpoints: CheckpointData[] = [];
  const metrics: MetricsRecord[] = [];
  return {
    checkpoints,
    metrics,
    writeCheckpoint: async (d) => {
      checkpoints.push({
        ...d,
        theta: d.theta.slice(),
        ema: d.ema.slice(),
        m: d.m.slice(),
        v: d.v.slice(),
      });
    },
    appendMetrics: async (r) => void metrics.push(r),
    log: () => undefined,
  };
}

const toy = gaussianMixture({
  means: [
    [-3, -1],
    [3, 1],
  ],
  scales: 0.5,
  weights: [0.8, 0.2],
});
const cfg = (steps: number) =>
  resolveConfig(presetConfig('toy2d'), {
    steps,
    batchSize: 64,
    log: { every: 5, checkpointEvery: 20 },
    model: { name: 'mlp', config: { hidden: 32, layers: 2 } },
  });

describe('training runs', () => {
  it('a resumed run reproduces the uninterrupted loss curve exactly', async () => {
    const full = memoryIO();
    await runTraining(cfg(40), toy, full, { threads: 1 });
    const first = memoryIO();
    await runTraining(cfg(20), toy, first, { threads: 1 });
    const ckpt = first.checkpoints.at(-1)!;
    expect(ckpt.state.step).toBe(20);
    const second = memoryIO();
    await runTraining(cfg(40), toy, second, {
      threads: 1,
      resume: {
        info: ckpt.config as RunInfo,
        load: async (_layout: readonly ParamSlice[]) => ckpt,
      },
    });
    const curve = [...first.metrics, ...second.metrics].map((m) => [m.step, m.loss]);
    expect(curve).toEqual(full.metrics.map((m) => [m.step, m.loss]));
    expect(Array.from(second.checkpoints.at(-1)!.theta)).toEqual(
      Array.from(full.checkpoints.at(-1)!.theta),
    );
  });

  it('records per-noise-level losses and the NCSNv2 sigma_1 with its reason', async () => {
    const io = memoryIO();
    const lines: string[] = [];
    const r = await runTraining(cfg(10), toy, { ...io, log: (l) => lines.push(l) }, { threads: 1 });
    expect(lines.some((l) => /^sigma_1 = .*technique 1/.test(l))).toBe(true);
    expect(r.info.sigmas.length).toBe(10);
    const last = io.metrics.at(-1)!;
    expect(Object.keys(last['loss_by_level'] as object).length).toBe(4);
  });
});

describe('the divergence guard', () => {
  // loss = 0.5 * sum((theta - c)^2); the batch feeds c, and a NaN c is the injected fault.
  const spec: TrainStepSpec = {
    inputs: { c: { dtype: 'float32', shape: [3] } },
    loss: (scope, { c }) => {
      const d = G.sub(
        scope.param('w', [3], (_r, _s) => new Float32Array(3)),
        c!,
      );
      return G.mul(G.reduceSum(G.mul(d, d)), 0.5);
    },
  };
  const badAt = 6;
  const hooks = (checkpoints: Float32Array[], nanSteps: Set<number>) => ({
    batch: async (step: number) => ({
      feeds: { c: G.tensor('float32', [3], nanSteps.has(step) ? [1, Number.NaN, 1] : [1, 2, 3]) },
      batchSize: 1,
    }),
    checkpoint: async (s: { theta: Float32Array }) => void checkpoints.push(s.theta.slice()),
  });
  const opts = (action: 'stop' | 'rollback') => ({
    steps: 12,
    schedule: { lr: 0.1, warmup: 0 },
    checkpointEvery: 4,
    sampleEvery: 0,
    logEvery: 1,
    divergence: { action, lrFactor: 0.5, maxRollbacks: 2 },
  });

  it("'stop' ends the run naming the step, with the last checkpoint finite", async () => {
    const ts = await TrainStep.create(spec, (l) => l.initialize(new Rng(0)), { threads: 1 });
    const saved: Float32Array[] = [];
    await expect(trainLoop(ts, hooks(saved, new Set([badAt])), opts('stop'))).rejects.toThrow(
      /diverged at step 7/,
    );
    expect(saved.length).toBe(1); // step 4
    expect(saved.every((t) => t.every(Number.isFinite))).toBe(true);
    expect(Array.from(ts.state.theta).every(Number.isFinite)).toBe(true);
    await ts.release();
  });

  it("'rollback' restores the last checkpoint, halves the learning rate and finishes", async () => {
    const ts = await TrainStep.create(spec, (l) => l.initialize(new Rng(0)), { threads: 1 });
    const saved: Float32Array[] = [];
    const rolled: [number, number][] = [];
    const nan = new Set([badAt]);
    const h = {
      ...hooks(saved, nan),
      rolledBack: (step: number, scale: number) => (rolled.push([step, scale]), nan.clear()),
    };
    const out = await trainLoop(ts, h, opts('rollback'));
    expect(rolled).toEqual([[7, 0.5]]);
    expect(out).toMatchObject({ step: 12, stopped: 'done', rollbacks: 1 });
    expect(saved.every((t) => t.every(Number.isFinite))).toBe(true);
    await ts.release();
  });

  it('gives up after maxRollbacks when the fault persists', async () => {
    const ts = await TrainStep.create(spec, (l) => l.initialize(new Rng(0)), { threads: 1 });
    await expect(trainLoop(ts, hooks([], new Set([badAt])), opts('rollback'))).rejects.toThrow(
      /after 2 rollbacks/,
    );
    await ts.release();
  });
});

describe('DDPM training of a U-Net on padded images', () => {
  it('pads 12x12 items to 16x16 and takes finite DDPM steps', async () => {
    const { arraySource } = await import('../../src/data/source.ts');
    const images = new Rng(3).fillUniform(new Float32Array(16 * 144));
    const source = arraySource('tiny', images, [1, 12, 12], [0, 1]);
    const c = resolveConfig({
      data: { name: 'tiny', padTo: 16 },
      model: {
        name: 'unet',
        config: { nf: 32, chMult: [1, 2], numResBlocks: 1, attnResolutions: [8] },
      },
      steps: 2,
      batchSize: 4,
      log: { every: 1 },
    });
    const io = memoryIO();
    const r = await runTraining(c, source, io, { threads: 1 });
    expect(r.info.dataShape).toEqual([1, 16, 16]);
    expect(r.info.sigmas).toHaveLength(1000);
    expect(io.metrics.map((m) => Number.isFinite(m.loss))).toEqual([true, true]);
  });
});
