/**
 * Langevin dynamics at one fixed noise level (algorithms.md section 1; Roberts & Tweedie 1996;
 * Song & Ermon 2019, section 2.2):
 *
 *   repeat T times:  x <- x + a s(x, sigma) + sqrt(2a) z
 *
 * Run at the smallest level it shows why annealing exists: chains do not cross between
 * well-separated modes, so mixture weights come out wrong (Song & Ermon 2019, section 3.2.2).
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkInteger, checkPositive } from './check-options.ts';
import { LevelScore } from './level-score.ts';
import { type SampleBatch, type SamplerCallbackOptions, StepReporter } from './sampler-step.ts';
import { langevinUpdate } from './updates.ts';

export interface LangevinOptions extends SamplerCallbackOptions {
  /** a: the step size (our convention a s + sqrt(2a) z). */
  readonly stepSize: number;
  /** T: the number of steps. */
  readonly steps: number;
}

/** Runs `steps` Langevin steps at noise level `sigma` from `init`; returns the new batch. */
export async function langevin(
  score: ScoreFn,
  init: SampleBatch,
  sigma: number,
  opts: LangevinOptions,
  rng: Rng,
): Promise<Float32Array> {
  checkBatch(init.x, init.shape);
  checkPositive('sigma', sigma);
  checkPositive('stepSize', opts.stepSize);
  checkInteger('steps', opts.steps);
  const a = opts.stepSize;
  const levelScore = new LevelScore(score, init.shape);
  const reporter = new StepReporter(opts.callback, opts.steps, init.x.length);
  const x = Float32Array.from(init.x);
  for (let t = 0; t < opts.steps; t++) {
    const s = await levelScore.at(x, sigma);
    reporter.denoise(x, s, sigma);
    await reporter.done(x, sigma, langevinUpdate(x, s, a, Math.sqrt(2 * a), rng));
  }
  return x;
}
