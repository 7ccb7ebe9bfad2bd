/**
 * Posterior sampling of a user's log density (algorithms.md section 1): C chains of plain
 * (unadjusted) Langevin dynamics or MALA, theta <- theta + a grad log p(theta) + sqrt(2a) z
 * (MALA adds the Metropolis-Hastings accept/reject that removes the O(a) bias), run by the
 * samplers of sampling/ on the density's gradient as a score, keeping every `thin`-th state
 * after `burnIn` steps. SGLD (minibatched densities) is in sgld.ts.
 */
import type { Rng } from '../rng/rng.ts';
import { checkInteger, checkPositive } from '../sampling/check-options.ts';
import { langevin } from '../sampling/langevin.ts';
import { mala } from '../sampling/mala.ts';
import type { SamplerStep } from '../sampling/sampler-step.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import type { LogDensity, LogDensityValue } from './log-density.ts';

export interface ChainOptions {
  /** S: steps per chain, burn-in included. */
  readonly steps: number;
  /** Steps dropped at the start of each chain (default S / 2). */
  readonly burnIn?: number;
  /** Keep every thin-th state after the burn-in (default 1). */
  readonly thin?: number;
  /** Called after every step with the chains' states [C, d]. */
  readonly onStep?: (step: SamplerStep) => void | Promise<void>;
}

export interface PosteriorOptions extends ChainOptions {
  readonly sampler: 'langevin' | 'mala';
  /** a: the step size (our convention a grad log p + sqrt(2a) z). */
  readonly stepSize: number;
  /** Initial states [C, d]: one chain per row. */
  readonly init: Float32Array;
}

export interface PosteriorResult {
  /** Kept states [C, K, d], K = floor((S - burnIn) / thin). */
  readonly samples: Float32Array;
  readonly chains: number;
  /** K */
  readonly kept: number;
  /** MALA's accepted / proposed (over all steps and chains). */
  readonly acceptanceRate?: number;
}

/** The kept draws of C chains; `record` is the step callback that fills it. */
export class ChainRecorder {
  readonly kept: number;
  readonly samples: Float32Array;
  private readonly burnIn: number;
  private readonly thin: number;

  constructor(
    opts: ChainOptions,
    readonly chains: number,
    readonly dim: number,
  ) {
    checkInteger('steps', opts.steps);
    this.burnIn = opts.burnIn ?? Math.floor(opts.steps / 2);
    this.thin = opts.thin ?? 1;
    checkInteger('burnIn', this.burnIn, 0);
    checkInteger('thin', this.thin);
    this.kept = Math.floor((opts.steps - this.burnIn) / this.thin);
    if (this.kept < 1)
      throw new Error(
        `no draws kept: steps ${opts.steps} - burn-in ${this.burnIn} < thin ${this.thin}`,
      );
    this.samples = new Float32Array(chains * this.kept * dim);
  }

  /** Stores x [C, d] if step t (0-based) is kept: t >= burnIn and (t - burnIn + 1) % thin = 0. */
  record(step: number, x: Float32Array): void {
    const t = step - this.burnIn + 1;
    if (t <= 0 || t % this.thin !== 0) return;
    const j = t / this.thin - 1;
    if (j >= this.kept) return;
    const d = this.dim;
    for (let c = 0; c < this.chains; c++)
      this.samples.set(x.subarray(c * d, (c + 1) * d), (c * this.kept + j) * d);
  }
}

/** Samples the density with C = init.length / d chains of Langevin or MALA. */
export async function samplePosterior(
  density: LogDensity,
  opts: PosteriorOptions,
  rng: Rng,
): Promise<PosteriorResult> {
  checkPositive('stepSize', opts.stepSize);
  const d = density.dim;
  if (opts.init.length % d !== 0 || opts.init.length === 0)
    throw new Error(`the initial states have ${opts.init.length} values, not [C, ${d}]`);
  const chains = opts.init.length / d;
  const rec = new ChainRecorder(opts, chains, d);
  const cache = new EvaluationCache(density);
  const score: ScoreFn = async (x) => (await cache.at(x)).grad;
  const init = { x: opts.init, shape: [chains, d] };
  const callback = async (s: SamplerStep): Promise<void> => {
    rec.record(s.step, s.x);
    await opts.onStep?.(s);
  };
  const base = { stepSize: opts.stepSize, steps: opts.steps, callback };
  let acceptanceRate: number | undefined;
  if (opts.sampler === 'mala') {
    const logDensity = async (x: Float32Array): Promise<Float64Array> => (await cache.at(x)).logp;
    acceptanceRate = (await mala(score, init, 1, { ...base, logDensity }, rng)).acceptanceRate;
  } else if (opts.sampler === 'langevin') await langevin(score, init, 1, base, rng);
  else
    throw new Error(`unknown sampler "${String(opts.sampler)}" (samplers: langevin, mala, sgld)`);
  return {
    samples: rec.samples,
    chains,
    kept: rec.kept,
    ...(acceptanceRate !== undefined ? { acceptanceRate } : {}),
  };
}

/**
 * Remembers the last evaluation, so MALA's score and log-density calls at the same point
 * (sampling/mala.ts asks for both) cost one session run.
 */
class EvaluationCache {
  private x: Float32Array | null = null;
  private value: LogDensityValue | null = null;

  constructor(private readonly density: LogDensity) {}

  async at(x: Float32Array): Promise<LogDensityValue> {
    if (this.value && this.x && sameValues(this.x, x)) return this.value;
    const n = x.length / this.density.dim;
    this.value = await this.density.evaluate(x, n);
    this.x = Float32Array.from(x);
    return this.value;
  }
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
