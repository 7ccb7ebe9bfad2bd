/**
 * Benchmark: how the training state is kept between steps (issue 2, item 5).
 *
 *   per-tensor+prealloc  one graph input per parameter tensor (views into flat JS buffers);
 *                        ONNX Runtime writes the new state into pre-allocated views of the
 *                        other buffer set (double buffering; TrainStep's default)
 *   flat+prealloc        one flat input per state kind, cut by one Split in the graph, so
 *                        Adam/EMA are a few large element-wise ops; pre-allocated outputs
 *   per-tensor, flat     the same graphs with outputs allocated by ORT each step and fed back
 *
 * Model: an MLP with many parameter tensors (depth 16, width 256), batch 256.
 * Usage: npx tsx bench/optimizer.ts [--threads 1,2] [--steps 60]
 */
import { writeFileSync } from 'node:fs';
import * as G from '../src/graph/index.ts';
import { linear } from '../src/nn/linear.ts';
import type { ParamScope } from '../src/nn/params.ts';
import { Rng } from '../src/rng/rng.ts';
import { Session } from '../src/runtime/session.ts';
import {
  buildTrainStepGraph,
  type ParamGraphLayout,
  TrainStep,
  type TrainStepSpec,
} from '../src/train/train-step.ts';

const B = 256;
const WIDTH = 256;
const DEPTH = 16;

function model(scope: ParamScope, x: G.Value): G.Value {
  let h = x;
  for (let l = 0; l < DEPTH; l++) h = G.tanh(linear(scope, `l${l}`, h, WIDTH, WIDTH));
  return h;
}

const spec: TrainStepSpec = {
  inputs: {
    x: { dtype: 'float32', shape: [B, WIDTH] },
    y: { dtype: 'float32', shape: [B, WIDTH] },
  },
  loss: (scope, { x, y }) => {
    const d = G.sub(model(scope, x!), y!);
    return G.reduceMean(G.mul(d, d));
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeSteps(n: number, step: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 5; i++) await step();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await step();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

/** Outputs allocated by ONNX Runtime every step and fed back as the next inputs. */
async function noPrealloc(
  paramLayout: ParamGraphLayout,
  threads: number,
  batch: Record<string, G.TensorData>,
  rng: Rng,
  n: number,
): Promise<number> {
  const built = buildTrainStepGraph(spec, paramLayout);
  const session = await Session.fromBytes(
    G.exportOnnx(built.graph, { inputs: built.inputs, outputs: built.outputs }),
    { threads },
  );
  const theta = built.layout.initialize(rng);
  let state: Record<string, G.TensorData> = {};
  for (const s of built.slots) {
    const init =
      s.kind === 'theta' || s.kind === 'ema' ? theta.slice(s.offset, s.offset + s.size) : undefined;
    state[s.input] = G.tensor('float32', s.shape, init);
  }
  let t = 0;
  const r = await timeSteps(n, async () => {
    const out = await session.run({
      ...state,
      step: G.tensor('float32', [], [++t]),
      lr: G.tensor('float32', [], [1e-4]),
      ...batch,
    });
    state = Object.fromEntries(built.slots.map((s) => [s.input, out[s.output]!]));
  });
  await session.release();
  return r;
}

/** TrainStep: double-buffered, pre-allocated outputs (views into flat buffers). */
async function prealloc(
  paramLayout: ParamGraphLayout,
  threads: number,
  batch: Record<string, G.TensorData>,
  rng: Rng,
  n: number,
): Promise<number> {
  const ts = await TrainStep.create(spec, (l) => l.initialize(rng), { threads, paramLayout });
  const r = await timeSteps(n, async () => void (await ts.run(batch, 1e-4)));
  await ts.release();
  return r;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const threadList = arg('threads', '1,2').split(',').map(Number);
const n = Number(arg('steps', '60'));
const rng = new Rng(0);
const batch = {
  x: G.tensor('float32', [B, WIDTH], rng.normals(B * WIDTH)),
  y: G.tensor('float32', [B, WIDTH], rng.normals(B * WIDTH)),
};
const VARIANTS = ['per-tensor+prealloc', 'per-tensor', 'flat+prealloc', 'flat'];
const rows: { threads: number; variant: string; msPerStep: number }[] = [];
for (const threads of threadList) {
  for (let rep = 0; rep < 3; rep++) {
    for (const layout of ['per-tensor', 'flat'] as const) {
      const pre = await prealloc(layout, threads, batch, new Rng(1), n);
      rows.push({ threads, variant: `${layout}+prealloc`, msPerStep: pre });
      const plain = await noPrealloc(layout, threads, batch, new Rng(1), n);
      rows.push({ threads, variant: layout, msPerStep: plain });
    }
  }
}
const summary = threadList.flatMap((threads) =>
  VARIANTS.map((variant) => ({
    threads,
    variant,
    medianMs: median(
      rows.filter((r) => r.threads === threads && r.variant === variant).map((r) => r.msPerStep),
    ),
  })),
);
console.table(summary);
const date = new Date().toISOString().slice(0, 10);
writeFileSync(
  `bench/results/optimizer-${date}.json`,
  JSON.stringify(
    {
      date,
      model: `MLP depth ${DEPTH} width ${WIDTH} batch ${B}`,
      stepsPerRun: n,
      runs: rows,
      summary,
    },
    null,
    2,
  ),
);
