/**
 * What the inverse-problem commands (inpaint, denoise, superres, deblur, colorize, separate)
 * share: the model file, the sampler and its settings from the same flags as `scorekit
 * sample` (sample.ts's resolution, printed with their origins), K samples per observation in
 * batches with a progress bar, and outputs [M, K, ...D] written only when every batch is done.
 */
import { readOnnxFile } from '../../io/onnx-file.ts';
import { Rng } from '../../rng/rng.ts';
import { defaultThreads } from '../../runtime/session.ts';
import { samplerEntry, type SamplerInputs } from '../../sampling/registry.ts';
import {
  openScoreModel,
  type ScoreModel,
  type ScoreModelInfo,
} from '../../score/score-model-file.ts';
import { type InverseProblem, solveInverseProblem } from '../../tasks/inverse-problem.ts';
import { type Flags, type OptionTable, UsageError } from '../command.ts';
import { ProgressBar } from '../progress.ts';
import { resolveShape, SAMPLER_HELP, SAMPLER_OPTIONS, samplerInputs } from './sample.ts';
import { writeSamples } from './task-arrays.ts';

/** What a task command builds once the model is open. */
export interface TaskContext {
  readonly flags: Flags;
  readonly dataShape: readonly number[];
  readonly info: ScoreModelInfo;
  /** scorekit.data_range, else [0, 1] (for PNG in and out). */
  readonly range: readonly [number, number];
  /** Opens another score model (closed with the first). */
  openModel(path: string): Promise<ScoreModel>;
}

/** A task: its problem, how its observations look in data space, and its outputs. */
export interface TaskSetup {
  readonly problem: InverseProblem;
  /** The observations shown in data space [M, ...D], first column of PNG grids. */
  readonly shown: Float32Array;
  /** Adjusts the sampler inputs (e.g. denoising that starts at the noise level). */
  readonly inputs?: (inputs: SamplerInputs) => SamplerInputs;
}

/** The flags every task command takes. */
export const TASK_OPTIONS: OptionTable = {
  model: { type: 'string' },
  input: { type: 'string' },
  n: { type: 'string' },
  ...SAMPLER_OPTIONS,
};

/** Help lines of {@link TASK_OPTIONS}. */
export const TASK_HELP = `  --model FILE        the score-model .onnx file (required)
  --input FILE        the observations: .npy [M, ...] or one .png image (required)
  --n K               samples per observation (required)
${SAMPLER_HELP}  --shape D1,D2,...   shape of one sample (default: scorekit.data_shape, else the file's x)
  --batch-size B      samples per sampler batch (default 1000)
  --seed S            random seed (default 0)
  --threads T         ONNX Runtime threads (default: all cores)
  --no-spin           ONNX Runtime's idle threads block instead of spinning: steadier
                      on shared or virtualised cores (docs/PERFORMANCE.md)
  --no-denoise        skip the final denoising step (Tweedie's formula)
  --verbose           stack traces on errors
Outputs are float32 [M, K, ...D] (.npy), or a PNG grid (.png): one row per observation,
the observation shown in data space, then its K samples.`;

/** Runs a task command; `outputs` are the flags naming the files of the problem's parts. */
export async function runTaskCommand(
  flags: Flags,
  outputs: readonly string[],
  setup: (ctx: TaskContext) => Promise<TaskSetup>,
): Promise<void> {
  const cmd = flags.command;
  const modelPath = flags.requireString('model');
  const k = flags.int('n', 1);
  if (k === undefined) throw new UsageError(`${cmd}: missing --n (see scorekit ${cmd} --help)`);
  const entry = samplerEntry(flags.requireString('sampler'));
  const outPaths = outputs.map((o) => flags.requireString(o));
  const batchSize = flags.int('batch-size', 1) ?? 1000;
  const seed = flags.int('seed') ?? 0;
  const threads = flags.int('threads', 1) ?? defaultThreads();
  const opened: ScoreModel[] = [];
  const open = async (path: string): Promise<ScoreModel> => {
    const m = await openScoreModel(await readOnnxFile(path), path, {
      threads,
      spinning: !flags.bool('no-spin'),
    });
    opened.push(m);
    return m;
  };
  try {
    const model = await open(modelPath);
    const dataShape = resolveShape(flags.intList('shape'), model.info, cmd);
    const range = model.info.dataRange ?? [0, 1];
    const ctx = { flags, dataShape, info: model.info, range, openModel: open };
    const task = await setup(ctx);
    const base = samplerInputs(flags, model.info, dataShape);
    const plan = entry.plan(task.inputs ? task.inputs(base) : base);
    const { problem } = task;
    const rows = problem.count * k;
    const batches = Math.ceil(rows / batchSize);
    process.stderr.write(
      `scorekit ${cmd}: ${problem.name}, ${problem.count} observation${problem.count > 1 ? 's' : ''} x ${k} samples of shape [${dataShape}], ${entry.name}, seed ${seed}\n` +
        plan.settings.map((s) => `  ${s}\n`).join(''),
    );
    const bar = new ProgressBar(cmd, batches * plan.stepsPerBatch, 'steps');
    const results = await solveInverseProblem(
      problem,
      model.score,
      plan,
      {
        samplesPerInput: k,
        batchSize,
        onStep: (b, s) =>
          bar.update(Math.min(b * plan.stepsPerBatch + s.step + 1, batches * plan.stepsPerBatch)),
      },
      new Rng(seed),
    );
    bar.update(batches * plan.stepsPerBatch);
    const shape = [problem.count, k, ...dataShape];
    for (let p = 0; p < outPaths.length; p++) {
      await writeSamples(outPaths[p]!, results[p]!, shape, task.shown, range);
      process.stdout.write(`${outPaths[p]}\n`);
    }
  } finally {
    for (const m of opened) await m.release();
  }
}
