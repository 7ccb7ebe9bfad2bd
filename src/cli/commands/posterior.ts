/**
 * `scorekit posterior`: samples a user's log density (an ONNX file with input theta [N, d] and
 * output logp [N]; scorekit differentiates it) with Langevin, MALA or SGLD chains
 * (tasks/posterior.ts, tasks/sgld.ts). Writes the kept draws [C, K, d].
 */
import { readNpy, writeNpy } from '../../io/npy.ts';
import { readOnnxFile } from '../../io/onnx-file.ts';
import { Rng } from '../../rng/rng.ts';
import { defaultThreads } from '../../runtime/session.ts';
import { type LogDensity, logDensityFromOnnx } from '../../tasks/log-density.ts';
import { type PosteriorResult, samplePosterior } from '../../tasks/posterior.ts';
import { sgld } from '../../tasks/sgld.ts';
import { type Command, type Flags, UsageError } from '../command.ts';
import { ProgressBar } from '../progress.ts';

const HELP = `Usage: scorekit posterior --log-density f.onnx --sampler langevin|mala|sgld --steps S --step-size H --out samples.npy [options]

Samples p(theta) from an ONNX file with input theta float32 [N, d] and output logp float32
[N] (log p(theta) up to a constant, row by row; e.g. from torch.onnx.export). scorekit
differentiates logp itself. Chains run in parallel; the kept draws [C, K, d] are written.

  --log-density FILE  the .onnx log density (required)
  --sampler NAME      langevin (unadjusted, theta + H grad log p + sqrt(2H) z), mala (adds the
                      Metropolis-Hastings step; reports its acceptance rate) or sgld (required)
  --steps S           steps per chain, burn-in included (required)
  --step-size H       the step size; sgld: the first one, a_t = H (b / (b + t))^gamma (required)
  --burn-in B         steps dropped at the start (default S / 2)
  --thin T            keep every T-th state after the burn-in (default 1)
  --chains C          parallel chains (default 4)
  --init FILE         initial states .npy [C, d] or [d] (default N(0, I) draws)
  --out FILE          the draws .npy [C, K, d], K = floor((S - B) / T) (required)
  --seed S            random seed (default 0)
  --threads T         ONNX Runtime threads (default: all cores)
SGLD (Welling & Teh 2011): the file has a second input, a minibatch of data [B, ...], logp is
the minibatch log likelihood sum_i log p(x_i | theta) and an optional output log_prior [N] is
log p(theta); the gradient is grad log_prior + (N / B) grad logp.
  --data FILE         the N data rows .npy [N, ...] (required for sgld)
  --batch-size B      rows per minibatch (required for sgld)
  --decay-b b         b of the step-size schedule (default 100)
  --decay-gamma g     gamma of the schedule, in (0.5, 1] (default 0.55)
  --verbose           stack traces on errors
`;

export const posteriorCommand: Command = {
  name: 'posterior',
  summary: 'sample a log density from an ONNX file with Langevin, MALA or SGLD',
  help: HELP,
  options: Object.fromEntries(
    [
      'log-density',
      'sampler',
      'steps',
      'step-size',
      'burn-in',
      'thin',
      'chains',
      'init',
      'out',
      'seed',
      'threads',
      'data',
      'batch-size',
      'decay-b',
      'decay-gamma',
    ].map((k) => [k, { type: 'string' as const }]),
  ),
  run: runPosterior,
};

function required<T>(v: T | undefined, name: string): T {
  if (v === undefined)
    throw new UsageError(`posterior: missing --${name} (see scorekit posterior --help)`);
  return v;
}

/** Runs `scorekit posterior`. */
export async function runPosterior(flags: Flags): Promise<void> {
  const path = flags.requireString('log-density');
  const sampler = flags.requireString('sampler');
  if (sampler !== 'langevin' && sampler !== 'mala' && sampler !== 'sgld')
    throw new UsageError(`--sampler must be langevin, mala or sgld, got "${sampler}"`);
  const steps = required(flags.int('steps', 1), 'steps');
  const stepSize = required(flags.number('step-size', { min: 0, exclusiveMin: true }), 'step-size');
  const out = flags.requireString('out');
  const chainOpts = {
    steps,
    ...(flags.has('burn-in') ? { burnIn: flags.int('burn-in', 0)! } : {}),
    ...(flags.has('thin') ? { thin: flags.int('thin', 1)! } : {}),
  };
  const threads = flags.int('threads', 1) ?? defaultThreads();
  const rng = new Rng(flags.int('seed') ?? 0);
  const density = await logDensityFromOnnx(await readOnnxFile(path), path, { threads });
  try {
    const init = await initialStates(flags, density.dim, rng);
    const chains = init.length / density.dim;
    process.stderr.write(
      `scorekit posterior: ${sampler}, ${chains} chain${chains > 1 ? 's' : ''} of ${steps} steps, d = ${density.dim}, step size ${stepSize}\n`,
    );
    const bar = new ProgressBar('posterior', steps, 'steps');
    const onStep = (s: { step: number }): void => bar.update(s.step + 1);
    const result =
      sampler === 'sgld'
        ? await runSgld(flags, density, { ...chainOpts, stepSize, init, onStep }, rng)
        : await samplePosterior(density, { ...chainOpts, sampler, stepSize, init, onStep }, rng);
    bar.update(steps);
    report(result, density.dim);
    await writeNpy(out, {
      dtype: 'float32',
      shape: [result.chains, result.kept, density.dim],
      data: result.samples,
    });
    process.stdout.write(`${out}\n`);
  } finally {
    await density.release();
  }
}

/** --init [C, d] or [d] (repeated for --chains), else N(0, I) draws for C chains. */
async function initialStates(flags: Flags, d: number, rng: Rng): Promise<Float32Array> {
  const chains = flags.int('chains', 1);
  const path = flags.string('init');
  if (!path) return rng.fillNormal(new Float32Array((chains ?? 4) * d));
  const a = await readNpy(path);
  const data = Float32Array.from(a.data);
  const ok = a.shape[a.shape.length - 1] === d && a.shape.length <= 2;
  if (!ok)
    throw new UsageError(
      `${path}: the initial states have shape [${a.shape}] but the log density needs [C, ${d}] or [${d}]`,
    );
  if (a.shape.length === 2) {
    if (chains !== undefined && chains !== a.shape[0])
      throw new UsageError(`--chains ${chains} does not match the ${a.shape[0]} rows of ${path}`);
    return data;
  }
  const c = chains ?? 4;
  const out = new Float32Array(c * d);
  for (let i = 0; i < c; i++) out.set(data, i * d);
  return out;
}

async function runSgld(
  flags: Flags,
  density: LogDensity,
  opts: {
    steps: number;
    stepSize: number;
    init: Float32Array;
    onStep: (s: { step: number }) => void;
  },
  rng: Rng,
): Promise<PosteriorResult> {
  const dataPath = flags.string('data');
  if (!dataPath) throw new UsageError('posterior: sgld needs --data FILE.npy (the N data rows)');
  const batchSize = required(flags.int('batch-size', 1), 'batch-size');
  const data = await readNpy(dataPath);
  const row = density.dataShape ?? [];
  if (
    data.shape.length !== row.length + 1 ||
    row.some((s, i) => typeof s === 'number' && s !== data.shape[i + 1])
  )
    throw new UsageError(
      `${dataPath}: the data has shape [${data.shape}] but the log density's data input takes rows [${row.join(', ')}]`,
    );
  return sgld(
    density,
    {
      ...opts,
      data: Float32Array.from(data.data),
      batchSize,
      ...(flags.has('decay-b')
        ? { decayB: flags.number('decay-b', { min: 0, exclusiveMin: true })! }
        : {}),
      ...(flags.has('decay-gamma') ? { decayGamma: flags.number('decay-gamma')! } : {}),
    },
    rng,
  );
}

/** Prints the acceptance rate (MALA) and the posterior mean +- std of the first dimensions. */
function report(r: PosteriorResult, d: number): void {
  if (r.acceptanceRate !== undefined)
    process.stderr.write(`  MALA acceptance rate: ${r.acceptanceRate.toFixed(3)}\n`);
  const n = r.samples.length / d;
  const parts: string[] = [];
  for (let j = 0; j < Math.min(d, 8); j++) {
    let [m, m2] = [0, 0];
    for (let i = 0; i < n; i++) {
      const v = r.samples[i * d + j]!;
      m += v / n;
      m2 += (v * v) / n;
    }
    parts.push(`${m.toPrecision(4)} +- ${Math.sqrt(Math.max(m2 - m * m, 0)).toPrecision(3)}`);
  }
  process.stderr.write(
    `  ${n} draws (${r.chains} chains x ${r.kept}); theta mean +- std: ${parts.join(', ')}${d > 8 ? ', ...' : ''}\n`,
  );
}
