/**
 * The Metropolis-adjusted Langevin algorithm (Roberts & Tweedie 1996; algorithms.md section 1):
 * propose x' = x + a s(x) + sqrt(2a) z, accept with probability
 *
 *   min(1, p(x') q(x | x') / (p(x) q(x' | x))),   q(b | a) = N(b; a + a s(a), 2a I),
 *
 * independently for every sample of the batch. Needs log p up to a constant; removes the
 * O(a) bias of plain Langevin.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { checkBatch, checkInteger, checkPositive } from './check-options.ts';
import { LevelScore } from './level-score.ts';
import { type SampleBatch, type SamplerCallbackOptions, StepReporter } from './sampler-step.ts';

/** log p(x) up to a constant, one value per sample of x [N, ...D]. */
export type LogDensityFn = (
  x: Float32Array,
  shape: readonly number[],
) => Promise<Float64Array> | Float64Array;

export interface MalaOptions extends SamplerCallbackOptions {
  /** a: the proposal step size. */
  readonly stepSize: number;
  readonly steps: number;
  /** log p_sigma(x) + const of the density whose score is `score` at this sigma. */
  readonly logDensity: LogDensityFn;
}

export interface MalaResult {
  readonly x: Float32Array;
  /** Accepted proposals / all proposals. */
  readonly acceptanceRate: number;
}

/** Runs `steps` MALA steps at noise level `sigma` from `init`. */
export async function mala(
  score: ScoreFn,
  init: SampleBatch,
  sigma: number,
  opts: MalaOptions,
  rng: Rng,
): Promise<MalaResult> {
  checkBatch(init.x, init.shape);
  checkPositive('stepSize', opts.stepSize);
  checkInteger('steps', opts.steps);
  const { shape } = init;
  const n = shape[0]!;
  const d = init.x.length / n;
  const a = opts.stepSize;
  const levelScore = new LevelScore(score, shape);
  const reporter = new StepReporter(opts.callback, opts.steps, init.x.length);
  const x = Float32Array.from(init.x);
  const s = Float32Array.from(await levelScore.at(x, sigma));
  const logp = Float64Array.from(await opts.logDensity(x, shape));
  const proposal = new Float32Array(x.length);
  let accepted = 0;
  for (let t = 0; t < opts.steps; t++) {
    // 1. Propose x' = x + a s(x) + sqrt(2a) z.
    for (let k = 0; k < x.length; k++)
      proposal[k] = x[k]! + a * s[k]! + Math.sqrt(2 * a) * rng.normal();
    const sProp = Float32Array.from(await levelScore.at(proposal, sigma));
    const logpProp = await opts.logDensity(proposal, shape);
    reporter.denoise(x, s, sigma);
    // 2. Accept or reject each sample with the Metropolis-Hastings ratio.
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const logRatio =
        logpProp[i]! -
        logp[i]! +
        logQ(x, proposal, sProp, i * d, d, a) -
        logQ(proposal, x, s, i * d, d, a);
      if (Math.log(rng.uniform()) < logRatio) {
        accepted++;
        x.set(proposal.subarray(i * d, (i + 1) * d), i * d);
        s.set(sProp.subarray(i * d, (i + 1) * d), i * d);
        logp[i] = logpProp[i]!;
      }
      for (let k = i * d; k < (i + 1) * d; k++) sum += x[k]!;
    }
    await reporter.done(x, sigma, sum);
  }
  return { x, acceptanceRate: accepted / (n * opts.steps) };
}

/** log q(to | from) + const = -|to - from - a s(from)|^2 / (4a) for sample rows [off, off + d). */
function logQ(
  to: Float32Array,
  from: Float32Array,
  sFrom: Float32Array,
  off: number,
  d: number,
  a: number,
): number {
  let r2 = 0;
  for (let k = off; k < off + d; k++) r2 += (to[k]! - from[k]! - a * sFrom[k]!) ** 2;
  return -r2 / (4 * a);
}
