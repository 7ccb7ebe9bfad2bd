/**
 * The sampler registry's contract: what the user and the model file give (SamplerInputs), the
 * resolved plan of a sampler (settings with reasons, cost, initial distribution, the run) and
 * the error that names the flag to pass when a setting cannot be found.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import type { SampleBatch, StepCallback } from './sampler-step.ts';

/** What the user (flags) and the model file provide; undefined = not given. */
export interface SamplerInputs {
  readonly sigmaMax?: number;
  readonly sigmaMin?: number;
  readonly numScales?: number;
  readonly stepsPerScale?: number;
  readonly eps?: number;
  readonly snr?: number;
  /** Karras-grid Heun steps, or 'adaptive' for RK45. */
  readonly odeSteps?: number | 'adaptive';
  readonly denoise: boolean;
  /** scorekit.sigmas of the model file. */
  readonly fileSigmas?: readonly number[];
  /** Data dimension D (product of the sample shape). */
  readonly dataDim: number;
}

/** A resolved sampler: settings with reasons, cost, and how to run one batch. */
export interface SamplerPlan {
  readonly name: string;
  /** One line per setting: "name = value (where it came from)". */
  readonly settings: readonly string[];
  /** Steps reported per batch (an estimate for adaptive RK45). */
  readonly stepsPerBatch: number;
  /** Network evaluations per sample (an estimate for adaptive RK45). */
  readonly evaluationsPerSample: number;
  /** Standard deviation of the Gaussian initial x. */
  readonly initialStd: number;
  run(score: ScoreFn, init: SampleBatch, rng: Rng, callback?: StepCallback): Promise<Float32Array>;
}

/** A registry entry. */
export interface SamplerEntry {
  readonly name: string;
  readonly summary: string;
  plan(inputs: SamplerInputs): SamplerPlan;
}

/** A setting the plan could not find; the message names the flag. */
export class MissingSettingError extends Error {
  override name = 'MissingSettingError';
  constructor(sampler: string, flag: string, what: string) {
    super(
      `sampler ${sampler} needs ${what}: pass --${flag} (the model file has no scorekit.sigmas metadata to take it from)`,
    );
  }
}
