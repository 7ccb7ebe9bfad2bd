/**
 * Drawing N samples in batches of at most B with a planned sampler: each batch gets its own
 * generator split from `rng` (so the output depends on the seed and B only), its initial x
 * from N(0, initialStd^2 I), and hands its samples to `onBatch` before the next starts, so
 * memory is bounded by the batch size.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { checkInteger } from './check-options.ts';
import type { SamplerPlan } from './sampler-plan.ts';
import type { SamplerStep } from './sampler-step.ts';

export interface BatchRunOptions {
  /** Total number of samples N. */
  readonly n: number;
  readonly batchSize: number;
  /** Shape of one sample D. */
  readonly dataShape: readonly number[];
  /** Called after every step of every batch, with the batch index. */
  readonly onStep?: (batch: number, step: SamplerStep) => void | Promise<void>;
  /** Receives each finished batch: `x` holds samples start .. start + count - 1. */
  readonly onBatch: (start: number, count: number, x: Float32Array) => void | Promise<void>;
}

/** Runs `plan` over ceil(n / batchSize) batches. */
export async function sampleInBatches(
  score: ScoreFn,
  plan: SamplerPlan,
  opts: BatchRunOptions,
  rng: Rng,
): Promise<void> {
  checkInteger('n', opts.n);
  checkInteger('batchSize', opts.batchSize);
  const d = opts.dataShape.reduce((a, b) => a * b, 1);
  for (let b = 0, start = 0; start < opts.n; b++, start += opts.batchSize) {
    const count = Math.min(opts.batchSize, opts.n - start);
    const batchRng = rng.split();
    const x0 = batchRng.fillNormal(new Float32Array(count * d), 0, plan.initialStd);
    const onStep = opts.onStep;
    const x = await plan.run(
      score,
      { x: x0, shape: [count, ...opts.dataShape] },
      batchRng,
      onStep ? (s) => onStep(b, s) : undefined,
    );
    await opts.onBatch(start, count, x);
  }
}
