/**
 * Whole training steps with the weight gradients as convolutions on the blocked kernels
 * (graph/ops/conv-weight-grad-as-conv.ts; the default where ONNX Runtime has NCHWc kernels)
 * against the portable forms (`gradOptions: { nchwcBlock: 0 }`: shift stacks, tap by tap),
 * interleaved in one process so that both see the same machine load. Both steps start from
 * the same parameters and batch; their first losses are printed (they must agree).
 *
 * Usage: npx tsx bench/step-ab.ts [case] [threads] [rounds] [steps per round]
 * (case: an id of bench/train-cases.ts; default ncsnv2-16 1 7 3)
 */
import { Rng } from '../src/rng/rng.ts';
import { TrainStep } from '../src/train/train-step.ts';
import { CASES, caseData, caseModel } from './train-cases.ts';

const id = process.argv[2] ?? 'ncsnv2-16';
const c = CASES.find((k) => k.id === id);
if (!c) throw new Error(`unknown case ${id} (cases: ${CASES.map((k) => k.id).join(', ')})`);
const threads = Number(process.argv[3] ?? '1');
const rounds = Number(process.argv[4] ?? '7');
const perRound = Number(process.argv[5] ?? '3');
const { objective } = caseModel(c);

function create(portable: boolean): Promise<TrainStep> {
  return TrainStep.create(
    {
      inputs: objective.inputs(c!.batch, c!.dataShape),
      loss: (scope, inputs) => objective.loss(scope, inputs),
      clipNorm: 1,
      emaDecay: 0.999,
    },
    (layout) => layout.initialize(new Rng(1)),
    { threads, ...(portable ? { gradOptions: { nchwcBlock: 0 } } : {}) },
  );
}

const variants: [string, TrainStep][] = [
  ['portable forms', await create(true)],
  ['as convolutions', await create(false)],
];
const { feeds } = caseData(c);
for (const [name, step] of variants) {
  const first = await step.run(feeds, 1e-4);
  await step.run(feeds, 1e-4);
  console.log(`${name}: first loss ${first.loss}`);
}
const ms: number[][] = variants.map(() => []);
for (let r = 0; r < rounds; r++)
  for (const [k, [, step]] of variants.entries()) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) await step.run(feeds, 1e-4);
    ms[k]!.push((performance.now() - t0) / perRound);
  }
const median = (a: readonly number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
const [a, b] = ms.map(median) as [number, number];
console.log(`${c.description}, ${threads} thread(s), ms per step by round:`);
for (const [k, [name]] of variants.entries())
  console.log(
    `  ${name}: ${ms[k]!.map((t) => t.toFixed(0)).join(' ')} (median ${median(ms[k]!).toFixed(1)})`,
  );
console.log(`as convolutions / portable: ${(b / a).toFixed(3)}`);
