/**
 * Benchmark: how the training state is kept between steps (issue 2, item 5).
 *
 *   flat+prealloc  one flat parameter vector sliced in the graph; Adam/EMA on 4 big vectors;
 *                  ONNX Runtime writes the new state into pre-allocated, double-buffered
 *                  outputs (what TrainStep does)
 *   flat           the same graph, outputs allocated by ORT each step and fed back
 *   per-tensor     one graph input per parameter tensor; Adam/EMA per tensor (hundreds of
 *                  small element-wise ops); outputs allocated by ORT and fed back
 *
 * Model: an MLP with many parameter tensors (depth 16, width 256), batch 256.
 * Usage: npx tsx bench/optimizer.ts [--threads 1,2] [--steps 60]
 */
import { writeFileSync } from 'node:fs';
import * as G from '../src/graph/index.ts';
import { linear } from '../src/nn/linear.ts';
import { declareParams, separateScope, type ParamScope } from '../src/nn/params.ts';
import { Rng } from '../src/rng/rng.ts';
import { Session } from '../src/runtime/session.ts';
import { adamUpdate } from '../src/train/adam.ts';
import { emaUpdate } from '../src/train/ema.ts';
import { buildTrainStepGraph, TrainStep, type TrainStepSpec } from '../src/train/train-step.ts';

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

async function perTensor(
  threads: number,
  batch: Record<string, G.TensorData>,
  rng: Rng,
  n: number,
): Promise<number> {
  const layout = declareParams(
    (s, g) =>
      spec.loss(s, {
        x: g.input('x', 'float32', [B, WIDTH]),
        y: g.input('y', 'float32', [B, WIDTH]),
      }),
    new G.Graph(),
  );
  const g = new G.Graph();
  const { scope, params } = separateScope(g, layout);
  const ms = params.map((p) => g.input(`m:${p.name}`, 'float32', p.shape));
  const vs = params.map((p) => g.input(`v:${p.name}`, 'float32', p.shape));
  const emas = params.map((p) => g.input(`ema:${p.name}`, 'float32', p.shape));
  const step = g.input('step', 'float32', []);
  const lr = g.input('lr', 'float32', []);
  const x = g.input('x', 'float32', [B, WIDTH]);
  const y = g.input('y', 'float32', [B, WIDTH]);
  const loss = spec.loss(scope, { x, y });
  const grads = G.grad(loss, params);
  const upd = adamUpdate(
    params.map((p, i) => ({ param: p, grad: grads[i]!, m: ms[i]!, v: vs[i]! })),
    step,
    lr,
  );
  const outputs: Record<string, G.Value> = { loss };
  upd.forEach((u, i) => {
    outputs[`out:${params[i]!.name}`] = u.param;
    outputs[`out:${ms[i]!.name}`] = u.m;
    outputs[`out:${vs[i]!.name}`] = u.v;
    outputs[`out:${emas[i]!.name}`] = emaUpdate(emas[i]!, u.param, 0.999);
  });
  const session = await Session.fromBytes(
    G.exportOnnx(g, { inputs: [...params, ...ms, ...vs, ...emas, step, lr, x, y], outputs }),
    { threads },
  );
  const theta = layout.initialize(rng);
  let state: Record<string, G.TensorData> = {};
  for (const [i, p] of params.entries()) {
    const s = layout.specs[i]!;
    state[p.name] = G.tensor('float32', s.shape, theta.slice(s.offset, s.offset + s.size));
    for (const v of [ms[i]!, vs[i]!]) state[v.name] = G.tensor('float32', s.shape);
    state[emas[i]!.name] = state[p.name]!;
  }
  let t = 0;
  const r = await timeSteps(n, async () => {
    const out = await session.run({
      ...state,
      step: G.tensor('float32', [], [++t]),
      lr: G.tensor('float32', [], [1e-4]),
      ...batch,
    });
    const next: Record<string, G.TensorData> = {};
    for (const k of Object.keys(state)) next[k] = out[`out:${k}`]!;
    state = next;
  });
  await session.release();
  return r;
}

async function flatNoPrealloc(
  threads: number,
  batch: Record<string, G.TensorData>,
  rng: Rng,
  n: number,
): Promise<number> {
  const built = buildTrainStepGraph(spec);
  const session = await Session.fromBytes(
    G.exportOnnx(built.graph, { inputs: built.inputs, outputs: built.outputs }),
    { threads },
  );
  const P = built.layout.size;
  const theta = built.layout.initialize(rng);
  let st = {
    theta: G.tensor('float32', [P], theta),
    m: G.tensor('float32', [P]),
    v: G.tensor('float32', [P]),
    ema: G.tensor('float32', [P], theta),
  };
  let t = 0;
  const r = await timeSteps(n, async () => {
    const out = await session.run({
      ...st,
      step: G.tensor('float32', [], [++t]),
      lr: G.tensor('float32', [], [1e-4]),
      ...batch,
    });
    st = { theta: out['theta_out']!, m: out['m_out']!, v: out['v_out']!, ema: out['ema_out']! };
  });
  await session.release();
  return r;
}

async function flatPrealloc(
  threads: number,
  batch: Record<string, G.TensorData>,
  rng: Rng,
  n: number,
): Promise<number> {
  const ts = await TrainStep.create(spec, (l) => l.initialize(rng), { threads });
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
const rows: { threads: number; variant: string; msPerStep: number }[] = [];
for (const threads of threadList) {
  for (let rep = 0; rep < 3; rep++) {
    rows.push({
      threads,
      variant: 'flat+prealloc',
      msPerStep: await flatPrealloc(threads, batch, new Rng(1), n),
    });
    rows.push({
      threads,
      variant: 'flat',
      msPerStep: await flatNoPrealloc(threads, batch, new Rng(1), n),
    });
    rows.push({
      threads,
      variant: 'per-tensor',
      msPerStep: await perTensor(threads, batch, new Rng(1), n),
    });
  }
}
const summary = threadList.flatMap((threads) =>
  ['flat+prealloc', 'flat', 'per-tensor'].map((variant) => ({
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
