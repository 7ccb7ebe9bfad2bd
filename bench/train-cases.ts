/**
 * The training benchmark's cases (bench/train.ts, bench/profile-train.ts): networks, batch
 * sizes, their objective (DSM or DDPM) and the fixed batch each step is fed.
 */
import { numel, tensor, type TensorData } from '../src/graph/index.ts';
import { Rng } from '../src/rng/rng.ts';
import { geometricSigmas } from '../src/score/schedule.ts';
import { linearVpSchedule, type VpSchedule } from '../src/score/vp.ts';
import { ddpmObjective, dsmObjective, type Objective } from '../src/train/objective.ts';
import { ddpmFeeds } from '../src/train/ddpm-batch.ts';
import { resolveScoreModel, type ResolvedModel } from '../src/train/score-models.ts';

/** One benchmarked configuration. */
export interface BenchCase {
  readonly id: string;
  readonly description: string;
  readonly model: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly dataShape: readonly number[];
  readonly batch: number;
  /**
   * 'dsm': DSM over geometric noise levels `sigmas`; 'ddpm': DDPM's noise-prediction loss
   * over the model's linear beta schedule (the U-Net).
   */
  readonly objective: 'dsm' | 'ddpm';
  /** The DSM noise levels (geometric). */
  readonly sigmas: { readonly max: number; readonly min: number; readonly count: number };
  /** Generates the fixed data batch x. */
  readonly data: (rng: Rng, n: number) => Float32Array;
  readonly warmup: number;
  readonly steps: number;
  /** Timed steps when a warm-up step took more than {@link SLOW_STEP_S}. */
  readonly slowSteps: number;
  /** Shorter counts for `--quick` (a machine under load, little time left). */
  readonly quick?: { readonly warmup: number; readonly steps: number; readonly slowSteps: number };
}

export const CASES: readonly BenchCase[] = [
  {
    id: 'ncsnv2-16',
    description: 'NCSNv2 ngf 16, 1x28x28, batch 64 (mnist-small preset)',
    model: 'ncsnv2',
    config: { ngf: 16 },
    dataShape: [1, 28, 28],
    batch: 64,
    objective: 'dsm',
    sigmas: { max: 16, min: 0.01, count: 100 },
    data: (rng, n) => rng.fillUniform(new Float32Array(n)),
    warmup: 2,
    steps: 5,
    slowSteps: 2,
    quick: { warmup: 1, steps: 3, slowSteps: 1 },
  },
  {
    id: 'ncsnv2-64',
    description: 'NCSNv2 ngf 64, 1x28x28, batch 128 (mnist preset)',
    model: 'ncsnv2',
    config: { ngf: 64 },
    dataShape: [1, 28, 28],
    batch: 128,
    objective: 'dsm',
    sigmas: { max: 16, min: 0.01, count: 100 },
    data: (rng, n) => rng.fillUniform(new Float32Array(n)),
    warmup: 2,
    steps: 3,
    slowSteps: 2,
    quick: { warmup: 1, steps: 1, slowSteps: 1 },
  },
  {
    id: 'mlp',
    description: 'toy2d MLP (hidden 128, layers 3, frequencies 8, dataStd 3), D = 2, batch 256',
    model: 'mlp',
    config: { hidden: 128, layers: 3, frequencies: 8, dataStd: 3 },
    dataShape: [2],
    batch: 256,
    objective: 'dsm',
    sigmas: { max: 20, min: 0.01, count: 10 },
    data: (rng, n) => rng.fillNormal(new Float32Array(n), 0, 3),
    warmup: 30,
    steps: 300,
    slowSteps: 2,
    quick: { warmup: 10, steps: 100, slowSteps: 2 },
  },
  {
    id: 'unet',
    description:
      'DDPM U-Net (nf 32, chMult 1,2,2, 1 res block, attention at 14, 32 groups), 1x28x28, batch 32',
    model: 'unet',
    config: {
      channels: 1,
      imageSize: 28,
      nf: 32,
      chMult: [1, 2, 2],
      numResBlocks: 1,
      attnResolutions: [14],
    },
    dataShape: [1, 28, 28],
    batch: 32,
    objective: 'ddpm',
    sigmas: { max: 1, min: 1, count: 1 },
    data: (rng, n) => rng.fillUniform(new Float32Array(n), -1, 1),
    warmup: 2,
    steps: 5,
    slowSteps: 2,
    quick: { warmup: 1, steps: 2, slowSteps: 1 },
  },
];

/** The case's network and training objective. */
export function caseModel(c: BenchCase): { model: ResolvedModel; objective: Objective } {
  if (c.objective === 'ddpm') {
    const model = resolveScoreModel({ name: c.model, config: c.config }, c.dataShape, []);
    return { model, objective: ddpmObjective(model, vpOf(model)) };
  }
  const sigmas = geometricSigmas(c.sigmas.max, c.sigmas.min, c.sigmas.count);
  const model = resolveScoreModel({ name: c.model, config: c.config }, c.dataShape, sigmas);
  return { model, objective: dsmObjective(model, sigmas) };
}

function vpOf(model: ResolvedModel): VpSchedule {
  const c = model.config as { numTimesteps?: number; betaMin?: number; betaMax?: number };
  return linearVpSchedule(c.numTimesteps, c.betaMin, c.betaMax);
}

/** The fixed batch of a case: the feeds of every step (float32, by input name). */
export interface CaseData {
  readonly feeds: Record<string, TensorData>;
}

export function caseData(c: BenchCase): CaseData {
  const rng = new Rng(0);
  const shape = [c.batch, ...c.dataShape];
  const n = numel(shape);
  const x = c.data(rng, n);
  const z = rng.normals(n);
  if (c.objective === 'ddpm') {
    const vp = vpOf(caseModel(c).model);
    const t = Int32Array.from({ length: c.batch }, () => rng.int(vp.alphaBars.length));
    return { feeds: ddpmFeeds(shape, x, z, t, vp) };
  }
  const levels = geometricSigmas(c.sigmas.max, c.sigmas.min, c.sigmas.count);
  const sigma = Float32Array.from({ length: c.batch }, () => levels[rng.int(levels.length)]!);
  const feeds = {
    x: tensor('float32', shape, x),
    z: tensor('float32', shape, z),
    sigma: tensor('float32', [c.batch], sigma),
  };
  return { feeds };
}
