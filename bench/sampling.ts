/**
 * `npx tsx bench/sampling.ts`: where annealed Langevin sampling spends its time, for a small
 * network (MLP on 2-D data, batch 5000) and a large one (NCSNv2 RefineNet, ngf 16, on
 * 1x28x28, batch 64): the share outside ONNX Runtime (noise, the update, copies), and the
 * same step fused into the score graph (importOnnx of the score file + Add/Mul nodes, noise
 * generated in JS and fed, the next x written into a pre-allocated buffer). Then network
 * evaluations per sample of every sampler's defaults. Medians of 3 rounds; writes
 * bench/results/sampling-<date>.json and prints markdown for docs/PERFORMANCE.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as G from '../src/graph/index.ts';
import { buildModel } from '../src/models/registry.ts';
import { Rng } from '../src/rng/rng.ts';
import { Session } from '../src/runtime/session.ts';
import { annealedLangevin } from '../src/sampling/annealed-langevin.ts';
import { SAMPLERS } from '../src/sampling/registry.ts';
import { sessionScoreFn } from '../src/score/onnx-score.ts';
import { exportScoreModel } from '../src/score/score-model.ts';
import { geometricSigmas } from '../src/score/schedule.ts';
import type { ScoreFn } from '../src/score/score-fn.ts';

const THREADS = 2;
const ROUNDS = 3;

interface Net {
  readonly name: string;
  readonly model: string;
  readonly config: object;
  readonly dataShape: number[];
  readonly batch: number;
  readonly steps: number;
}
const NETS: Net[] = [
  {
    name: 'small: MLP 3x128, D = 2, batch 5000',
    model: 'mlp',
    config: {},
    dataShape: [2],
    batch: 5000,
    steps: 200,
  },
  {
    name: 'large: NCSNv2 ngf 16, 1x28x28, batch 64',
    model: 'ncsnv2',
    config: { ngf: 16 },
    dataShape: [1, 28, 28],
    batch: 64,
    steps: 20,
  },
];

function scoreFile(net: Net): Uint8Array {
  const model = buildModel(net.model, net.config, { dataShape: net.dataShape });
  const layout = model.layout();
  return exportScoreModel(model.score, layout, layout.initialize(new Rng(0)), net.dataShape);
}

/** The score file with the Langevin update appended: (x, sigma, z, a, noiseStd) -> x + a s + noiseStd z. */
function fusedFile(bytes: Uint8Array, dataShape: number[]): Uint8Array {
  const g = new G.Graph();
  const x = g.input('x', 'float32', ['N', ...dataShape]);
  const sigma = g.input('sigma', 'float32', ['N']);
  const z = g.input('z', 'float32', ['N', ...dataShape]);
  const a = g.input('a', 'float32', [1]);
  const noiseStd = g.input('noise_std', 'float32', [1]);
  const m = G.importOnnx(bytes, { graph: g, bind: { x, sigma } });
  const next = G.add(G.add(x, G.mul(m.outputs['score']!, a)), G.mul(z, noiseStd));
  return G.exportOnnx(g, {
    inputs: [x, sigma, z, a, noiseStd],
    outputs: { next },
    opsets: m.opsets,
  });
}

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;

async function measure(net: Net): Promise<Record<string, number>> {
  const bytes = scoreFile(net);
  const session = await Session.fromBytes(bytes, { threads: THREADS });
  const fused = await Session.fromBytes(fusedFile(bytes, net.dataShape), { threads: THREADS });
  const d = net.dataShape.reduce((p, q) => p * q, 1);
  const shape = [net.batch, ...net.dataShape];
  const sigmas = geometricSigmas(10, 0.01, net.steps);
  const inner = sessionScoreFn(session);
  let ortMs = 0;
  const timed: ScoreFn = async (x, s, sh) => {
    const t0 = performance.now();
    const out = await inner(x, s, sh);
    ortMs += performance.now() - t0;
    return out;
  };
  const rows: Record<string, number[]> = { stepMs: [], ortMs: [], fusedMs: [], fusedOrtMs: [] };
  for (let r = 0; r < ROUNDS + 1; r++) {
    // Unfused: ALS, one step per level, score through ScoreFn, update in JS.
    const x0 = new Rng(1).fillNormal(new Float32Array(net.batch * d), 0, 10);
    ortMs = 0;
    const t0 = performance.now();
    await annealedLangevin(
      timed,
      { x: x0, shape },
      sigmas,
      { stepsPerScale: 1, eps: 2e-5, denoise: false },
      new Rng(2),
    );
    const total = performance.now() - t0;
    // Fused: the same steps in one graph per step, ping-pong buffers, noise from JS.
    const rng = new Rng(2);
    let x = Float32Array.from(x0);
    let y = new Float32Array(x.length);
    const z = new Float32Array(x.length);
    const sigmaBatch = new Float32Array(net.batch);
    let fusedOrt = 0;
    const t1 = performance.now();
    for (const sigma of sigmas) {
      const a = (2e-5 * sigma * sigma) / 1e-4;
      sigmaBatch.fill(sigma);
      rng.fillNormal(z);
      const t2 = performance.now();
      await fused.run(
        {
          x: G.tensor('float32', shape, x),
          sigma: G.tensor('float32', [net.batch], sigmaBatch),
          z: G.tensor('float32', shape, z),
          a: G.tensor('float32', [1], [a]),
          noise_std: G.tensor('float32', [1], [Math.sqrt(2 * a)]),
        },
        ['next'],
        { next: G.tensor('float32', shape, y) },
      );
      fusedOrt += performance.now() - t2;
      [x, y] = [y, x];
    }
    const fusedTotal = performance.now() - t1;
    if (r === 0) continue; // warm-up
    rows['stepMs']!.push(total / net.steps);
    rows['ortMs']!.push(ortMs / net.steps);
    rows['fusedMs']!.push(fusedTotal / net.steps);
    rows['fusedOrtMs']!.push(fusedOrt / net.steps);
  }
  await session.release();
  await fused.release();
  const out = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  return {
    ...out,
    outsideShare: 1 - out['ortMs']! / out['stepMs']!,
    fusedOutsideShare: 1 - out['fusedOrtMs']! / out['fusedMs']!,
  };
}

function evaluationsTable(): string[] {
  const cases = [
    {
      label: 'D = 2, file sigmas 10 levels 20 -> 0.01',
      dataDim: 2,
      fileSigmas: Array.from(geometricSigmas(20, 0.01, 10)),
    },
    {
      label: 'D = 3072, file sigmas 232 levels 50 -> 0.01',
      dataDim: 3072,
      fileSigmas: Array.from(geometricSigmas(50, 0.01, 232)),
    },
  ];
  const lines = [
    `| sampler (defaults) | ${cases.map((c) => c.label).join(' | ')} |`,
    `|---|${cases.map(() => '---').join('|')}|`,
  ];
  for (const e of SAMPLERS.values()) {
    const v = cases.map((c) => {
      const p = e.plan({ denoise: true, dataDim: c.dataDim, fileSigmas: c.fileSigmas });
      return Number.isNaN(p.evaluationsPerSample) ? 'adaptive' : String(p.evaluationsPerSample);
    });
    lines.push(`| ${e.name} | ${v.join(' | ')} |`);
  }
  return lines;
}

const results: Record<string, Record<string, number>> = {};
for (const net of NETS) results[net.name] = await measure(net);
const lines = [
  '| network | ms / step | in ORT | outside ORT | fused ms / step | fused: in ORT | fused: outside |',
  '|---|---|---|---|---|---|---|',
  ...Object.entries(results).map(
    ([name, r]) =>
      `| ${name} | ${r['stepMs']!.toFixed(2)} | ${r['ortMs']!.toFixed(2)} | ${(100 * r['outsideShare']!).toFixed(0)}% | ${r['fusedMs']!.toFixed(2)} | ${r['fusedOrtMs']!.toFixed(2)} | ${(100 * r['fusedOutsideShare']!).toFixed(0)}% |`,
  ),
  '',
  ...evaluationsTable(),
];
console.log(lines.join('\n'));
mkdirSync('bench/results', { recursive: true });
const date = new Date().toISOString().slice(0, 10);
writeFileSync(
  `bench/results/sampling-${date}.json`,
  JSON.stringify({ threads: THREADS, results }, null, 2),
);
