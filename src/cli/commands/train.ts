/**
 * `scorekit train`: resolve the config (defaults <- preset <- --config file <- flags), train
 * with checkpoints, metrics and the divergence guard; Ctrl-C stops after the current step
 * with a final checkpoint.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createDatasetRegistry } from '../../io/datasets.ts';
import {
  checkpointDir,
  newestCheckpoint,
  type ParamSlice,
  readCheckpoint,
  readCheckpointConfig,
} from '../../io/checkpoint.ts';
import { runFiles, truncateMetrics } from '../../io/run-files.ts';
import { resolveConfig, type PartialConfig, type TrainConfig } from '../../train/config.ts';
import { PRESETS, presetConfig } from '../../train/presets.ts';
import { openTrainingData, runTraining, type RunInfo } from '../../train/run.ts';
import { type Command, type Flags, UsageError } from '../command.ts';
import { ProgressBar, formatSeconds } from '../progress.ts';
import { dataFromPath } from './data-path.ts';

const presetList = Object.entries(PRESETS)
  .map(([k, p]) => `      ${k.padEnd(14)} ${p.description}`)
  .join('\n');

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a score network by denoising score matching (checkpoints, resume, EMA)',
  help: `Usage: scorekit train (--preset NAME | --data NAME|PATH --model NAME) [options] --out DIR [--resume]

Config is resolved as defaults <- preset <- --config FILE (JSON) <- flags, validated once.
The resolved config, data statistics and noise schedule go into every checkpoint.

  --preset NAME        one of:
${presetList}
  --config FILE        a JSON file with any config fields (see src/train/config.ts)
  --data NAME|PATH     a dataset name (scorekit datasets are listed in errors) or a path:
                       .npy/.csv (tabular), a folder of images, an IDX file
  --model NAME         mlp | ncsn | ncsnv2 | unet
  --steps N            training steps
  --batch-size B       examples per step
  --lr LR              Adam learning rate     --warmup N   linear warm-up steps
  --ema RATE           EMA decay (default 0.999)
  --clip NORM          clip the global gradient norm (0: off)
  --sigma-max S | auto --sigma-min S --num-scales L | auto   the geometric noise levels
                       ('auto': NCSNv2 techniques 1 and 2 computed from the data)
  --seed S             random seed (default 0): same seed, same threads -> same run
  --threads T          ONNX Runtime threads (default: all cores)
  --no-spin            ONNX Runtime's idle threads block instead of spinning: steadier
                       on shared or virtualised cores (docs/PERFORMANCE.md)
  --checkpoint-every K --keep N   checkpoint cadence and how many to keep
  --sample-every K     EMA sample pictures every K steps (0: off)
  --log-every K        metrics.jsonl cadence
  --on-divergence stop|rollback   what a non-finite loss does (default rollback)
  --out DIR            the run folder (checkpoints/, metrics.jsonl, samples/)
  --resume             continue the run in --out from its newest checkpoint, exactly
`,
  options: {
    preset: { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string' },
    model: { type: 'string' },
    steps: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    warmup: { type: 'string' },
    ema: { type: 'string' },
    clip: { type: 'string' },
    'sigma-max': { type: 'string' },
    'sigma-min': { type: 'string' },
    'num-scales': { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    'no-spin': { type: 'boolean' },
    'checkpoint-every': { type: 'string' },
    keep: { type: 'string' },
    'sample-every': { type: 'string' },
    'log-every': { type: 'string' },
    'on-divergence': { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean' },
  },
  run: runTrain,
};

function autoOrNumber(flags: Flags, name: string): number | 'auto' | undefined {
  return flags.string(name) === 'auto'
    ? 'auto'
    : flags.number(name, { min: 0, exclusiveMin: true });
}

/** The config layer given by flags. */
function flagLayer(flags: Flags): PartialConfig {
  const clip = flags.number('clip', { min: 0 });
  const action = flags.string('on-divergence');
  if (action !== undefined && action !== 'stop' && action !== 'rollback') {
    throw new UsageError(`--on-divergence must be stop or rollback, got "${action}"`);
  }
  const data = flags.string('data');
  return {
    data: data === undefined ? undefined : { name: data },
    model: flags.string('model') === undefined ? undefined : { name: flags.string('model')! },
    noise: {
      sigmaMax: autoOrNumber(flags, 'sigma-max'),
      sigmaMin: flags.number('sigma-min', { min: 0, exclusiveMin: true }),
      numScales: autoOrNumber(flags, 'num-scales'),
    },
    optim: {
      lr: flags.number('lr', { min: 0, exclusiveMin: true }),
      warmup: flags.int('warmup'),
      ema: flags.number('ema', { min: 0, max: 0.999999 }),
      clipNorm: clip === 0 ? null : clip,
    },
    steps: flags.int('steps', 1),
    batchSize: flags.int('batch-size', 1),
    seed: flags.int('seed'),
    log: {
      every: flags.int('log-every', 1),
      checkpointEvery: flags.int('checkpoint-every', 1),
      keep: flags.int('keep', 1),
      sampleEvery: flags.int('sample-every'),
    },
    divergence: action === undefined ? undefined : { action },
  } as PartialConfig;
}

async function readConfigFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--config ${path}: file not found`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** A --data value that is not a registry name but a path becomes a dataset name + options. */
function dataLayer(flags: Flags, registryNames: readonly string[]): PartialConfig {
  const data = flags.string('data');
  if (data === undefined || registryNames.includes(data)) return {};
  if (!existsSync(data))
    throw new UsageError(
      `--data ${data}: not a dataset name (${registryNames.join(', ')}) nor an existing path`,
    );
  return { data: dataFromPath(resolve(data)) };
}

async function runTrain(flags: Flags): Promise<void> {
  const out = resolve(flags.requireString('out'));
  const registry = createDatasetRegistry();
  let base: unknown = {};
  let resumeStep: number | undefined;
  if (flags.bool('resume')) {
    resumeStep = await newestCheckpoint(out);
    if (resumeStep === undefined)
      throw new UsageError(`--resume: no checkpoint in ${out}/checkpoints`);
    base = ((await readCheckpointConfig(checkpointDir(out, resumeStep))) as RunInfo).config;
  } else if (
    !flags.has('preset') &&
    !(flags.has('data') && flags.has('model')) &&
    !flags.has('config')
  ) {
    throw new UsageError(
      'train: pass --preset NAME, or --data and --model (see scorekit train --help)',
    );
  }
  const preset = flags.string('preset');
  const cfg: TrainConfig = resolveConfig(
    base,
    preset ? presetConfig(preset) : {},
    flags.has('config') ? await readConfigFile(flags.requireString('config')) : {},
    dataLayer(flags, registry.names()),
    flagLayer(flags),
  );
  const source = await openTrainingData(cfg, registry);
  const files = await runFiles(out, cfg.log.keep);
  if (resumeStep !== undefined) await truncateMetrics(out, resumeStep);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      '\ninterrupted: finishing the current step and writing a checkpoint (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = new ProgressBar('train', cfg.steps, 'steps', process.stderr, resumeStep ?? 0);
  const t0 = performance.now();
  try {
    const dir = resumeStep === undefined ? null : checkpointDir(out, resumeStep);
    const resume = dir
      ? {
          info: (await readCheckpointConfig(dir)) as RunInfo,
          load: (layout: readonly ParamSlice[]) => readCheckpoint(dir, layout),
        }
      : undefined;
    const r = await runTraining(
      cfg,
      source,
      {
        ...files,
        appendMetrics: (rec) => files.appendMetrics(rec),
        log: (line) => process.stderr.write(`${line}\n`),
        progress: (step, _total, loss, rate) =>
          bar.update(step, `loss ${loss.toPrecision(4)} ${rate.toFixed(0)} ex/s`),
      },
      {
        threads: flags.int('threads', 1),
        spinning: !flags.bool('no-spin'),
        resume,
        signal: controller.signal,
      },
    );
    const how = r.outcome.stopped === 'aborted' ? 'stopped by Ctrl-C' : 'finished';
    process.stderr.write(
      `${how} at step ${r.outcome.step} in ${formatSeconds((performance.now() - t0) / 1000)}; checkpoint ${checkpointDir(out, r.outcome.step)}\n`,
    );
    process.stdout.write(`${out}\n`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
