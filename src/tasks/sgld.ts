/**
 * Stochastic-gradient Langevin dynamics (Welling & Teh 2011, eq. 4; algorithms.md section 1):
 * each step draws a minibatch of B of the N data rows and moves every chain by
 *
 *   theta <- theta + a_t g + sqrt(2 a_t) z,   g = grad log p(theta) + (N / B) sum_{i in batch} grad log p(x_i | theta),
 *
 * with the decreasing step size a_t = a_0 (b / (b + t))^gamma, i.e. a (b + t)^-gamma with
 * a = a_0 b^gamma (Welling & Teh's schedule; their epsilon_t = 2 a_t in our a s + sqrt(2a) z
 * convention), and no Metropolis-Hastings step. gamma in (0.5, 1] makes sum a_t diverge and
 * sum a_t^2 converge. The step callback's `sigma` carries a_t.
 */
import { tensor } from '../graph/tensor.ts';
import type { Rng } from '../rng/rng.ts';
import { checkInteger, checkPositive } from '../sampling/check-options.ts';
import { StepReporter } from '../sampling/sampler-step.ts';
import { langevinUpdate } from '../sampling/updates.ts';
import type { LogDensity } from './log-density.ts';
import { ChainRecorder, type ChainOptions, type PosteriorResult } from './posterior.ts';

export interface SgldOptions extends ChainOptions {
  /** a_0: the first step size. */
  readonly stepSize: number;
  /** b of the schedule (default 100). */
  readonly decayB?: number;
  /** gamma of the schedule, in (0.5, 1] (default 0.55, Welling & Teh's experiments). */
  readonly decayGamma?: number;
  /** The N data rows [N, ...dataShape], row-major. */
  readonly data: Float32Array;
  /** B: rows per minibatch. */
  readonly batchSize: number;
  /** Initial states [C, d]. */
  readonly init: Float32Array;
}

/** a_t = a_0 (b / (b + t))^gamma. */
export function sgldStepSize(a0: number, b: number, gamma: number, t: number): number {
  return a0 * (b / (b + t)) ** gamma;
}

/** Runs SGLD chains on a minibatched log density. */
export async function sgld(
  density: LogDensity,
  opts: SgldOptions,
  rng: Rng,
): Promise<PosteriorResult> {
  const d = density.dim;
  const rowShape = density.dataShape;
  if (!rowShape || rowShape.some((s) => typeof s !== 'number'))
    throw new Error(
      'SGLD needs a minibatched log density: inputs theta [N, d] and data [B, ...] with fixed row sizes',
    );
  checkPositive('stepSize', opts.stepSize);
  const b = opts.decayB ?? 100;
  const gamma = opts.decayGamma ?? 0.55;
  checkPositive('decayB', b);
  if (!(gamma > 0.5 && gamma <= 1)) throw new Error(`decayGamma must be in (0.5, 1], got ${gamma}`);
  const rowSize = (rowShape as number[]).reduce((p, q) => p * q, 1);
  const nData = opts.data.length / rowSize;
  checkInteger('batchSize', opts.batchSize);
  if (!Number.isInteger(nData) || opts.batchSize > nData)
    throw new Error(
      `the data has ${opts.data.length / rowSize} rows of [${rowShape}]; the batch size ${opts.batchSize} must not exceed it`,
    );
  const chains = opts.init.length / d;
  const rec = new ChainRecorder(opts, chains, d);
  const reporter = new StepReporter(opts.onStep, opts.steps, opts.init.length);
  const x = Float32Array.from(opts.init);
  const scale = nData / opts.batchSize;
  const g = new Float32Array(x.length);
  for (let t = 0; t < opts.steps; t++) {
    // 1. A minibatch of B rows drawn without replacement.
    const batch = minibatch(opts.data, rowSize, nData, opts.batchSize, rng);
    const v = await density.evaluate(
      x,
      chains,
      tensor('float32', [opts.batchSize, ...(rowShape as number[])], batch),
    );
    // 2. The unbiased gradient estimate: prior + (N / B) minibatch likelihood.
    for (let k = 0; k < g.length; k++) g[k] = (v.priorGrad?.[k] ?? 0) + scale * v.grad[k]!;
    // 3. The Langevin step with this step's size.
    const a = sgldStepSize(opts.stepSize, b, gamma, t);
    await reporter.done(x, a, langevinUpdate(x, g, a, Math.sqrt(2 * a), rng));
    rec.record(t, x);
  }
  return { samples: rec.samples, chains, kept: rec.kept };
}

/** B rows of `data` chosen uniformly without replacement (a partial Fisher-Yates shuffle). */
function minibatch(
  data: Float32Array,
  rowSize: number,
  n: number,
  size: number,
  rng: Rng,
): Float32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const out = new Float32Array(size * rowSize);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    out.set(data.subarray(idx[i]! * rowSize, (idx[i]! + 1) * rowSize), i * rowSize);
  }
  return out;
}
