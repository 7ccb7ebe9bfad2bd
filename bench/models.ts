/**
 * Benchmark: score networks' forward and training-step time (issue 5, item 1).
 *
 *   forward     the score graph s_theta(x, sigma) alone (parameters as constants, as exported)
 *   train step  one TrainStep run: DSM loss, backward, Adam and EMA (TrainStep's defaults)
 *
 * Default: NCSNv2 with ngf 64 on MNIST-sized images (1x28x28), batch 128, at 1 and 2 threads.
 * Usage: npx tsx bench/models.ts [--model ncsnv2] [--config '{"ngf":64}'] [--shape 1,28,28]
 *          [--batch 128] [--threads 1,2] [--reps 3]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as G from '../src/graph/index.ts';
import { buildModel } from '../src/models/registry.ts';
import { constantScope } from '../src/nn/params.ts';
import { Rng } from '../src/rng/rng.ts';
import { compile } from '../src/runtime/session.ts';
import { dsmLoss } from '../src/score/dsm.ts';
import { TrainStep } from '../src/train/train-step.ts';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const name = arg('model', 'ncsnv2');
const dataShape = arg('shape', '1,28,28').split(',').map(Number);
const B = Number(arg('batch', '128'));
const threadList = arg('threads', '1,2').split(',').map(Number);
const reps = Number(arg('reps', '3'));
const sigmas = Array.from({ length: 10 }, (_, i) => 10 ** ((-2 * i) / 9));
const model = buildModel(name, JSON.parse(arg('config', '{"ngf":64}')), { dataShape, sigmas });
const shape = [B, ...dataShape];
console.log(model.describe().split('\n')[0]);

const rng = new Rng(0);
const x = G.tensor('float32', shape, rng.fillUniform(new Float32Array(G.numel(shape))));
const z = G.tensor('float32', shape, rng.normals(G.numel(shape)));
const sigma = G.tensor(
  'float32',
  [B],
  Array.from({ length: B }, (_, i) => sigmas[i % 10]!),
);

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function timeRuns(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function forward(threads: number): Promise<{ compileMs: number; ms: number[] }> {
  const layout = model.layout();
  const g = new G.Graph();
  const xv = g.input('x', 'float32', shape);
  const sv = g.input('sigma', 'float32', [B]);
  const score = model.score(constantScope(g, layout, layout.initialize(new Rng(1))), xv, sv);
  const t0 = performance.now();
  const session = await compile(g, { inputs: [xv, sv], outputs: { score } }, { threads });
  const compileMs = performance.now() - t0;
  const ms = await timeRuns(() => session.run({ x, sigma }));
  await session.release();
  return { compileMs, ms };
}

async function trainStep(threads: number): Promise<{ compileMs: number; ms: number[] }> {
  const t0 = performance.now();
  const ts = await TrainStep.create(
    {
      inputs: {
        x: { dtype: 'float32', shape },
        z: { dtype: 'float32', shape },
        sigma: { dtype: 'float32', shape: [B] },
      },
      loss: (scope, b) => dsmLoss(model.scoreNet(scope))(b['x']!, b['z']!, b['sigma']!).loss,
    },
    (l) => l.initialize(new Rng(1)),
    { threads },
  );
  const compileMs = performance.now() - t0;
  const ms = await timeRuns(() => ts.run({ x, z, sigma }, 1e-4));
  await ts.release();
  return { compileMs, ms };
}

const loadBefore = loadavg();
const rows: Record<string, unknown>[] = [];
for (const threads of threadList) {
  for (const [kind, fn] of [
    ['forward', forward],
    ['train step', trainStep],
  ] as const) {
    const r = await fn(threads);
    const m = median(r.ms);
    rows.push({
      threads,
      kind,
      compileS: +(r.compileMs / 1000).toFixed(1),
      medianMs: Math.round(m),
      minMs: Math.round(Math.min(...r.ms)),
      // On a shared machine the fastest run is the least disturbed one.
      examplesPerS: +((B * 1000) / Math.min(...r.ms)).toFixed(1),
      runsMs: r.ms.map(Math.round),
    });
    console.table([rows.at(-1)]);
  }
}
console.table(rows);
const date = new Date().toISOString().slice(0, 10);
writeFileSync(
  `bench/results/models-${name}-${date}.json`,
  JSON.stringify(
    {
      date,
      model: name,
      config: model.config,
      batch: B,
      dataShape,
      params: model.layout().size,
      // 1/5/15-minute load averages: on a shared machine, timings are only as good as these.
      loadBefore,
      loadAfter: loadavg(),
      rows,
    },
    null,
    2,
  ),
);
