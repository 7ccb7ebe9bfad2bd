/**
 * `scorekit demo`: the main job on built-in data. Trains the `toy2d` preset (an MLP score
 * network, denoising score matching on a 2-D mixture with weights 0.8 / 0.2), exports it as a
 * score-model ONNX file, samples that file with annealed Langevin dynamics, and writes a plot
 * of the samples over the true density and a GIF of noise turning into data.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DistributionSource } from '../data/source.ts';
import { mixtureWeights } from '../eval/mixture-weights.ts';
import { slicedWasserstein } from '../eval/sliced-wasserstein.ts';
import { createDatasetRegistry } from '../io/datasets.ts';
import { writeScatterPlot } from '../io/figures.ts';
import { writeTrajectoryGif } from '../io/gif.ts';
import { encodeNpy, npyArray } from '../io/npy.ts';
import { runFiles } from '../io/run-files.ts';
import { Rng } from '../rng/rng.ts';
import { Session } from '../runtime/session.ts';
import { annealedLangevin } from '../sampling/annealed-langevin.ts';
import { sessionScoreFn } from '../score/onnx-score.ts';
import { refineSigmas } from '../score/refine-sigmas.ts';
import { exportScoreModel } from '../score/score-model.ts';
import { resolveConfig } from '../train/config.ts';
import { presetConfig } from '../train/presets.ts';
import { openTrainingData, runTraining } from '../train/run.ts';
import type { Flags } from './command.ts';
import { ProgressBar, formatSeconds } from './progress.ts';

const N_SAMPLES = 2000;
const STEPS_PER_SCALE = 100;
const EPS = 2e-5;

/** Runs the demo; writes into `--out` (default ./demo-out) and names the folder at the end. */
export async function runDemo(flags: Flags): Promise<void> {
  const outDir = resolve(flags.string('out') ?? 'demo-out');
  const seed = flags.int('seed') ?? 0;
  const threads = flags.int('threads', 1);
  const cfg = resolveConfig(presetConfig('toy2d'), { seed, steps: flags.int('steps', 1) });
  const data = (await openTrainingData(cfg, createDatasetRegistry())) as DistributionSource &
    Parameters<typeof mixtureWeights>[1];
  process.stderr.write(
    `scorekit demo: preset toy2d (seed ${seed}, ${cfg.steps} steps of ${cfg.batchSize}) -> ${outDir}\n`,
  );

  // 1. Train (checkpoints and metrics go into the folder, as with `scorekit train`).
  const files = await runFiles(outDir, 1);
  const bar = new ProgressBar('train', cfg.steps, 'steps');
  const t0 = performance.now();
  const run = await runTraining(
    cfg,
    data,
    {
      ...files,
      log: (l) => process.stderr.write(`${l}\n`),
      progress: (s, _t, loss) => bar.update(s, `loss ${loss.toFixed(3)}`),
    },
    { threads },
  );
  const trainSecs = (performance.now() - t0) / 1000;

  // 2. Export the EMA weights as a standard score-model file.
  const modelBytes = exportScoreModel(
    run.model.net,
    run.layout,
    run.state.ema,
    run.info.dataShape,
    {
      sigmas: run.info.sigmas,
      dataShape: run.info.dataShape,
      config: { model: run.model.name, ...run.model.config },
    },
  );
  await writeFile(resolve(outDir, 'model.onnx'), modelBytes);

  // 3. Sample the file: annealed Langevin over the trained levels refined 3-fold, T = 100,
  //    eps = 2e-5 (the network is conditioned on log sigma, so it also serves levels in between).
  const sigmas = refineSigmas(run.info.sigmas, 3);
  const session = await Session.fromBytes(modelBytes, { threads });
  const rng = Rng.derive(seed, 99);
  const x0 = rng.fillNormal(new Float32Array(N_SAMPLES * 2), 0, sigmas[0]!);
  const frames: Float32Array[] = [x0.slice()];
  const sbar = new ProgressBar('sample', sigmas.length * STEPS_PER_SCALE + 1, 'steps');
  const samples = await annealedLangevin(
    sessionScoreFn(session),
    { x: x0, shape: [N_SAMPLES, 2] },
    sigmas,
    {
      stepsPerScale: STEPS_PER_SCALE,
      eps: EPS,
      callback: (s) => {
        sbar.update(s.step + 1);
        if ((s.step + 1) % STEPS_PER_SCALE === 0 || s.step + 1 === s.totalSteps)
          frames.push(s.x.slice());
      },
    },
    rng,
  );
  await session.release();

  // 4. Pictures, samples and the numbers.
  const logDensity = (p: Float64Array): Float64Array => data.logDensity!(p);
  const box: [number, number] = [-6, 6];
  await writeFile(
    resolve(outDir, 'samples.npy'),
    encodeNpy(npyArray('float32', [N_SAMPLES, 2], samples)),
  );
  await writeScatterPlot(resolve(outDir, 'plot.png'), samples, { box, logDensity, pointRadius: 2 });
  await writeTrajectoryGif(resolve(outDir, 'langevin.gif'), frames, [N_SAMPLES, 2], {
    box,
    logDensity,
    size: 320,
    delayMs: 120,
  });
  const w = mixtureWeights(samples, data);
  const fresh = data.sample(N_SAMPLES, Rng.derive(seed, 100));
  const sw = slicedWasserstein(samples, fresh, 2, Rng.derive(seed, 101));
  const baseline = slicedWasserstein(
    data.sample(N_SAMPLES, Rng.derive(seed, 102)),
    fresh,
    2,
    Rng.derive(seed, 101),
  );
  process.stderr.write(
    `trained in ${formatSeconds(trainSecs)}; ${N_SAMPLES} samples: weights ${w.map((v) => v.toFixed(3)).join(' / ')} (true 0.800 / 0.200), ` +
      `sliced Wasserstein to fresh data ${sw.toFixed(3)} (data-to-data ${baseline.toFixed(3)})\n` +
      `wrote model.onnx, samples.npy, plot.png, langevin.gif, checkpoints/ and metrics.jsonl\n`,
  );
  process.stdout.write(`${outDir}\n`);
}
