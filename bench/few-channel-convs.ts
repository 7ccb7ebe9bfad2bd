/**
 * Times stride-1 convolutions with few channels on one side as built and as rewritten by
 * runtime/conv-transpose-swap.ts (Conv <-> ConvTranspose with the flipped, transposed
 * weight): the numbers behind that rewrite (docs/PERFORMANCE.md, "Convolutions with few
 * channels"). Both forms are compiled without `compile`'s other rewrites, so only the swap
 * differs.
 *
 * Usage: npx tsx bench/few-channel-convs.ts [threads]
 */
import * as G from '../src/graph/index.ts';
import { exportOnnx } from '../src/graph/onnx/export.ts';
import { Rng } from '../src/rng/rng.ts';
import { swapFewChannelConvs } from '../src/runtime/conv-transpose-swap.ts';
import { Session } from '../src/runtime/session.ts';

interface Case {
  readonly op: 'Conv' | 'ConvTranspose';
  readonly x: readonly number[];
  /** Conv: [out, in, 3, 3]; ConvTranspose: [in, out, 3, 3]. */
  readonly w: readonly number[];
  /** The weight as a constant initializer (an exported model) instead of a graph input. */
  readonly constant?: boolean;
}

const cases: Case[] = [
  { op: 'Conv', x: [64, 16, 28, 28], w: [1, 16, 3, 3] },
  { op: 'Conv', x: [128, 64, 28, 28], w: [1, 64, 3, 3] },
  { op: 'Conv', x: [64, 16, 28, 28], w: [1, 16, 3, 3], constant: true },
  { op: 'Conv', x: [128, 64, 28, 28], w: [1, 64, 3, 3], constant: true },
  { op: 'ConvTranspose', x: [64, 1, 28, 28], w: [1, 16, 3, 3] },
  { op: 'ConvTranspose', x: [128, 1, 28, 28], w: [1, 64, 3, 3] },
  { op: 'ConvTranspose', x: [64, 3, 32, 32], w: [3, 32, 3, 3] },
  { op: 'ConvTranspose', x: [64, 8, 28, 28], w: [8, 32, 3, 3] },
  { op: 'ConvTranspose', x: [64, 16, 14, 14], w: [16, 32, 3, 3] },
];

const threads = Number(process.argv[2] ?? 1);
const REPS = 15;

function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Median ms of one run of `c`, as built or with the swap applied. */
async function time(c: Case, swap: boolean): Promise<number> {
  const g = new G.Graph();
  const rng = new Rng(1);
  const x = g.input('x', 'float32', c.x);
  const wData = G.tensor('float32', c.w, rng.fillNormal(new Float32Array(size(c.w))));
  const w = c.constant ? G.constant(g, wData) : g.input('w', 'float32', c.w);
  const o = { padding: 1 };
  const y = c.op === 'Conv' ? G.conv(x, w, null, o) : G.convTranspose(x, w, null, o);
  const opts = { inputs: c.constant ? [x] : [x, w], outputs: { y: G.reduceSum(y) } };
  const r = swap ? swapFewChannelConvs(g, opts) : { graph: g, exportOpts: opts };
  const s = await Session.fromBytes(exportOnnx(r.graph, r.exportOpts), { threads });
  const feeds = {
    x: G.tensor('float32', c.x, rng.fillNormal(new Float32Array(size(c.x)))),
    ...(c.constant ? {} : { w: wData }),
  };
  await s.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    await s.run(feeds);
    ms.push(performance.now() - t);
  }
  await s.release();
  return median(ms);
}

console.log(`| operator, input, weight | as built, ms | swapped, ms |\n|---|---|---|`);
for (const c of cases) {
  const [built, swapped] = [await time(c, false), await time(c, true)];
  const what = `${c.op} [${c.x.join(', ')}], w [${c.w.join(', ')}]${c.constant ? ' constant' : ''}`;
  console.log(`| ${what} | ${built.toFixed(2)} | ${swapped.toFixed(2)} |`);
}
