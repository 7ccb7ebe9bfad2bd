import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';
import { gradCheck, randn, randPositive } from '../helpers/gradcheck.ts';

const F = 'float64';

describe('element-wise VJP rules match central finite differences (float64)', () => {
  const binary: [string, (a: G.Value, b: G.Value) => G.Value][] = [
    ['Add', G.add],
    ['Sub', G.sub],
    ['Mul', G.mul],
    ['Div', G.div],
    ['Pow', G.pow],
    ['Min', G.min],
    ['Max', G.max],
  ];
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
    ],
    [[2, 3, 4], [4]],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [[5], []],
  ];
  for (const [name, f] of binary) {
    for (const [sa, sb] of shapes) {
      it(`${name} ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, async () => {
        const r = await gradCheck({
          build: ([a, b]) => f(a!, b!),
          inputs: [randPositive(F, sa, 1), randPositive(F, sb, 2)],
        });
        expect(r.checks).toBe(6);
      });
    }
  }

  const unary: [string, (x: G.Value) => G.Value, boolean][] = [
    ['Neg', G.neg, false],
    ['Sqrt', G.sqrt, true],
    ['Exp', G.exp, false],
    ['Log', G.log, true],
    ['Abs', G.abs, false],
    ['Relu', G.relu, false],
    // ONNX Runtime has no float64 kernels for Elu and Softplus: checked in float32 below.
    ['Sigmoid', G.sigmoid, false],
    ['Tanh', G.tanh, false],
    ['Reciprocal', G.reciprocal, true],
    ['Identity', G.identity, false],
    ['Sin', G.sin, false],
    ['Cos', G.cos, false],
  ];
  for (const [name, f, positive] of unary) {
    it(name, async () => {
      const x = positive ? randPositive(F, [4, 5], 3) : randn(F, [4, 5], 3);
      const r = await gradCheck({ build: ([a]) => f(a!), inputs: [x] });
      expect(r.maxRelError).toBeLessThan(1e-6);
    });
  }

  for (const [name, f] of [
    ['Elu', (x: G.Value) => G.elu(x, 0.7)],
    ['Elu alpha 1 (the min(y + 1, 1) rule)', (x: G.Value) => G.elu(x)],
    ['Softplus', G.softplus],
  ] as const) {
    it(`${name} (float32)`, async () => {
      const r = await gradCheck({ build: ([a]) => f(a!), inputs: [randn('float32', [4, 5], 3)] });
      expect(r.maxRelError).toBeLessThan(2e-3);
    });
  }

  it('Min and Max send the gradient of a tie to the first input', async () => {
    const g = new G.Graph();
    const a = g.input('a', F, [3]);
    const b = g.input('b', F, [3]);
    const loss = G.reduceSum(G.add(G.mul(G.min(a, b), 2), G.mul(G.max(a, b), 3)), [0]);
    const [ga, gb] = G.grad(loss, [a, b]);
    const s = await compile(g, { inputs: [a, b], outputs: { ga: ga!, gb: gb! } });
    const r = await s.run({ a: G.tensor(F, [3], [1, 5, 2]), b: G.tensor(F, [3], [4, 0, 2]) });
    expect(Array.from(r['ga']!.data as Float64Array)).toEqual([2, 3, 5]);
    expect(Array.from(r['gb']!.data as Float64Array)).toEqual([3, 2, 0]);
  });

  it('Max of three inputs runs (as imported ONNX may have it); its gradient is refused', async () => {
    const g = new G.Graph();
    const [a, b, c] = (['a', 'b', 'c'] as const).map((n) => g.input(n, F, [2]));
    const y = G.apply1('Max', [a!, b!, c!]);
    const s = await compile(g, { inputs: [a!, b!, c!], outputs: { y } });
    const r = await s.run({
      a: G.tensor(F, [2], [1, 5]),
      b: G.tensor(F, [2], [4, 0]),
      c: G.tensor(F, [2], [2, 7]),
    });
    expect(Array.from(r['y']!.data as Float64Array)).toEqual([4, 7]);
    expect(() => G.grad(G.reduceSum(y, [0]), [a!])).toThrow(
      /Max: the gradient needs exactly 2 inputs, got 3/,
    );
  });

  it('Where with a broadcast condition', async () => {
    await gradCheck({
      build: ([a, b]) => G.where(G.greater(a!, G.scalar(a!.graph, 0, F)), G.mul(a!, 3), b!),
      inputs: [randn(F, [3, 4], 4), randn(F, [4], 5)],
    });
  });

  it('a value used twice accumulates both gradients', async () => {
    await gradCheck({ build: ([a]) => G.mul(G.exp(a!), G.tanh(a!)), inputs: [randn(F, [6], 6)] });
  });

  it('unused branches and integer inputs are ignored', async () => {
    await gradCheck({
      build: ([a, i]) => {
        G.exp(G.mul(a!, 2)); // an unused branch
        return G.mul(a!, G.cast(i!, F));
      },
      inputs: [randn(F, [4], 7), G.tensor('int64', [4], [1, 2, 3, 4])],
    });
  });

  it('Cast between float types passes the gradient through', async () => {
    await gradCheck({
      build: ([a]) => G.cast(G.mul(G.cast(a!, 'float32'), 2), F),
      inputs: [randn(F, [5], 8)],
      h: 1e-3,
      tol: 1e-4,
    });
  });
});

describe('shape and type errors name the operator and the shapes', () => {
  it('a broadcast mismatch', () => {
    const g = new G.Graph();
    const a = g.input('a', 'float32', ['N', 3]);
    const b = g.input('b', 'float32', [4]);
    expect(() => G.add(a, b)).toThrow(
      /Add: shapes \[N, 3\] and \[4\] do not broadcast \(inputs: a: float32\[N, 3\], b: float32\[4\]\)/,
    );
  });
  it('a dtype mismatch', () => {
    const g = new G.Graph();
    const a = g.input('a', 'float32', [3]);
    const b = g.input('b', 'float64', [3]);
    expect(() => G.mul(a, b)).toThrow(/Mul: element types differ: float32 vs float64/);
  });
});
