/**
 * Gradient checks of the normalisation layers and softmax (built from reduce and element-wise
 * ops, so they run in float64 with tight tolerances) and their forward values against direct
 * computations.
 */
import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { conditionalInstanceNormPlus } from '../../src/nn/conditional-instance-norm-plus.ts';
import { groupNorm } from '../../src/nn/group-norm.ts';
import { instanceNormPlus } from '../../src/nn/instance-norm-plus.ts';
import { constantScope, declareParams } from '../../src/nn/params.ts';
import { softmax } from '../../src/nn/softmax.ts';
import { Rng } from '../../src/rng/rng.ts';
import { randn } from '../helpers/gradcheck.ts';
import { layerGradCheck } from '../helpers/layer-check.ts';
import { run } from '../helpers/run-graph.ts';

const F64 = 'float64';

describe('normalisation layers: gradients (float64, finite differences)', () => {
  it('instance norm++ (x, alpha, gamma, beta)', async () => {
    const r = await layerGradCheck({
      dtype: F64,
      inputs: [randn(F64, [2, 4, 3, 5], 1)],
      build: (s, [x]) => instanceNormPlus(s, 'n', x!, 4),
    });
    expect(r.checks).toBe(3 * 4);
  });

  it('conditional instance norm++ (x and the embedding table, int64 level index)', async () => {
    const r = await layerGradCheck({
      dtype: F64,
      inputs: [randn(F64, [3, 4, 3, 3], 2), G.tensor('int64', [3], [2, 0, 2])],
      build: (s, [x, level]) => conditionalInstanceNormPlus(s, 'n', x!, level!, 4, 3),
    });
    expect(r.checks).toBe(2 * 3);
  });

  it('group norm (x, weight, bias)', async () => {
    await layerGradCheck({
      dtype: F64,
      inputs: [randn(F64, [2, 6, 3, 3], 3)],
      build: (s, [x]) => groupNorm(s, 'n', x!, 6, 3),
    });
  });

  it('softmax over the last axis', async () => {
    await layerGradCheck({
      dtype: F64,
      inputs: [randn(F64, [2, 3, 5], 4)],
      build: (_s, [x]) => softmax(x!, 2),
    });
  });
});

/** Runs `build` on x with parameters `theta`; returns the output values. */
async function forward(
  x: G.TensorData,
  extra: G.TensorData[],
  build: (scope: Parameters<typeof instanceNormPlus>[0], xs: G.Value[]) => G.Value,
  theta?: (n: number) => Float32Array,
): Promise<number[]> {
  const ins = [x, ...extra];
  const layout = declareParams(
    (s, g) =>
      build(
        s,
        ins.map((t, i) => g.input(`i${i}`, t.dtype, t.shape)),
      ),
    new G.Graph(),
  );
  const g = new G.Graph();
  const vs = ins.map((t, i) => g.input(`i${i}`, t.dtype, t.shape));
  const values = theta ? theta(layout.size) : layout.initialize(new Rng(0));
  const y = build(constantScope(g, layout, values), vs);
  return (await run(g, vs, ins, { y }))['y']!;
}

describe('normalisation layers: values', () => {
  it('conditional instance norm++ uses the coefficients of each example’s level', async () => {
    const [C, L] = [2, 3];
    const x = randn('float32', [2, C, 2, 2], 5);
    // Row l of the table: gamma = l + 1, alpha = 0, beta = 10 l (per channel).
    const table = (n: number): Float32Array => {
      const t = new Float32Array(n);
      for (let l = 0; l < L; l++) {
        for (let c = 0; c < C; c++) {
          t[l * 3 * C + c] = l + 1;
          t[l * 3 * C + 2 * C + c] = 10 * l;
        }
      }
      return t;
    };
    const level = G.tensor('int64', [2], [2, 1]);
    const y = await forward(
      x,
      [level],
      (s, [h, lv]) => conditionalInstanceNormPlus(s, 'n', h!, lv!, C, L),
      table,
    );
    const plain = await forward(x, [], (_s, [h]) =>
      G.div(
        G.sub(h!, G.reduceMean(h!, [2, 3], true)),
        G.sqrt(
          G.add(
            G.reduceMean(G.square(G.sub(h!, G.reduceMean(h!, [2, 3], true))), [2, 3], true),
            1e-5,
          ),
        ),
      ),
    );
    const levels = [2, 1];
    y.forEach((v, i) => {
      const l = levels[Math.floor(i / (C * 4))]!;
      expect(v).toBeCloseTo((l + 1) * plain[i]! + 10 * l, 4);
    });
  });

  it('group norm with one group per channel equals instance norm', async () => {
    const x = randn('float32', [2, 3, 4, 4], 6);
    const gn = await forward(x, [], (s, [h]) => groupNorm(s, 'n', h!, 3, 3, 1e-5));
    const inst = await forward(
      x,
      [],
      (s, [h]) => instanceNormPlus(s, 'n', h!, 3),
      (n) => Float32Array.from({ length: n }, (_, i) => (i < 3 ? 0 : i < 6 ? 1 : 0)), // alpha 0, gamma 1, beta 0
    );
    gn.forEach((v, i) => expect(v).toBeCloseTo(inst[i]!, 4));
  });
});
