/**
 * `scorekit export`: a checkpoint -> a score-model ONNX file (inputs x, sigma; output score)
 * with its metadata (sigmas, data shape and range, config), which `scorekit sample` then
 * uses with no extra flags.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  checkpointDir,
  newestCheckpoint,
  readCheckpoint,
  readCheckpointConfig,
} from '../../io/checkpoint.ts';
import { exportScoreModel } from '../../score/score-model.ts';
import type { RunInfo } from '../../train/run.ts';
import { resolveScoreModel } from '../../train/score-models.ts';
import { type Command, type Flags, UsageError } from '../command.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a checkpoint as a score-model ONNX file (EMA weights by default)',
  help: `Usage: scorekit export --checkpoint DIR [--ema | --raw] --out model.onnx

  --checkpoint DIR   a checkpoint directory, or a run folder (its newest checkpoint)
  --ema              export the EMA weights (the default, as the papers sample with them)
  --raw              export the raw (non-averaged) weights instead
  --out FILE         the .onnx file to write: inputs x [N, ...D] and sigma [N], output score,
                     metadata scorekit.sigmas, scorekit.data_shape, scorekit.data_range,
                     scorekit.config
`,
  options: {
    checkpoint: { type: 'string' },
    ema: { type: 'boolean' },
    raw: { type: 'boolean' },
    out: { type: 'string' },
  },
  run: runExport,
};

/** A checkpoint directory from a checkpoint or run folder path. */
export async function findCheckpoint(path: string): Promise<string> {
  const step = await newestCheckpoint(path);
  return step === undefined ? path : checkpointDir(path, step);
}

async function runExport(flags: Flags): Promise<void> {
  if (flags.bool('ema') && flags.bool('raw'))
    throw new UsageError('export: --ema and --raw exclude each other');
  const dir = await findCheckpoint(resolve(flags.requireString('checkpoint')));
  const out = resolve(flags.requireString('out'));
  const info = (await readCheckpointConfig(dir)) as RunInfo;
  if (!info.config || !Array.isArray(info.sigmas) || !Array.isArray(info.dataShape)) {
    throw new UsageError(
      `${dir}/config.json: not a scorekit training checkpoint (fields config, sigmas, dataShape missing)`,
    );
  }
  const model = resolveScoreModel(info.config.model, info.dataShape, info.sigmas);
  const layout = model.model.layout();
  const ckpt = await readCheckpoint(dir, layout.specs);
  const weights = flags.bool('raw') ? ckpt.theta : ckpt.ema;
  const bytes = exportScoreModel(
    (scope, x, sigma) => model.net(scope, x, sigma),
    layout,
    weights,
    info.dataShape,
    {
      sigmas: info.sigmas,
      dataShape: info.dataShape,
      dataRange: info.dataRange,
      config: { model: model.name, ...model.config, training: info.config },
    },
  );
  await writeFile(out, bytes);
  process.stderr.write(
    `exported step ${ckpt.state.step} (${flags.bool('raw') ? 'raw' : 'EMA'} weights, ${layout.describeCount()} parameters) from ${dir}\n`,
  );
  process.stdout.write(`${out}\n`);
}
