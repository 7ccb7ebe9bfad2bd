/**
 * `npm run bench:ops`: convolution workloads on ONNX Runtime (scorekit graphs) against
 * PyTorch CPU (bench/torch_ops.py) on the same machine, in the same run, at 1 and 2 threads,
 * plus a large-GEMM peak. Medians over alternating rounds (the machine is noisy).
 * Writes bench/results/ops-<date>.json and prints a markdown table for docs/PERFORMANCE.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as G from '../src/graph/index.ts';
import { Rng } from '../src/rng/rng.ts';
import { compile, type SessionOptions } from '../src/runtime/session.ts';

const [N, C, H] = [32, 64, 28];
const CONV_FLOP = 2 * N * C * C * 9 * H * H;
const ROUNDS = 3;
const REPS = 7;
const THREADS = [1, 2];
const PYTHON = '/usr/bin/python3';

interface Workload {
  readonly flop: number;
  /** Builds outputs from the graph input x [N, C, H, W] and weights (inputs or constants). */
  readonly build: (
    x: G.Value,
    weight: (name: string, shape: number[]) => G.Value,
  ) => {
    y: G.Value;
    params: G.Value[];
  };
}

const workloads: Record<string, Workload> = {
  conv3x3: {
    flop: CONV_FLOP,
    build: (x, weight) => {
      const w = weight('w1', [C, C, 3, 3]);
      return { y: G.conv2d(x, w, null, { padding: 1 }), params: [w] };
    },
  },
  resblock: {
    flop: 2 * CONV_FLOP,
    build: (x, weight) => {
      const [w1, b1, w2, b2] = [
        weight('w1', [C, C, 3, 3]),
        weight('b1', [C]),
        weight('w2', [C, C, 3, 3]),
        weight('b2', [C]),
      ];
      const h = G.relu(G.conv2d(x, w1, b1, { padding: 1 }));
      return { y: G.add(x, G.conv2d(h, w2, b2, { padding: 1 })), params: [w1, b1, w2, b2] };
    },
  },
};

function randomTensor(shape: number[], rng: Rng, scale = 1): G.TensorData {
  const t = G.tensor('float32', shape);
  rng.fillNormal(t.data as Float32Array, 0, scale);
  return t;
}

type Mode = 'forward' | 'forward (constant weights)' | 'forward+backward';

/** Median wall seconds of one run of `mode` of a workload; CPU seconds go to `cpu`. */
async function timeOrt(
  wl: Workload,
  mode: Mode,
  opts: SessionOptions,
  cpu?: (seconds: number) => void,
): Promise<number> {
  const rng = new Rng(0);
  const g = new G.Graph();
  const x = g.input('x', 'float32', [N, C, H, H]);
  const feeds: Record<string, G.TensorData> = { x: randomTensor([N, C, H, H], rng) };
  const inputs = [x];
  const weight = (name: string, shape: number[]): G.Value => {
    const t = randomTensor(shape, rng, 0.05);
    if (mode === 'forward (constant weights)') return G.constant(g, t);
    feeds[name] = t;
    const v = g.input(name, 'float32', shape);
    inputs.push(v);
    return v;
  };
  const { y, params } = wl.build(x, weight);
  const outputs: Record<string, G.Value> = { y };
  if (mode === 'forward+backward') {
    const gy = g.input('gy', 'float32', y.shape);
    inputs.push(gy);
    feeds['gy'] = randomTensor(y.shape as number[], rng);
    G.grad(y, [x, ...params], [gy]).forEach((v, i) => (outputs[`g${i}`] = v));
  }
  const s = await compile(g, { inputs, outputs }, opts);
  const into = Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, G.tensor('float32', v.shape as number[])]),
  );
  const run = (): Promise<unknown> => s.run(feeds, Object.keys(outputs), into);
  await run();
  await run();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    ts.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1e6);
  }
  await s.release();
  cpu?.(median(cs));
  return median(ts);
}

async function gemmPeak(threads: number, m: number, k: number, n: number): Promise<number> {
  const g = new G.Graph();
  const a = g.input('a', 'float32', [m, k]);
  const b = g.input('b', 'float32', [k, n]);
  const s = await compile(g, { inputs: [a, b], outputs: { y: G.matmul(a, b) } }, { threads });
  const rng = new Rng(1);
  const feeds = { a: randomTensor([m, k], rng), b: randomTensor([k, n], rng) };
  const into = { y: G.tensor('float32', [m, n]) };
  await s.run(feeds, ['y'], into);
  const ts: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await s.run(feeds, ['y'], into);
    ts.push((performance.now() - t0) / 1000);
  }
  await s.release();
  return (2 * m * k * n) / median(ts) / 1e9;
}

function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function torchTimes(threads: number): {
  seconds: Record<string, number>;
  cpuSeconds: Record<string, number>;
} {
  const r = spawnSync(PYTHON, ['bench/torch_ops.py', String(threads), String(REPS)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench/torch_ops.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof torchTimes>;
}

const samples: Record<string, number[]> = {};
const push = (key: string, v: number): void => void (samples[key] ??= []).push(v);
const modes: Mode[] = ['forward', 'forward (constant weights)', 'forward+backward'];
const plainModes: Mode[] = ['forward', 'forward+backward'];

for (let round = 0; round < ROUNDS; round++) {
  for (const t of THREADS) {
    const pt = torchTimes(t);
    for (const [k, v] of Object.entries(pt.seconds)) push(`torch/${k}/${t}`, v);
    for (const [k, v] of Object.entries(pt.cpuSeconds)) push(`torch-cpu/${k}/${t}`, v);
    for (const [name, wl] of Object.entries(workloads)) {
      for (const mode of modes)
        push(
          `ort/${name}/${mode}/${t}`,
          await timeOrt(wl, mode, { threads: t }, (c) => push(`ort-cpu/${name}/${mode}/${t}`, c)),
        );
      // The same graphs without the NCHWc lowering of runtime/nchwc-lowering.ts.
      for (const mode of plainModes)
        push(
          `ort-plain/${name}/${mode}/${t}`,
          await timeOrt(wl, mode, { threads: t, convLayout: 'plain' }),
        );
    }
    push(`gemm/2048x2048x2048/${t}`, await gemmPeak(t, 2048, 2048, 2048));
    push(`gemm/576x25088x64/${t}`, await gemmPeak(t, 576, 25088, 64));
  }
  console.error(`round ${round + 1}/${ROUNDS} done`);
}

const rows: Record<string, unknown>[] = [];
const lines = [
  '| workload | threads | scorekit (ORT) ms | GFLOP/s | PyTorch ms | GFLOP/s | speed vs PyTorch |',
  '|---|---|---|---|---|---|---|',
];
for (const [name, wl] of Object.entries(workloads)) {
  for (const mode of modes) {
    for (const t of THREADS) {
      const flop = wl.flop * (mode === 'forward+backward' ? 3 : 1);
      const ort = median(samples[`ort/${name}/${mode}/${t}`]!);
      const torchKey = `torch/${name}/${mode === 'forward+backward' ? mode : 'forward'}/${t}`;
      const pt = median(samples[torchKey]!);
      rows.push({
        workload: name,
        mode,
        threads: t,
        ortSeconds: ort,
        torchSeconds: pt,
        flop,
        ratio: pt / ort,
      });
      lines.push(
        `| ${name} ${mode} | ${t} | ${(ort * 1e3).toFixed(1)} | ${(flop / ort / 1e9).toFixed(0)} | ${(pt * 1e3).toFixed(1)} | ${(flop / pt / 1e9).toFixed(0)} | ${(pt / ort).toFixed(2)}x |`,
      );
    }
  }
}
for (const [name, wl] of Object.entries(workloads)) {
  for (const mode of plainModes) {
    for (const t of THREADS) {
      const flop = wl.flop * (mode === 'forward+backward' ? 3 : 1);
      const ort = median(samples[`ort-plain/${name}/${mode}/${t}`]!);
      const pt = median(samples[`torch/${name}/${mode}/${t}`]!);
      rows.push({
        workload: name,
        mode: `${mode}, plain Conv`,
        threads: t,
        ortSeconds: ort,
        torchSeconds: pt,
        flop,
        ratio: pt / ort,
      });
      lines.push(
        `| ${name} ${mode}, plain Conv (no NCHWc lowering) | ${t} | ${(ort * 1e3).toFixed(1)} | ${(flop / ort / 1e9).toFixed(0)} | ${(pt * 1e3).toFixed(1)} | ${(flop / pt / 1e9).toFixed(0)} | ${(pt / ort).toFixed(2)}x |`,
      );
    }
  }
}
for (const t of THREADS)
  for (const shape of ['2048x2048x2048', '576x25088x64'])
    lines.push(
      `| ORT MatMul ${shape} | ${t} | | ${median(samples[`gemm/${shape}/${t}`]!).toFixed(0)} | | | |`,
    );

// With 1 thread, process CPU time per run is the compute time even when other jobs share the
// cores (time-slicing inflates wall time, not CPU time): a second, load-robust comparison.
lines.push(
  '',
  '| workload, 1 thread | scorekit CPU ms per run | PyTorch CPU ms per run | speed vs PyTorch (CPU time) |',
  '|---|---|---|---|',
);
for (const name of Object.keys(workloads)) {
  for (const mode of modes) {
    const ort = median(samples[`ort-cpu/${name}/${mode}/1`]!);
    const torchKey = `torch-cpu/${name}/${mode === 'forward+backward' ? mode : 'forward'}/1`;
    const pt = median(samples[torchKey]!);
    lines.push(
      `| ${name} ${mode} | ${(ort * 1e3).toFixed(1)} | ${(pt * 1e3).toFixed(1)} | ${(pt / ort).toFixed(2)}x |`,
    );
  }
}

const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores`;
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/ops-${date}.json`;
writeFileSync(
  file,
  JSON.stringify({ date, machine, rounds: ROUNDS, reps: REPS, rows, samples }, null, 2),
);
console.log(`npm run bench:ops, ${date}, ${machine}\n`);
console.log(lines.join('\n'));
console.log(`\nwritten to ${file}`);
