/**
 * What a training step optimises, by the model's noise conditioning: denoising score
 * matching over the noise levels (NCSN, NCSNv2, MLP), or DDPM's noise-prediction loss for
 * 'vp-time' noise predictors (the U-Net). Each gives the step's batch inputs, its loss graph
 * and its per-step feeds.
 */
import type { Value } from '../graph/index.ts';
import type { ParamScope } from '../nn/params.ts';
import { ddpmLoss } from '../score/ddpm-loss.ts';
import { dsmLoss } from '../score/dsm.ts';
import type { VpSchedule } from '../score/vp.ts';
import type { DataStream } from './data-stream.ts';
import { ddpmBatches } from './ddpm-batch.ts';
import { dsmBatches } from './dsm-batch.ts';
import type { ResolvedModel } from './score-models.ts';
import type { StepBatch } from './trainer.ts';
import type { BatchInputSpec } from './train-step.ts';

export interface Objective {
  readonly name: 'dsm' | 'ddpm';
  /** The batch inputs of the step graph. */
  inputs(batchSize: number, dataShape: readonly number[]): Record<string, BatchInputSpec>;
  /** The scalar loss and the per-example terms (fetched for per-level statistics). */
  loss(
    scope: ParamScope,
    inputs: Readonly<Record<string, Value>>,
  ): { loss: Value; extras: Record<string, Value> };
  /** The feeds of step k. */
  batches(stream: DataStream): (step: number) => Promise<StepBatch>;
}

const data = (B: number, shape: readonly number[]): BatchInputSpec => ({
  dtype: 'float32',
  shape: [B, ...shape],
});
const perExample = (B: number): BatchInputSpec => ({ dtype: 'float32', shape: [B] });

/** DSM with lambda(sigma) = sigma^2 over `sigmas` (algorithms.md section 2). */
export function dsmObjective(model: ResolvedModel, sigmas: ArrayLike<number>): Objective {
  return {
    name: 'dsm',
    inputs: (B, shape) => ({ x: data(B, shape), z: data(B, shape), sigma: perExample(B) }),
    loss: (scope, { x, z, sigma }) => {
      const t = dsmLoss((xn, s) => model.net(scope, xn, s))(x!, z!, sigma!);
      return { loss: t.loss, extras: { per_example: t.perExample } };
    },
    batches: (stream) => dsmBatches(stream, sigmas, false),
  };
}

/** DDPM's loss for a 'vp-time' noise predictor (algorithms.md section 7). */
export function ddpmObjective(model: ResolvedModel, vp: VpSchedule): Objective {
  return {
    name: 'ddpm',
    inputs: (B, shape) => ({
      x: data(B, shape),
      z: data(B, shape),
      t: perExample(B),
      sqrt_ab: perExample(B),
      sqrt_1mab: perExample(B),
    }),
    loss: (scope, { x, z, t, sqrt_ab, sqrt_1mab }) => {
      const r = ddpmLoss((xt, tt) => model.model.epsilon(scope, xt, tt))(
        x!,
        z!,
        t!,
        sqrt_ab!,
        sqrt_1mab!,
      );
      return { loss: r.loss, extras: { per_example: r.perExample } };
    },
    batches: (stream) => ddpmBatches(stream, vp),
  };
}
