/**
 * `scorekit demo`: the engine end to end on built-in data. Trains an MLP score network by
 * denoising score matching on a 2-D mixture of two Gaussians (weights 0.8 / 0.2), exports it
 * as a score-model ONNX file, samples it with annealed Langevin dynamics from that file, and
 * reports how well the samples recover the mixture weights.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gaussianMixture } from '../data/toys/gaussian-mixture.ts';
import { tensor } from '../graph/index.ts';
import { encodeNpy, npyArray } from '../io/npy.ts';
import { writePng } from '../io/png.ts';
import { scatterPlot } from '../io/scatter-plot.ts';
import { MLP_DEFAULTS, mlpScore, type MlpConfig } from '../models/mlp.ts';
import { Rng } from '../rng/rng.ts';
import { Session } from '../runtime/session.ts';
import { annealedLangevin } from '../sampling/annealed-langevin.ts';
import { dsmLoss } from '../score/dsm.ts';
import { sessionScoreFn } from '../score/onnx-score.ts';
import { exportScoreModel } from '../score/score-model.ts';
import { geometricSigmas } from '../score/schedule.ts';
import { TrainStep } from '../train/train-step.ts';
import type { Flags } from './command.ts';
import { ProgressBar, formatSeconds } from './progress.ts';

const BATCH = 256;

/** Runs the demo; writes into `--out` (default ./demo-out) and names the folder at the end. */
export async function runDemo(flags: Flags): Promise<void> {
  const outDir = resolve(flags.string('out') ?? 'demo-out');
  const seed = flags.int('seed') ?? 0;
  const steps = flags.int('steps', 1) ?? 4000;
  const threads = flags.int('threads', 1);
  const rng = new Rng(seed);
  const data = gaussianMixture({
    means: [
      [-3, -1],
      [3, 1],
    ],
    scales: 0.5,
    weights: [0.8, 0.2],
  });
  const sigmas = geometricSigmas(10, 0.01, 10);
  const config: MlpConfig = { ...MLP_DEFAULTS, dim: 2 };
  process.stderr.write(
    `scorekit demo: seed ${seed}, ${steps} training steps, batch ${BATCH}, sigmas ${sigmas[0]} .. ${sigmas[9]} (10 levels)\n`,
  );

  // 1. Train: one compiled graph per step (DSM loss, backward, Adam, EMA).
  const trainer = await TrainStep.create(
    {
      inputs: {
        x: { dtype: 'float32', shape: [BATCH, 2] },
        z: { dtype: 'float32', shape: [BATCH, 2] },
        sigma: { dtype: 'float32', shape: [BATCH] },
      },
      loss: (scope, { x, z, sigma }) =>
        dsmLoss((xn, sg) => mlpScore(scope, config, xn, sg))(x!, z!, sigma!).loss,
      clipNorm: 10,
    },
    (layout) => layout.initialize(rng.split()),
    { threads },
  );
  process.stderr.write(`MLP score network: ${trainer.layout.describeCount()} parameters\n`);
  const bar = new ProgressBar('train', steps, 'steps');
  const t0 = performance.now();
  let ema = 0;
  for (let i = 0; i < steps; i++) {
    const x = data.sample(BATCH, rng);
    const z = rng.normals(BATCH * 2);
    const sigma = Float32Array.from({ length: BATCH }, () => sigmas[rng.int(sigmas.length)]!);
    const lr = 2e-3 * Math.min(1, (i + 1) / 200);
    const r = await trainer.run(
      {
        x: tensor('float32', [BATCH, 2], x),
        z: tensor('float32', [BATCH, 2], z),
        sigma: tensor('float32', [BATCH], sigma),
      },
      lr,
    );
    if (!r.applied)
      throw new Error(
        `training diverged at step ${i + 1} (loss ${r.loss}, gradient norm ${r.gradNorm})`,
      );
    ema = i === 0 ? r.loss : 0.98 * ema + 0.02 * r.loss;
    bar.update(i + 1, `loss ${ema.toFixed(3)}`);
  }
  const trainSecs = (performance.now() - t0) / 1000;

  // 2. Export the EMA weights as a standard score-model file.
  await mkdir(outDir, { recursive: true });
  const modelBytes = exportScoreModel(
    (s, x, sg) => mlpScore(s, config, x, sg),
    trainer.layout,
    trainer.state.ema,
    [2],
    {
      sigmas: Array.from(sigmas),
      dataShape: [2],
      config: { model: 'mlp', ...config },
    },
  );
  await writeFile(resolve(outDir, 'model.onnx'), modelBytes);
  await trainer.release();

  // 3. Sample from the file with annealed Langevin dynamics (NCSN settings, T = 100 per level).
  const n = 2000;
  const session = await Session.fromBytes(modelBytes, { threads });
  const x0 = rng.fillNormal(new Float32Array(n * 2), 0, sigmas[0]!);
  const T = 100;
  const sbar = new ProgressBar('sample', sigmas.length * T, 'steps');
  const samples = await annealedLangevin(
    sessionScoreFn(session),
    { x: x0, shape: [n, 2] },
    sigmas,
    { stepsPerScale: T, eps: 2e-5, callback: (s) => sbar.update(s.step + 1) },
    rng,
  );
  await session.release();
  await writeFile(resolve(outDir, 'samples.npy'), encodeNpy(npyArray('float32', [n, 2], samples)));

  const logDensity = data.logDensity!;
  await writePng(
    resolve(outDir, 'plot.png'),
    scatterPlot(samples, { box: [-6, 6], logDensity: (p) => logDensity(p), pointRadius: 2 }),
  );

  let left = 0;
  for (let i = 0; i < n; i++) if (samples[2 * i]! < 0) left++;
  process.stderr.write(
    `trained in ${formatSeconds(trainSecs)}; weight of the left component in ${n} samples: ${(left / n).toFixed(3)} (true 0.800)\n`,
  );
  process.stdout.write(`${outDir}\n`);
}
