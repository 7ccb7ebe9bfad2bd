/**
 * Profile of one training step by operator: where the time of a bench/train.ts case goes
 * inside ONNX Runtime. Builds the same `TrainStep` as `npm run bench:train`, records ONNX
 * Runtime's per-node profile over the timed steps and prints kernel milliseconds per step
 * grouped by operator type (with node counts), and the slowest nodes.
 *
 * Usage: npx tsx bench/profile-train.ts [--case ncsnv2-16] [--threads 1] [--steps 4]
 *          [--warmup 2] [--top 25] [--plain] [--per-tensor] [--extra key=value,...]
 *          [--keep-trace FILE]
 * (--plain: no NCHWc lowering; --per-tensor: TrainStep's per-tensor parameter layout instead
 * of the flat default; --extra: ONNX Runtime session config entries, e.g.
 * session.intra_op.allow_spinning=0; --keep-trace: copy ONNX Runtime's Chrome-trace JSON to FILE.)
 */
import { copyFileSync, readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/rng/rng.ts';
import { TrainStep } from '../src/train/train-step.ts';
import { CASES, caseData, caseModel } from './train-cases.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** One event of ONNX Runtime's Chrome-trace profile. */
interface TraceEvent {
  readonly cat: string;
  readonly name: string;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

const c = CASES.find((k) => k.id === arg('case', 'ncsnv2-16'));
if (!c) throw new Error(`unknown --case (cases: ${CASES.map((k) => k.id).join(', ')})`);
const threads = Number(arg('threads', '1'));
const steps = Number(arg('steps', '4'));
const warmup = Number(arg('warmup', '2'));
const top = Number(arg('top', '25'));
const extra = Object.fromEntries(
  arg('extra', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('=') as [string, string]),
);

const { objective } = caseModel(c);
const dir = mkdtempSync(join(tmpdir(), 'scorekit-profile-'));
const step = await TrainStep.create(
  {
    inputs: objective.inputs(c.batch, c.dataShape),
    loss: (scope, inputs) => objective.loss(scope, inputs),
    clipNorm: 1,
    emaDecay: 0.999,
  },
  (layout) => layout.initialize(new Rng(1)),
  {
    threads,
    convLayout: process.argv.includes('--plain') ? 'plain' : 'nchwc',
    paramLayout: process.argv.includes('--per-tensor') ? 'per-tensor' : 'flat',
    extra,
    profilePrefix: join(dir, 'train'),
  },
);
const { feeds } = caseData(c);
const wall: number[] = [];
for (let i = 0; i < warmup + steps; i++) {
  const t = performance.now();
  await step.run(feeds, 1e-4);
  wall.push(performance.now() - t);
}
step.endProfiling();
await step.release();
const file = readdirSync(dir).find((f) => f.endsWith('.json'));
if (!file) throw new Error(`ONNX Runtime wrote no profile into ${dir}`);
const events = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as TraceEvent[]).filter(
  (e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'),
);
const keep = arg('keep-trace', '');
if (keep) copyFileSync(join(dir, file), keep);
rmSync(dir, { recursive: true });

// Node events of every run; keep the last `steps` runs (each node runs once per step).
const perNode = new Map<string, { op: string; us: number[] }>();
for (const e of events) {
  const node = e.name.slice(0, -'_kernel_time'.length);
  const entry = perNode.get(node) ?? { op: e.args?.op_name ?? '?', us: [] };
  entry.us.push(e.dur);
  perNode.set(node, entry);
}
const msPerStep = (us: readonly number[]): number =>
  us.slice(-steps).reduce((a, b) => a + b, 0) / 1000 / Math.min(steps, us.length);
const byOp = new Map<string, { ms: number; nodes: number }>();
let total = 0;
for (const { op, us } of perNode.values()) {
  const ms = msPerStep(us);
  const o = byOp.get(op) ?? { ms: 0, nodes: 0 };
  byOp.set(op, { ms: o.ms + ms, nodes: o.nodes + 1 });
  total += ms;
}
const timed = wall.slice(warmup).sort((a, b) => a - b);
console.log(
  `${c.description}, ${threads} thread(s): wall ms per step (median of ${steps}) ` +
    `${timed[Math.floor(timed.length / 2)]!.toFixed(1)}, kernel time ${total.toFixed(1)}`,
);
console.log('\n| operator | nodes | ms per step | share |\n|---|---|---|---|');
for (const [op, o] of [...byOp].sort((a, b) => b[1].ms - a[1].ms)) {
  const share = ((100 * o.ms) / total).toFixed(1);
  console.log(`| ${op} | ${o.nodes} | ${o.ms.toFixed(1)} | ${share}% |`);
}
console.log(`\n| slowest nodes | operator | ms per step |\n|---|---|---|`);
const nodes = [...perNode].map(([name, { op, us }]) => ({ name, op, ms: msPerStep(us) }));
for (const n of nodes.sort((a, b) => b.ms - a.ms).slice(0, top))
  console.log(`| ${n.name} | ${n.op} | ${n.ms.toFixed(2)} |`);
