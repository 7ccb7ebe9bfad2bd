import { describe, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { gradCheck, randn } from '../helpers/gradcheck.ts';

const F = 'float64';

/** A case: name, builder of f(x), input shape. */
type Case = [string, (x: G.Value) => G.Value, number[]];

const cases: Case[] = [
  ['Reshape to a static shape', (x) => G.reshape(x, [4, 6]), [2, 3, 4]],
  ['Reshape with 0 and -1', (x) => G.apply1('Reshape', [x, G.int64s(x.graph, [0, -1])]), [2, 3, 4]],
  ['Unsqueeze at 0 and -1', (x) => G.unsqueeze(x, [0, -1]), [3, 2]],
  ['Unsqueeze in the middle', (x) => G.unsqueeze(x, [1]), [4]],
  ['Squeeze given axes', (x) => G.squeeze(x, [0, 2]), [1, 3, 1, 2]],
  ['Squeeze all size-1 axes', (x) => G.squeeze(x), [1, 4, 1]],
  ['Expand [3, 1] to [2, 3, 4]', (x) => G.expand(x, G.int64s(x.graph, [2, 3, 4])), [3, 1]],
  ['Expand [4] to [3, 4]', (x) => G.expand(x, G.int64s(x.graph, [3, 4])), [4]],
  [
    'Expand to a smaller target (broadcasts)',
    (x) => G.expand(x, G.int64s(x.graph, [1, 1])),
    [2, 3],
  ],
  ['Transpose [2, 0, 1]', (x) => G.transpose(x, [2, 0, 1]), [2, 3, 4]],
  ['Transpose default (reverse)', (x) => G.apply1('Transpose', [x]), [2, 3, 4]],
  ...[0, 1, 2, -1].map((axis): Case => [
    `Flatten axis ${axis}`,
    (x) => G.apply1('Flatten', [x], { axis: { type: 'int', value: axis } }),
    [2, 3, 4],
  ]),
];

describe('layout VJPs match finite differences (float64)', () => {
  for (const [name, f, shape] of cases) {
    it(name, async () => {
      await gradCheck({ build: ([x]) => G.mul(f(x!), 1), inputs: [randn(F, shape, 1)] });
    });
  }

  it('Cast float32 -> float64 passes the gradient through', async () => {
    // The input is float32, so the finite-difference step must be large (1e-2); the objective
    // is quadratic, for which central differences are exact up to float32 rounding of x + h d.
    await gradCheck({
      build: ([x]) => G.square(G.cast(x!, F)),
      inputs: [randn('float32', [5], 2)],
      h: 1e-2,
      tol: 1e-4,
    });
  });
});
