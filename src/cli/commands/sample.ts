/**
 * `scorekit sample`: draws samples from any score-model ONNX file with any registered sampler.
 * Thin: flags and the file's metadata are resolved by the sampler registry, which prints every
 * setting with its origin; samples stream to a .npy file batch by batch.
 */
import { open, rm } from 'node:fs/promises';
import { encodeNpy, type NpyArray } from '../../io/npy.ts';
import { writeImageGrid, writeScatterPlot } from '../../io/figures.ts';
import { writeTrajectoryGif } from '../../io/gif.ts';
import { readOnnxFile } from '../../io/onnx-file.ts';
import { Rng } from '../../rng/rng.ts';
import { defaultThreads } from '../../runtime/session.ts';
import { samplerEntry, SAMPLERS, type SamplerInputs } from '../../sampling/registry.ts';
import { sampleInBatches } from '../../sampling/sample-batches.ts';
import { openScoreModel, type ScoreModelInfo } from '../../score/score-model-file.ts';
import { type Command, type Flags, type OptionTable, UsageError } from '../command.ts';
import { ProgressBar } from '../progress.ts';

const GRID_MAX = 64;
const SCATTER_MAX = 5000;
const GIF_FRAMES = 40;

/** Help lines of the sampler flags, shared by the commands that run a sampler (tasks). */
export const SAMPLER_HELP = `  --sampler NAME      ${[...SAMPLERS.keys()].join(' | ')} (required)
${[...SAMPLERS.values()].map((e) => `                        ${e.name}: ${e.summary}`).join('\n')}
  --sigma-max S       largest noise level sigma_1 (default: first of scorekit.sigmas)
  --sigma-min S       smallest noise level sigma_L (default: last of scorekit.sigmas)
  --num-scales L      number of noise levels, geometric from sigma-max to sigma-min
                      (default: the file's levels; pc 1000; ncsnv2 by technique 2;
                      cas refines the file's levels to >= 100; ddpm: T, default 1000)
  --steps-per-scale T Langevin steps per level (als 100, ncsnv2 5, langevin: total steps
                      1000); pc: corrector steps per level (1)
  --eps E             step size at the smallest level, a_i = eps sigma_i^2 / sigma_L^2
                      (als 2e-5; ncsnv2 by technique 4; cas 2 (1 - gamma) sigma_L^2;
                      langevin: the step size, 2e-5)
  --snr R             pc corrector signal-to-noise ratio (default 0.16)
  --ode-steps N       ode: Heun steps on Karras sigmas, rho = 7 (default 18), or
                      "adaptive" for RK45 (rtol = atol = 1e-5)
`;

const HELP = `Usage: scorekit sample --model FILE.onnx --n N --sampler NAME --out samples.npy [options]

Draws N samples from a score model: an ONNX file with inputs x float32 [N, ...D] and
sigma float32 [N] and output score [N, ...D] (from scorekit train/export, or e.g.
torch.onnx.export). Values missing from the flags come from the file's metadata
(scorekit.sigmas, scorekit.data_shape, scorekit.data_range); every setting is printed with
where it came from. Samples are written as float32 [N, ...D].

  --model FILE        the score-model .onnx file (required)
  --n N               number of samples (required)
  --out FILE          output .npy file (required)
${SAMPLER_HELP}  --shape D1,D2,...   shape of one sample (default: scorekit.data_shape, else the file's x)
  --batch-size B      samples per batch; memory is bounded by it (default 1000)
  --seed S            random seed (default 0); same seed and threads give identical files
  --threads T         ONNX Runtime threads (default: all cores)
  --no-spin           ONNX Runtime's idle threads block instead of spinning: steadier
                      on shared or virtualised cores (docs/PERFORMANCE.md)
  --no-denoise        skip the final denoising step (Tweedie's formula)
  --grid FILE.png     a PNG of the first ${GRID_MAX} samples (images [C, H, W]) or a scatter
                      plot of up to ${SCATTER_MAX} points (2-D data)
  --gif FILE.gif      the trajectory of the first batch as an animated GIF
  --verbose           stack traces on errors
`;

/** The sampler flags (and --shape, --batch-size, --seed, --threads), shared with the tasks. */
export const SAMPLER_OPTIONS: OptionTable = {
  sampler: { type: 'string' },
  'sigma-max': { type: 'string' },
  'sigma-min': { type: 'string' },
  'num-scales': { type: 'string' },
  'steps-per-scale': { type: 'string' },
  eps: { type: 'string' },
  snr: { type: 'string' },
  'ode-steps': { type: 'string' },
  shape: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  'no-spin': { type: 'boolean' },
  'no-denoise': { type: 'boolean' },
};

export const sampleCommand: Command = {
  name: 'sample',
  summary: 'draw samples from a score-model ONNX file (als, ncsnv2, cas, pc, ode, ddpm, langevin)',
  help: HELP,
  options: {
    model: { type: 'string' },
    n: { type: 'string' },
    ...SAMPLER_OPTIONS,
    out: { type: 'string' },
    grid: { type: 'string' },
    gif: { type: 'string' },
  },
  run: (flags) => runSample(flags),
};

/** Runs `scorekit sample`. */
export async function runSample(flags: Flags): Promise<void> {
  // 1. Flags.
  const modelPath = flags.requireString('model');
  const n = requireInt(flags, 'n', 1);
  const entry = samplerEntry(flags.requireString('sampler'));
  const out = flags.requireString('out');
  const batchSize = flags.int('batch-size', 1) ?? 1000;
  const seed = flags.int('seed') ?? 0;
  const threads = flags.int('threads', 1) ?? defaultThreads();
  const gridPath = flags.string('grid');
  const gifPath = flags.string('gif');
  // 2. The model file and the sample shape.
  const bytes = await readOnnxFile(modelPath);
  const model = await openScoreModel(bytes, modelPath, {
    threads,
    spinning: !flags.bool('no-spin'),
  });
  try {
    const dataShape = resolveShape(flags.intList('shape'), model.info);
    if (gridPath) figureKind(dataShape);
    // 3. The sampler plan: flags, then metadata, then defaults.
    const plan = entry.plan(samplerInputs(flags, model.info, dataShape));
    const batches = Math.ceil(n / batchSize);
    process.stderr.write(
      `scorekit sample: ${entry.name}, ${n} samples of shape [${dataShape}] in ${batches} batch${batches > 1 ? 'es' : ''} of <= ${batchSize}, seed ${seed}, ${threads} thread${threads > 1 ? 's' : ''}\n` +
        plan.settings.map((s) => `  ${s}\n`).join('') +
        `  network evaluations per sample: ${Number.isNaN(plan.evaluationsPerSample) ? 'adaptive' : plan.evaluationsPerSample}\n`,
    );
    // 4. Sample batch by batch, streaming to the .npy file.
    const d = dataShape.reduce((a, b) => a * b, 1);
    const file = await open(out, 'w');
    const keep = new Float32Array(Math.min(n, dataShape.length === 1 ? SCATTER_MAX : GRID_MAX) * d);
    const frames: Float32Array[] = [];
    const bar = new ProgressBar('sample', batches * plan.stepsPerBatch, 'steps');
    try {
      await file.write(npyHeader([n, ...dataShape]));
      await sampleInBatches(
        model.score,
        plan,
        {
          n,
          batchSize,
          dataShape,
          onStep: (b, s) => {
            bar.update(Math.min(b * plan.stepsPerBatch + s.step + 1, batches * plan.stepsPerBatch));
            const every = Math.max(1, Math.ceil(s.totalSteps / GIF_FRAMES));
            if (gifPath && b === 0 && (s.step % every === 0 || s.step + 1 === s.totalSteps))
              frames.push(s.x.slice(0, Math.min(keep.length, s.x.length)));
          },
          onBatch: async (start, count, x) => {
            if (start * d < keep.length)
              keep.set(x.subarray(0, Math.min(count * d, keep.length - start * d)), start * d);
            await file.write(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
          },
        },
        new Rng(seed),
      );
      bar.update(batches * plan.stepsPerBatch);
      await file.close();
    } catch (e) {
      await file.close();
      await rm(out, { force: true }); // no partial output
      throw e;
    }
    // 5. Figures.
    if (gridPath) await writeFigure(gridPath, keep, dataShape, model.info);
    if (gifPath) {
      const shown = frames[0]!.length / d;
      await writeTrajectoryGif(gifPath, frames, [shown, ...figureShape(dataShape)], {
        range: model.info.dataRange,
      });
    }
    process.stdout.write(`${out}\n`);
  } finally {
    await model.release();
  }
}

function requireInt(flags: Flags, name: string, min: number): number {
  const v = flags.int(name, min);
  if (v === undefined)
    throw new UsageError(`sample: missing --${name} (see scorekit sample --help)`);
  return v;
}

/** The sampler registry's inputs from the sampler flags and the model file. */
export function samplerInputs(
  flags: Flags,
  info: ScoreModelInfo,
  dataShape: readonly number[],
): SamplerInputs {
  const positive = { min: 0, exclusiveMin: true };
  const odeRaw = flags.string('ode-steps');
  return {
    sigmaMax: flags.number('sigma-max', positive),
    sigmaMin: flags.number('sigma-min', positive),
    numScales: flags.int('num-scales', 2),
    stepsPerScale: flags.int('steps-per-scale', 1),
    eps: flags.number('eps', positive),
    snr: flags.number('snr', positive),
    odeSteps: odeRaw === 'adaptive' ? 'adaptive' : flags.int('ode-steps', 2),
    denoise: !flags.bool('no-denoise'),
    fileSigmas: info.sigmas,
    dataDim: dataShape.reduce((a, b) => a * b, 1),
  };
}

/** --shape, else scorekit.data_shape, else the file's static x dims; checked against the file. */
export function resolveShape(
  flag: number[] | undefined,
  info: ScoreModelInfo,
  command = 'sample',
): number[] {
  const shape = flag ?? (info.dataShape ? [...info.dataShape] : undefined);
  if (!shape)
    throw new UsageError(
      `${command}: the model file does not say the sample shape: pass --shape D1,D2,...`,
    );
  const dims = info.inputDims;
  if (dims && (dims.length !== shape.length || dims.some((d, i) => d !== null && d !== shape[i])))
    throw new UsageError(
      `${command}: shape [${shape}] does not fit the model's input x [N, ${dims.map((d) => d ?? '?').join(', ')}]`,
    );
  return shape;
}

/** 'scatter' for 2-D points, 'images' for [C, H, W] / [H, W]; otherwise a UsageError. */
function figureKind(shape: readonly number[]): 'scatter' | 'images' {
  if (shape.length === 1 && shape[0] === 2) return 'scatter';
  if (shape.length === 2 || (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)))
    return 'images';
  throw new UsageError(
    `sample: --grid/--gif need 2-D points or images [C, H, W] (C = 1 or 3), got shape [${shape}]`,
  );
}

/** The per-sample shape the figure writers take: [2] or [C, H, W]. */
function figureShape(shape: readonly number[]): number[] {
  return figureKind(shape) === 'images' && shape.length === 2 ? [1, ...shape] : [...shape];
}

async function writeFigure(
  path: string,
  x: Float32Array,
  shape: readonly number[],
  info: ScoreModelInfo,
): Promise<void> {
  const d = shape.reduce((a, b) => a * b, 1);
  if (figureKind(shape) === 'scatter') await writeScatterPlot(path, x, { pointRadius: 1 });
  else
    await writeImageGrid(path, x, [x.length / d, ...figureShape(shape)], {
      range: info.dataRange ?? [0, 1],
    });
}

/** The .npy header for float32 `shape` (encodeNpy of an empty body writes only the header). */
function npyHeader(shape: readonly number[]): Uint8Array {
  return encodeNpy({ dtype: 'float32', shape, data: new Float32Array(0) } as NpyArray);
}
