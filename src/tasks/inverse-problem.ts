/**
 * Inverse problems with an unconditional score model (algorithms.md section 8): a task never
 * copies a sampler. It wraps the sampler's step in two ways, and any registered sampler runs
 * unchanged underneath:
 *
 *   - a score transform: the sampler follows s(x, sigma) + (likelihood score), e.g.
 *     A^T (y - A x) / (s_y^2 + sigma^2) (conditional annealed Langevin);
 *   - a post-step projection (data consistency), applied to x after every step through the
 *     step callback, e.g. inpainting's x <- m (y + sigma z) + (1 - m) x.
 *
 * Each of the M observations gets K samples: rows are (m, k) pairs, run in batches.
 */
import type { Rng } from '../rng/rng.ts';
import { checkInteger } from '../sampling/check-options.ts';
import type { SamplerPlan } from '../sampling/registry.ts';
import type { SamplerStep } from '../sampling/sampler-step.ts';
import type { ScoreFn } from '../score/score-fn.ts';

/** What one batch of rows runs with. */
export interface TaskBatch {
  /** The score the sampler follows (the prior's plus a likelihood score, or the prior's). */
  readonly score: ScoreFn;
  /** Data consistency after every step, in place on the batch x at the step's level sigma. */
  readonly project?: (x: Float32Array, sigma: number) => void;
  /** Noise-free data consistency of the final batch, in place. */
  readonly finish?: (x: Float32Array) => void;
  /** The initial batch when the task starts from its observation (default N(0, sigma_1^2 I)). */
  readonly init?: Float32Array;
}

/** An inverse problem over M observations. */
export interface InverseProblem {
  readonly name: string;
  /** D: the shape of one sample. */
  readonly dataShape: readonly number[];
  /** M: the number of observations. */
  readonly count: number;
  /** Sampler rows per solution row: 1, or 2 for source separation (x1 and x2 stacked). */
  readonly parts: number;
  /**
   * The batch whose row r solves observation `rows[r]`; the sampler batch holds `parts`
   * blocks of rows.length rows each.
   */
  batch(rows: Int32Array, prior: ScoreFn, rng: Rng): TaskBatch;
}

export interface SolveOptions {
  /** K: samples per observation. */
  readonly samplesPerInput: number;
  /** Solution rows per sampler batch (default 1000). */
  readonly batchSize?: number;
  /** Called after every step of every batch (after the projection). */
  readonly onStep?: (batch: number, step: SamplerStep) => void | Promise<void>;
}

/** Samplers whose x is not at the VE noise level the projections assume. */
const VP_SAMPLERS = new Set(['ddpm']);

/**
 * Draws K posterior samples for each of the problem's M observations with `plan`; returns
 * one array [M, K, ...D] per part (x, or x1 and x2).
 */
export async function solveInverseProblem(
  problem: InverseProblem,
  prior: ScoreFn,
  plan: SamplerPlan,
  opts: SolveOptions,
  rng: Rng,
): Promise<Float32Array[]> {
  const K = opts.samplesPerInput;
  const batchSize = opts.batchSize ?? 1000;
  checkInteger('samplesPerInput', K);
  checkInteger('batchSize', batchSize);
  const d = sizeOf(problem.dataShape);
  const total = problem.count * K;
  const out = Array.from({ length: problem.parts }, () => new Float32Array(total * d));
  for (let b = 0, start = 0; start < total; b++, start += batchSize) {
    const count = Math.min(batchSize, total - start);
    const rows = Int32Array.from({ length: count }, (_, r) => Math.floor((start + r) / K));
    const batchRng = rng.split();
    const x = await runBatch(problem, prior, plan, rows, batchRng, b, opts.onStep);
    for (let p = 0; p < problem.parts; p++)
      out[p]!.set(x.subarray(p * count * d, (p + 1) * count * d), start * d);
  }
  return out;
}

async function runBatch(
  problem: InverseProblem,
  prior: ScoreFn,
  plan: SamplerPlan,
  rows: Int32Array,
  rng: Rng,
  batchIndex: number,
  onStep: SolveOptions['onStep'],
): Promise<Float32Array> {
  const task = problem.batch(rows, prior, rng);
  if ((task.project || task.init) && VP_SAMPLERS.has(plan.name))
    throw new Error(
      `${problem.name} needs a sampler whose x is at the VE noise level sigma; the ${plan.name} sampler's x is VP-scaled (use als, ncsnv2, cas, pc, ode or langevin)`,
    );
  const n = rows.length * problem.parts;
  const shape = [n, ...problem.dataShape];
  const x0 =
    task.init ??
    rng.fillNormal(new Float32Array(n * sizeOf(problem.dataShape)), 0, plan.initialStd);
  const { project } = task;
  const callback =
    project || onStep
      ? async (step: SamplerStep): Promise<void> => {
          project?.(step.x, step.sigma);
          if (onStep) await onStep(batchIndex, step);
        }
      : undefined;
  const x = await plan.run(task.score, { x: x0, shape }, rng, callback);
  task.finish?.(x);
  return x;
}

/** Repeats per-observation rows `data` ([M, ...] with `size` values each) for `rows`. */
export function gatherRows(data: Float32Array, size: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((m, r) => out.set(data.subarray(m * size, (m + 1) * size), r * size));
  return out;
}

/** The number of values of one item of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Throws unless an observation batch of `shape` is [M, ...expected]; the message names both
 * shapes (and `what` the observation is).
 */
export function checkObservationShape(
  task: string,
  what: string,
  shape: readonly number[],
  expected: readonly number[],
): number {
  const ok = shape.length === expected.length + 1 && expected.every((d, i) => shape[i + 1] === d);
  if (!ok || shape[0]! < 1)
    throw new Error(
      `${task}: the ${what} has shape [${shape}] but the model needs [M, ${expected.join(', ')}] (M observations of [${expected}])`,
    );
  return shape[0]!;
}
