/**
 * A whole training run from a resolved config: data transforms, the noise schedule, the
 * model, the compiled DSM training step, and the loop with its hooks. I/O (checkpoints,
 * metrics, sample pictures) goes through a {@link TrainIO} the caller provides, so this file
 * runs anywhere the library does.
 */
import { openDataset, type DatasetRegistry } from '../data/dataset.ts';
import type { DataRange, DataSource } from '../data/source.ts';
import { compose, type Transform } from '../data/transforms/transform.ts';
import { dequantize } from '../data/transforms/dequantize.ts';
import { randomHorizontalFlip } from '../data/transforms/flip.ts';
import { pad } from '../data/transforms/pad.ts';
import { scaleTo } from '../data/transforms/scale.ts';
import type { ParamLayout } from '../nn/params.ts';
import { Rng } from '../rng/rng.ts';
import { MODELS } from '../models/registry.ts';
import { linearVpSchedule } from '../score/vp.ts';
import { ddpmObjective, dsmObjective, type Objective } from './objective.ts';
import type { CheckpointData, ParamSlice } from '../io/checkpoint.ts';
import type { TrainConfig } from './config.ts';
import { DataStream } from './data-stream.ts';
import { resolveNoiseSchedule } from './noise-schedule.ts';
import { previewSamples } from './preview.ts';
import { resolveScoreModel, type ResolvedModel } from './score-models.ts';
import { type MetricsRecord, trainLoop, type TrainOutcome } from './trainer.ts';
import { TrainStep, type TrainState } from './train-step.ts';

/** Where a run writes: the caller decides how (files, memory, a browser download). */
export interface TrainIO {
  writeCheckpoint(data: CheckpointData): Promise<void>;
  appendMetrics(record: MetricsRecord): Promise<void>;
  /** EMA samples at `step` ([n, ...dataShape] in the data range) for a picture. */
  writeSamples?(
    step: number,
    samples: Float32Array,
    shape: readonly number[],
    range: DataRange,
  ): Promise<void>;
  /** Human-readable lines (the schedule and why, parameter counts...). */
  log(line: string): void;
  progress?(step: number, total: number, loss: number, examplesPerSec: number): void;
}

/** What the run learned about its data and schedule (stored in config.json). */
export interface RunInfo {
  readonly config: TrainConfig;
  readonly dataShape: readonly number[];
  readonly dataRange: DataRange;
  readonly sigmas: readonly number[];
  readonly scheduleReasons: readonly string[];
  readonly parameters: number;
  readonly versions: Readonly<Record<string, string>>;
}

export interface RunOptions {
  readonly threads?: number;
  /** ONNX Runtime's spinning threads (SessionOptions.spinning); default on. */
  readonly spinning?: boolean;
  /** Resume: the checkpoint's run info (schedule), and a loader for its state given the layout. */
  readonly resume?: {
    readonly info: RunInfo;
    load(layout: readonly ParamSlice[]): Promise<CheckpointData>;
  };
  readonly signal?: AbortSignal;
}

const INIT = 11;
const SCHEDULE = 12;
const SAMPLE = 13;

function dataTransform(
  cfg: TrainConfig['data'],
  from: DataRange,
  itemShape: readonly number[],
): { transform?: Transform; range: DataRange; scale: number } {
  const parts: Transform[] = [];
  if (cfg.dequantize) parts.push(dequantize());
  const range: DataRange = cfg.range === '-1,1' ? [-1, 1] : cfg.range === '0,1' ? [0, 1] : from;
  if (cfg.range) parts.push(scaleTo(from, range));
  if (cfg.flip) parts.push(randomHorizontalFlip());
  if (cfg.padTo !== undefined) parts.push(pad(padAmount(itemShape, cfg.padTo)));
  const scale = (range[1] - range[0]) / (from[1] - from[0]);
  return { transform: parts.length ? compose(...parts) : undefined, range, scale };
}

/** Pixels to add on each side to bring square [C, H, H] images to `padTo` x `padTo`. */
function padAmount(shape: readonly number[], padTo: number): number {
  const [c, h, w] = shape;
  if (shape.length !== 3 || c === undefined || h !== w) {
    throw new Error(`data.padTo needs square image data [C, H, H], got [${shape.join(', ')}]`);
  }
  const extra = padTo - h!;
  if (extra < 0 || extra % 2 !== 0) {
    throw new Error(`data.padTo ${padTo}: cannot pad ${h}x${h} images evenly to that size`);
  }
  return extra / 2;
}

function paddedShape(shape: readonly number[], padTo: number | undefined): number[] {
  if (padTo === undefined) return [...shape];
  padAmount(shape, padTo);
  return [shape[0]!, padTo, padTo];
}

/**
 * The objective for the configured model: DDPM's loss with the model's VP schedule for
 * 'vp-time' noise predictors, else DSM over the configured (or resumed) noise levels.
 */
async function chooseObjective(
  cfg: TrainConfig,
  source: DataSource,
  dataShape: readonly number[],
  scale: number,
  resumed: RunInfo | undefined,
): Promise<{
  objective: Objective;
  model: ResolvedModel;
  sigmas: Float64Array;
  reasons: readonly string[];
}> {
  if (MODELS.get(cfg.model.name).conditioning === 'vp-time') {
    const model = resolveScoreModel(cfg.model, dataShape, []);
    const c = model.config as { numTimesteps?: number; betaMin?: number; betaMax?: number };
    const vp = linearVpSchedule(c.numTimesteps, c.betaMin, c.betaMax);
    const sigmas = Float64Array.from(vp.sigmas).reverse();
    return {
      objective: ddpmObjective(model, vp),
      model,
      sigmas,
      reasons: [
        `DDPM linear betas ${vp.betas[0]} .. ${vp.betas[vp.betas.length - 1]}, T = ${vp.betas.length}`,
      ],
    };
  }
  const schedule = resumed
    ? { sigmas: Float64Array.from(resumed.sigmas), reasons: resumed.scheduleReasons }
    : await resolveNoiseSchedule(cfg.noise, source, scale, Rng.derive(cfg.seed, SCHEDULE));
  const model = resolveScoreModel(cfg.model, dataShape, schedule.sigmas);
  return {
    objective: dsmObjective(model, schedule.sigmas),
    model,
    sigmas: schedule.sigmas,
    reasons: schedule.reasons,
  };
}

/** Opens the configured dataset from `registry`. */
export function openTrainingData(cfg: TrainConfig, registry: DatasetRegistry): Promise<DataSource> {
  return openDataset(registry, cfg.data.name, cfg.data.options);
}

/** Runs (or resumes) training; returns the outcome, the final state and the run info. */
export async function runTraining(
  cfg: TrainConfig,
  source: DataSource,
  io: TrainIO,
  opts: RunOptions = {},
): Promise<{
  outcome: TrainOutcome;
  state: TrainState;
  layout: ParamLayout;
  info: RunInfo;
  model: ResolvedModel;
}> {
  const { transform, range, scale } = dataTransform(cfg.data, source.range, source.shape);
  const dataShape = paddedShape(source.shape, cfg.data.padTo);
  const resumed = opts.resume?.info;
  const { objective, model, sigmas, reasons } = await chooseObjective(
    cfg,
    source,
    dataShape,
    scale,
    resumed,
  );
  for (const r of reasons) io.log(r);
  io.log(
    `${objective.name}: noise levels ${sigmas.length}, sigma ${sigmas[0]!.toPrecision(4)} .. ${sigmas[sigmas.length - 1]!.toPrecision(4)}`,
  );
  const B = cfg.batchSize;
  const sessionOpts = { threads: opts.threads, spinning: opts.spinning };
  const trainer = await TrainStep.create(
    {
      inputs: objective.inputs(B, dataShape),
      loss: (scope, inputs) => objective.loss(scope, inputs),
      adam: {
        beta1: cfg.optim.beta1,
        beta2: cfg.optim.beta2,
        eps: cfg.optim.eps,
        weightDecay: cfg.optim.weightDecay,
      },
      clipNorm: cfg.optim.clipNorm ?? undefined,
      emaDecay: cfg.optim.ema,
    },
    (layout) => layout.initialize(Rng.derive(cfg.seed, INIT)),
    sessionOpts,
  );
  const layout = trainer.layout;
  io.log(`model ${cfg.model.name}: ${layout.describeCount()} parameters (${layout.size})`);
  const info: RunInfo = {
    config: cfg,
    dataShape,
    dataRange: range,
    sigmas: Array.from(sigmas),
    scheduleReasons: reasons,
    parameters: layout.size,
    versions: { scorekit: '0.1.0', format: '1' },
  };
  const slices = layout.specs.map((s) => ({
    name: s.name,
    shape: s.shape,
    offset: s.offset,
    size: s.size,
  }));
  let lrScale = 1;
  if (opts.resume) {
    const r = await opts.resume.load(slices);
    trainer.setState({ theta: r.theta, m: r.m, v: r.v, ema: r.ema, step: r.state.step });
    lrScale = typeof r.state['lrScale'] === 'number' ? r.state['lrScale'] : 1;
    io.log(`resumed at step ${r.state.step}`);
  }
  const stream = new DataStream(source, {
    batchSize: B,
    seed: cfg.seed,
    transform,
    itemShape: dataShape,
  });
  const outcome = await trainLoop(
    trainer,
    {
      batch: objective.batches(stream),
      checkpoint: (state, scaleNow) =>
        io.writeCheckpoint({
          config: info,
          layout: slices,
          ...state,
          state: { step: state.step, lrScale: scaleNow, seed: cfg.seed },
        }),
      metrics: (rec) => io.appendMetrics(rec),
      progress: (step, l, rate) => io.progress?.(step, cfg.steps, l, rate),
      rolledBack: (step, s) =>
        io.log(
          `step ${step}: non-finite loss or gradient; rolled back to the last checkpoint, learning rate x${s}`,
        ),
      sample: io.writeSamples
        ? async (step, state) => {
            const rng = Rng.derive(cfg.seed, SAMPLE, step);
            const samples = await previewSamples(
              model,
              layout,
              state.ema,
              info,
              rng,
              cfg.log.sampleCount,
              sessionOpts,
            );
            await io.writeSamples!(step, samples, dataShape, range);
          }
        : undefined,
    },
    {
      steps: cfg.steps,
      schedule: { lr: cfg.optim.lr, warmup: cfg.optim.warmup },
      checkpointEvery: cfg.log.checkpointEvery,
      sampleEvery: cfg.log.sampleEvery,
      logEvery: cfg.log.every,
      divergence: cfg.divergence,
      signal: opts.signal,
    },
    lrScale,
  );
  const state = {
    ...trainer.state,
    theta: trainer.state.theta.slice(),
    ema: trainer.state.ema.slice(),
    m: trainer.state.m.slice(),
    v: trainer.state.v.slice(),
  };
  await trainer.release();
  return { outcome, state, layout, info, model };
}
