/**
 * The training loop around a compiled {@link TrainStep}: learning-rate warm-up, metrics,
 * periodic checkpoints and samples (through hooks, so the loop does no I/O itself), the
 * divergence guard, and clean stops.
 *
 * Divergence guard: a step whose loss, gradient or updated parameters are not finite is never
 * applied (TrainStep keeps the state). Then 'stop' ends the run with an error naming the step;
 * 'rollback' restores the last checkpoint, multiplies the learning rate by `lrFactor` and
 * continues (at most `maxRollbacks` times).
 */
import type { TensorData } from '../graph/index.ts';
import type { StepResult, TrainState, TrainStep } from './train-step.ts';

export interface LrSchedule {
  readonly lr: number;
  /** Linear warm-up steps (0: none). */
  readonly warmup: number;
}

/** The learning rate at `step` (0-based): linear warm-up, then constant; times `scale`. */
export function learningRate(s: LrSchedule, step: number, scale = 1): number {
  return s.lr * scale * (s.warmup > 0 ? Math.min(1, (step + 1) / s.warmup) : 1);
}

export interface DivergencePolicy {
  readonly action: 'stop' | 'rollback';
  readonly lrFactor: number;
  readonly maxRollbacks: number;
}

export interface TrainLoopOptions {
  readonly steps: number;
  readonly schedule: LrSchedule;
  readonly checkpointEvery: number;
  /** 0: no periodic samples. */
  readonly sampleEvery: number;
  readonly logEvery: number;
  readonly divergence: DivergencePolicy;
  /** Aborting stops after the current step with a final checkpoint. */
  readonly signal?: AbortSignal;
}

/** One metrics log line (JSON lines). */
export interface MetricsRecord {
  readonly step: number;
  readonly loss: number;
  readonly grad_norm: number;
  readonly lr: number;
  readonly examples_per_sec: number;
  readonly [key: string]: unknown;
}

/** A step's feeds plus what the metrics need to know about it. */
export interface StepBatch {
  readonly feeds: Readonly<Record<string, TensorData>>;
  readonly batchSize: number;
  /** Extra per-step statistics from the step result (e.g. loss per noise level). */
  readonly stats?: (r: StepResult) => Record<string, unknown>;
}

export interface TrainHooks {
  /** Feeds for step `step` (0-based); must be a pure function of the step for exact resume. */
  batch(step: number): Promise<StepBatch>;
  checkpoint(state: TrainState, lrScale: number): Promise<void>;
  metrics?(record: MetricsRecord): void | Promise<void>;
  sample?(step: number, state: TrainState): Promise<void>;
  progress?(step: number, loss: number, examplesPerSec: number): void;
  /** Told about a rollback (step where it diverged, new learning-rate scale). */
  rolledBack?(step: number, lrScale: number): void;
}

export interface TrainOutcome {
  readonly step: number;
  readonly stopped: 'done' | 'aborted';
  readonly rollbacks: number;
}

interface Snapshot {
  readonly state: TrainState;
  readonly lrScale: number;
}

function copyState(s: TrainState): TrainState {
  return {
    theta: s.theta.slice(),
    m: s.m.slice(),
    v: s.v.slice(),
    ema: s.ema.slice(),
    step: s.step,
  };
}

/** Runs from `trainer.state.step` to `opts.steps`. */
export async function trainLoop(
  trainer: TrainStep,
  hooks: TrainHooks,
  opts: TrainLoopOptions,
  lrScale0 = 1,
): Promise<TrainOutcome> {
  let lrScale = lrScale0;
  let rollbacks = 0;
  let snapshot: Snapshot = { state: copyState(trainer.state), lrScale };
  let next = opts.steps > trainer.state.step ? hooks.batch(trainer.state.step) : null;
  let t0 = performance.now();
  let examples = 0;
  while (trainer.state.step < opts.steps) {
    const step = trainer.state.step;
    const batch = await next!;
    const lr = learningRate(opts.schedule, step, lrScale);
    const result = await trainer.run(batch.feeds, lr);
    if (!result.applied) {
      if (opts.divergence.action === 'stop' || rollbacks >= opts.divergence.maxRollbacks) {
        throw new Error(
          `training diverged at step ${step + 1}: loss ${result.loss}, gradient norm ${result.gradNorm}` +
            (rollbacks ? ` (after ${rollbacks} rollbacks)` : '') +
            '; the last checkpoint is intact (lower --lr, or use --on-divergence rollback)',
        );
      }
      rollbacks++;
      lrScale = snapshot.lrScale * opts.divergence.lrFactor;
      trainer.setState(snapshot.state);
      hooks.rolledBack?.(step + 1, lrScale);
      next = hooks.batch(trainer.state.step);
      continue;
    }
    next = trainer.state.step < opts.steps ? hooks.batch(trainer.state.step) : null; // prefetch
    examples += batch.batchSize;
    const done = trainer.state.step;
    const secs = (performance.now() - t0) / 1000;
    const rate = examples / Math.max(secs, 1e-9);
    hooks.progress?.(done, result.loss, rate);
    if (hooks.metrics && (done % opts.logEvery === 0 || done === opts.steps)) {
      await hooks.metrics({
        step: done,
        loss: result.loss,
        grad_norm: result.gradNorm,
        lr,
        examples_per_sec: rate,
        ...batch.stats?.(result),
      });
      t0 = performance.now();
      examples = 0;
    }
    const aborted = opts.signal?.aborted ?? false;
    if (done % opts.checkpointEvery === 0 || done === opts.steps || aborted) {
      await hooks.checkpoint(trainer.state, lrScale);
      snapshot = { state: copyState(trainer.state), lrScale };
    }
    if (
      hooks.sample &&
      opts.sampleEvery > 0 &&
      (done % opts.sampleEvery === 0 || done === opts.steps)
    )
      await hooks.sample(done, trainer.state);
    if (aborted) return { step: done, stopped: 'aborted', rollbacks };
  }
  return { step: trainer.state.step, stopped: 'done', rollbacks };
}
