/**
 * Benchmark: training throughput (examples/s) of one full training step, scorekit against
 * PyTorch on the same network, batch and thread count, in one run (issue 5).
 *
 * scorekit: a {@link TrainStep} with the DSM objective (lambda = sigma^2), Adam, global-norm
 * clipping to 1 and an EMA with decay 0.999, compiled as one ONNX Runtime graph. PyTorch:
 * bench/train_torch.py under Debian's /usr/bin/python3 (torch 1.13), the same network loaded
 * with the same initial weights, the same batch, the same loss, torch.optim.Adam,
 * clip_grad_norm_ and an EMA update, with torch.set_num_threads(threads). The batch (x, z,
 * sigma) is fixed and fed every step, so data loading is not timed on either side.
 *
 * Cases (bench/train-cases.ts): NCSNv2 ngf 16 on 1x28x28 at batch 64 (the mnist-small
 * preset), NCSNv2 ngf 64 on 1x28x28 at batch 128 (the mnist preset), the toy2d MLP at batch
 * 256 (all DSM) and a small DDPM U-Net at batch 32 (DDPM's loss). For each
 * case and thread count both sides are built and warmed up, then timed `reps` times
 * alternately (scorekit, PyTorch, scorekit, ...); each timing is `steps` consecutive steps
 * (fewer when a warm-up step took over 10 s) and gives examples/s = batch x steps / seconds.
 * Medians over the repetitions are reported, with the 1/5/15-minute load averages (what
 * `uptime` prints) before and after every timing, and examples per CPU-second (process CPU
 * time, all threads: less inflated by time-slicing on a loaded machine, but it counts
 * spin-waiting). The first step's loss of both sides is recorded as a check that they compute
 * the same thing.
 *
 * `--mode sample` times sampling instead: the network exported as a score model and run by
 * the library's annealed Langevin at one noise level (x <- x + a s(x, sigma) + sqrt(2 a) z)
 * against the same step under torch.no_grad(), for the score-model (DSM) cases, with 4x the
 * training step counts; "examples/s" is then sample-steps per second (batch x steps / s).
 *
 * Usage: npm run bench:train -- [--mode train|sample] [--cases ncsnv2-16,ncsnv2-64,mlp,unet]
 *          [--threads 1,2] [--reps 3] [--quick] [--steps N] [--warmup N] [--out FILE]
 * (--quick: fewer warm-up and timed steps for every case, for a loaded machine short of
 * time; --steps / --warmup override every case's counts: for smoke tests.)
 * Writes bench/results/train-<date>.json (sample-<date>.json with --mode sample; rewritten
 * after every row, so an interrupted run keeps what it measured) and prints a markdown table.
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { numel } from '../src/graph/index.ts';
import type { ParamLayout } from '../src/nn/params.ts';
import { Rng } from '../src/rng/rng.ts';
import { Session } from '../src/runtime/session.ts';
import { annealedLangevin } from '../src/sampling/annealed-langevin.ts';
import { sessionScoreFn } from '../src/score/onnx-score.ts';
import { exportScoreModel } from '../src/score/score-model.ts';
import { TrainStep } from '../src/train/train-step.ts';
import { type BenchCase, type CaseData, CASES, caseData, caseModel } from './train-cases.ts';

/** Debian's python3 with python3-torch (not the pyenv python3 first on PATH). */
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(import.meta.dirname, 'train_torch.py');
/** A warm-up step slower than this switches a case to its `slowSteps`. */
const SLOW_STEP_S = 10;
const LR = 1e-4;
const CLIP_NORM = 1;
const EMA_DECAY = 0.999;

/** One timing of `steps` consecutive training steps. */
interface Timing {
  readonly steps: number;
  readonly seconds: number;
  readonly examplesPerS: number;
  readonly stepSeconds: readonly number[];
  /** Process CPU time of the n steps, all threads (spin-waiting included). */
  readonly cpuSeconds: number;
  /** Examples per CPU-second: less sensitive to time-slicing on a loaded machine. */
  readonly examplesPerCpuS: number;
  /** Load averages (1, 5, 15 min) before and after. */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

/** A side of the comparison: warm-up, then timed runs of n steps. */
interface Runner {
  /** Runs n steps; returns each step's wall seconds and loss, and the process CPU seconds. */
  steps(n: number): Promise<{ seconds: number[]; losses: number[]; cpuSeconds: number }>;
  close(): Promise<void>;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const k = Math.floor(s.length / 2);
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const load = (): number[] => loadavg().map((v) => round(v, 2));

/** scorekit: the compiled training step. */
async function scorekitRunner(
  c: BenchCase,
  data: CaseData,
  threads: number,
): Promise<{
  runner: Runner;
  compileS: number;
  theta: Float32Array;
  layout: ParamLayout;
  config: Readonly<Record<string, unknown>>;
}> {
  const { model, objective } = caseModel(c);
  const t0 = performance.now();
  const step = await TrainStep.create(
    {
      inputs: objective.inputs(c.batch, c.dataShape),
      loss: (scope, inputs) => objective.loss(scope, inputs),
      clipNorm: CLIP_NORM,
      emaDecay: EMA_DECAY,
    },
    (layout) => layout.initialize(new Rng(1)),
    { threads },
  );
  const compileS = (performance.now() - t0) / 1000;
  const theta = step.state.theta.slice();
  const runner: Runner = {
    async steps(n) {
      const seconds: number[] = [];
      const losses: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const r = await step.run(data.feeds, LR);
        seconds.push((performance.now() - t) / 1000);
        losses.push(r.loss);
      }
      const cpu = process.cpuUsage(cpu0);
      return { seconds, losses, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    },
    close: () => step.release(),
  };
  return { runner, compileS, theta, layout: step.layout, config: model.config };
}

/** The step size and noise level of the `--mode sample` Langevin steps. */
const SAMPLE_SIGMA = 1;
const SAMPLE_STEP = 1e-3;

/**
 * scorekit sampling (`--mode sample`): the case's network exported as a score model and
 * sampled by the library's annealed Langevin at one noise level, x <- x + a s(x, sigma) +
 * sqrt(2 a) z, one step per call so each step is timed.
 */
async function scorekitSampler(
  c: BenchCase,
  data: CaseData,
  threads: number,
): ReturnType<typeof scorekitRunner> {
  if (c.objective !== 'dsm') throw new Error(`--mode sample: case "${c.id}" is not a score model`);
  const { model } = caseModel(c);
  const layout = model.model.layout();
  const theta = layout.initialize(new Rng(1));
  const t0 = performance.now();
  const bytes = exportScoreModel(model.net, layout, theta, c.dataShape);
  const session = await Session.fromBytes(bytes, { threads });
  const compileS = (performance.now() - t0) / 1000;
  const score = sessionScoreFn(session);
  const shape = [c.batch, ...c.dataShape];
  let x: Float32Array = Float32Array.from(data.feeds['x']!.data as Float32Array);
  const rng = new Rng(3);
  const opts = { stepsPerScale: 1, eps: SAMPLE_STEP, denoise: false };
  const runner: Runner = {
    async steps(n) {
      const seconds: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        x = await annealedLangevin(score, { x, shape }, [SAMPLE_SIGMA], opts, rng);
        seconds.push((performance.now() - t) / 1000);
      }
      const cpu = process.cpuUsage(cpu0);
      return { seconds, losses: [], cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    },
    close: () => session.release(),
  };
  return { runner, compileS, theta, layout, config: model.config };
}

/**
 * PyTorch: bench/train_torch.py as a child process answering "steps N" (training) or
 * "sample N" (`--mode sample`) lines.
 */
async function torchRunner(
  c: BenchCase,
  data: CaseData,
  threads: number,
  setup: {
    readonly config: Readonly<Record<string, unknown>>;
    readonly theta: Float32Array;
    readonly specs: readonly { name: string; shape: readonly number[]; offset: number }[];
  },
): Promise<{ runner: Runner; startS: number; torch: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'scorekit-bench-train-'));
  const bytes = (a: Float32Array): Uint8Array =>
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(join(dir, 'theta.f32'), bytes(setup.theta));
  for (const [name, t] of Object.entries(data.feeds))
    writeFileSync(join(dir, `${name}.f32`), bytes(t.data as Float32Array));
  writeFileSync(
    join(dir, 'case.json'),
    JSON.stringify({
      model: c.model,
      objective: c.objective,
      config: setup.config,
      batch: c.batch,
      dataShape: c.dataShape,
      threads,
      lr: LR,
      sampleSigma: SAMPLE_SIGMA,
      sampleStep: SAMPLE_STEP,
      clipNorm: CLIP_NORM,
      emaDecay: EMA_DECAY,
      specs: setup.specs.map((s) => ({
        name: s.name,
        shape: s.shape,
        offset: s.offset,
        size: numel(s.shape),
      })),
    }),
  );
  const t0 = performance.now();
  const proc: ChildProcess = spawn(PYTHON, [TORCH_SCRIPT, dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  const lines: Interface = createInterface({ input: proc.stdout! });
  const it = lines[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await it.next();
    if (r.done) throw new Error(`${TORCH_SCRIPT} exited (code ${proc.exitCode})`);
    return JSON.parse(r.value as string) as Record<string, unknown>;
  };
  const ready = await next();
  const startS = (performance.now() - t0) / 1000;
  const runner: Runner = {
    async steps(n) {
      proc.stdin!.write(`${mode === 'sample' ? 'sample' : 'steps'} ${n}\n`);
      const r = await next();
      const cpu = r['cpu'] as number[];
      return {
        seconds: r['seconds'] as number[],
        losses: r['losses'] as number[],
        cpuSeconds: cpu.reduce((a, b) => a + b, 0),
      };
    },
    async close() {
      proc.stdin!.end('quit\n');
      await new Promise<void>((resolve) =>
        proc.exitCode !== null ? resolve() : proc.once('exit', () => resolve()),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return { runner, startS, torch: String(ready['torch']) };
}

async function timeSteps(runner: Runner, n: number, batch: number): Promise<Timing> {
  const loadBefore = load();
  const { seconds, cpuSeconds } = await runner.steps(n);
  const total = seconds.reduce((a, b) => a + b, 0);
  return {
    steps: n,
    seconds: round(total, 4),
    examplesPerS: round((batch * n) / total, 2),
    stepSeconds: seconds.map((s) => round(s, 4)),
    cpuSeconds: round(cpuSeconds, 4),
    examplesPerCpuS: round((batch * n) / cpuSeconds, 2),
    loadBefore,
    loadAfter: load(),
  };
}

/** Warm-up steps; returns the timed step count and the first loss. */
async function warmUp(
  runner: Runner,
  c: BenchCase,
  warmupOverride: number | undefined,
  stepsOverride: number | undefined,
): Promise<{ steps: number; firstLoss: number; warmupSeconds: number[] }> {
  const counts = quick && c.quick ? c.quick : c;
  const w = await runner.steps(Math.max(1, warmupOverride ?? counts.warmup));
  const slow = w.seconds.at(-1)! > SLOW_STEP_S;
  // A sampling step (forward only) costs about a quarter of a training step.
  const perMode = mode === 'sample' ? SAMPLE_STEPS_FACTOR : 1;
  return {
    steps: stepsOverride ?? (slow ? counts.slowSteps : counts.steps) * perMode,
    firstLoss: w.losses[0] ?? NaN,
    warmupSeconds: w.seconds.map((s) => round(s, 3)),
  };
}

function shell(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8' }).trimEnd();
  } catch {
    return '';
  }
}

const mode = arg('mode') ?? 'train';
if (mode !== 'train' && mode !== 'sample')
  throw new Error(`--mode must be train or sample, got ${mode}`);
const SAMPLE_STEPS_FACTOR = 4;
const defaultCases = CASES.filter((c) => mode === 'train' || c.objective === 'dsm');
const caseIds = (arg('cases') ?? defaultCases.map((c) => c.id).join(',')).split(',');
const threadList = (arg('threads') ?? '1,2').split(',').map(Number);
const reps = Number(arg('reps') ?? '3');
const quick = process.argv.includes('--quick');
const stepsOverride = arg('steps') === undefined ? undefined : Number(arg('steps'));
const warmupOverride = arg('warmup') === undefined ? undefined : Number(arg('warmup'));
const date = new Date().toISOString().slice(0, 10);
const outFile =
  arg('out') ?? `bench/results/${mode === 'sample' ? 'sample' : 'train'}-${date}.json`;

const started = new Date().toISOString();
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: round(totalmem() / 2 ** 30, 1),
  node: process.version,
};
const git = {
  commit: shell('git rev-parse HEAD'),
  // Uncommitted changes the measured code may include (other people's work in progress).
  dirty: shell('git status --porcelain --untracked-files=no').split('\n').filter(Boolean),
};
const topBefore = shell('ps -eo pcpu,args --sort=-pcpu | head -6');
console.log(`uptime: ${shell('uptime')}`);

const results: Record<string, unknown>[] = [];
const table: string[] = [];

/** Writes everything measured so far. */
function save(): void {
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        date,
        started,
        finished: new Date().toISOString(),
        command: `npm run bench:train -- ${process.argv.slice(2).join(' ')}`.trim(),
        machine,
        git,
        settings: {
          lr: LR,
          clipNorm: CLIP_NORM,
          emaDecay: EMA_DECAY,
          reps,
          quick,
          adam: 'defaults (torch.optim.Adam as constructed by default: foreach off in 1.13)',
        },
        topBefore,
        topNow: shell('ps -eo pcpu,args --sort=-pcpu | head -6'),
        results,
      },
      null,
      2,
    ),
  );
}

for (const id of caseIds) {
  const c = CASES.find((k) => k.id === id);
  if (!c) throw new Error(`unknown case "${id}" (cases: ${CASES.map((k) => k.id).join(', ')})`);
  const data = caseData(c);
  for (const threads of threadList) {
    console.log(`${new Date().toISOString().slice(11, 19)} ${c.id}, ${threads} thread(s)`);
    const sk = await (mode === 'sample' ? scorekitSampler : scorekitRunner)(c, data, threads);
    const th = await torchRunner(c, data, threads, {
      config: sk.config,
      theta: sk.theta,
      specs: sk.layout.specs,
    });
    const skWarm = await warmUp(sk.runner, c, warmupOverride, stepsOverride);
    const thWarm = await warmUp(th.runner, c, warmupOverride, stepsOverride);
    const skRuns: Timing[] = [];
    const thRuns: Timing[] = [];
    for (let r = 0; r < reps; r++) {
      skRuns.push(await timeSteps(sk.runner, skWarm.steps, c.batch));
      thRuns.push(await timeSteps(th.runner, thWarm.steps, c.batch));
    }
    await sk.runner.close();
    await th.runner.close();
    const skMed = median(skRuns.map((t) => t.examplesPerS));
    const thMed = median(thRuns.map((t) => t.examplesPerS));
    const loads = [...skRuns, ...thRuns].flatMap((t) => [t.loadBefore[0]!, t.loadAfter[0]!]);
    const row = {
      case: c.id,
      description: c.description,
      threads,
      batch: c.batch,
      parameters: sk.layout.size,
      scorekitExamplesPerS: round(skMed, 2),
      torchExamplesPerS: round(thMed, 2),
      ratio: round(skMed / thMed, 3),
      scorekitExamplesPerCpuS: round(median(skRuns.map((t) => t.examplesPerCpuS)), 2),
      torchExamplesPerCpuS: round(median(thRuns.map((t) => t.examplesPerCpuS)), 2),
      load1Min: round(Math.min(...loads), 2),
      load1Max: round(Math.max(...loads), 2),
      firstLoss: { scorekit: skWarm.firstLoss, torch: thWarm.firstLoss },
      scorekit: {
        compileS: round(sk.compileS, 2),
        warmupSeconds: skWarm.warmupSeconds,
        runs: skRuns,
      },
      torch: {
        version: th.torch,
        startS: round(th.startS, 2),
        warmupSeconds: thWarm.warmupSeconds,
        runs: thRuns,
      },
    };
    results.push(row);
    save();
    const line =
      `| ${c.description} | ${threads} | ${row.scorekitExamplesPerS} | ${row.torchExamplesPerS} ` +
      `| ${row.ratio.toFixed(2)}x | ${row.load1Min}-${row.load1Max} |`;
    table.push(line);
    console.log(line);
  }
}

console.log(`\nuptime: ${shell('uptime')}`);
console.log(
  '\n| case | threads | scorekit examples/s | PyTorch examples/s | scorekit / PyTorch | load (1 min) |',
);
console.log('|---|---|---|---|---|---|');
for (const l of table) console.log(l);
console.log(`\nwrote ${outFile}`);
