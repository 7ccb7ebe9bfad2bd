/**
 * The convolution weight gradient's forms on the NCSNv2 layer shapes, interleaved in one
 * process: the tap-by-tap form (wide rows where they apply, else per-tap Slices) against the
 * shift stacks (src/graph/ops/conv-shift-stacks.ts; docs/PERFORMANCE.md, "Shift stacks") and
 * the gradient as a convolution (src/graph/ops/conv-weight-grad-as-conv.ts, run here on the
 * blocked kernels wherever this CPU has them and the channels allow), whole and in the batch
 * and output-channel chunks that asConvChunks picks (a * marks the cases where
 * convWeightGrad takes them, with examples x channels per chunk), and the folded stacks
 * (conv-weight-grad-folded.ts; + marks the cases where it picks those).
 * Each case is a 3x3 convolution with padding = dilation (the output as large as the input).
 *
 * Usage: npx tsx bench/weight-grad-forms.ts [threads] [cases]
 * cases: "N,C,M,H,D;..." (batch, input channels, output channels, image size, dilation);
 * the default is the NCSNv2 ngf 16 (batch 64) and ngf 64 (batch 128) layers.
 */
import * as G from '../src/graph/index.ts';
import { Rng } from '../src/rng/rng.ts';
import { nchwcBlockSize } from '../src/runtime/nchwc-block-size.ts';
import { compile, type Session } from '../src/runtime/session.ts';

const threads = Number(process.argv[2] ?? '1');
const DEFAULT_CASES =
  '64,16,16,28,1;64,32,32,14,1;64,32,32,14,2;64,32,32,14,4;64,16,16,14,1;64,16,1,28,1;' +
  '64,32,16,14,1;128,64,64,28,1;128,128,128,14,1;128,128,128,14,4;128,64,1,28,1';
const cases = (process.argv[3] ?? DEFAULT_CASES).split(';').map((c) => c.split(',').map(Number));

const block = await nchwcBlockSize();

type Form = (x: G.Value, gy: G.Value, wShape: G.Shape, p: G.ConvParams) => G.Value;
const FORMS: Record<string, Form> = {
  'tap by tap': G.convWeightGradTapByTap,
  'shift stacks': G.convWeightGradShiftStacks,
  'as conv': G.convWeightGradAsConv,
  'as conv, chunks': (x, gy, wShape, p) =>
    G.convWeightGradAsConv(x, gy, wShape, p, G.asConvChunks(x, gy, p, block) ?? undefined),
  folded: G.convWeightGradFolded,
};

function median(a: readonly number[]): number {
  return [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
}

/** A 3x3 convolution with padding = dilation = d. */
function convParams(d: number): G.ConvParams {
  return { kernel: [3, 3], strides: [1, 1], pads: [d, d, d, d], dilations: [d, d], group: 1 };
}

/** The graph inputs x [n, c, h, h] and gy [n, m, h, h]. */
function inputs(n: number, c: number, m: number, h: number): [G.Value, G.Value] {
  const g = new G.Graph();
  return [g.input('x', 'float32', [n, c, h, h]), g.input('gy', 'float32', [n, m, h, h])];
}

async function session(form: Form, n: number, c: number, m: number, h: number, d: number) {
  const [x, gy] = inputs(n, c, m, h);
  const dw = form(x, gy, [m, c, 3, 3], convParams(d));
  // Not spinning: the idle sessions' threads would otherwise spin against the timed one.
  return compile(x.graph, { inputs: [x, gy], outputs: { dw } }, { threads, spinning: false });
}

console.log(
  `${threads} thread(s), NCHWc block ${block}; ms per weight gradient, median of interleaved ` +
    `runs (ratio to tap by tap); *: convWeightGrad takes "as conv, chunks" there (examples x output channels per chunk), +: "folded"\n`,
);
const names = Object.keys(FORMS);
console.log(
  `| N, C -> M, size, dilation | ${names.join(' | ')} |\n|---|${names.map(() => '---|').join('')}`,
);
for (const [n, c, m, h, d] of cases as [number, number, number, number, number][]) {
  const sessions: Session[] = [];
  for (const form of Object.values(FORMS)) sessions.push(await session(form, n, c, m, h, d));
  const rng = new Rng(1);
  const feed = {
    x: G.tensor('float32', [n, c, h, h], rng.fillNormal(new Float32Array(n * c * h * h))),
    gy: G.tensor('float32', [n, m, h, h], rng.fillNormal(new Float32Array(n * m * h * h))),
  };
  for (const s of sessions) for (let i = 0; i < 3; i++) await s.run(feed);
  const reps = Math.min(60, Math.max(10, Math.round(2e8 / (n * c * m * h * h))));
  const ms: number[][] = sessions.map(() => []);
  for (let r = 0; r < reps; r++)
    for (const [k, s] of sessions.entries()) {
      const t0 = performance.now();
      await s.run(feed);
      ms[k]!.push(performance.now() - t0);
    }
  const t = ms.map(median);
  const [xv, gyv] = inputs(n, c, m, h);
  const chunks = G.asConvChunks(xv, gyv, convParams(d), block);
  const chosen = chunks
    ? `*${chunks.examples}x${chunks.channels}`
    : G.foldedApplies(xv, gyv, convParams(d))
      ? '+'
      : '';
  const cells = t.map((v, k) =>
    k === 0 ? v.toFixed(2) : `${v.toFixed(2)} (${(v / t[0]!).toFixed(2)})`,
  );
  console.log(
    `| ${n}, ${c} -> ${m}, ${h}x${h}, ${d}${chosen ? ` ${chosen}` : ''} | ${cells.join(' | ')} |`,
  );
  for (const s of sessions) await s.release();
}
