/**
 * Gradient checking: compares the VJP nodes that `grad` adds with central finite differences
 * of the same graph run by ONNX Runtime, along random directions.
 *
 * Objective: L(x) = sum(W * f(x)) with a fixed random W, so every output element matters.
 * For each differentiable input and direction d: (L(x + h d) - L(x - h d)) / 2h ~ <dL/dx, d>.
 */
import {
  type DType,
  grad,
  Graph,
  mul,
  reduceSum,
  type TensorData,
  tensor,
  type Value,
  constant,
} from '../../src/graph/index.ts';
import { numel } from '../../src/graph/shape.ts';
import { compile } from '../../src/runtime/session.ts';
import { Rng } from '../../src/rng/rng.ts';

export interface GradCheckCase {
  /** Builds f from its inputs (declared by the harness from `inputs`). */
  readonly build: (xs: Value[]) => Value;
  /** Concrete inputs; float ones are differentiated unless listed in `noGrad`. */
  readonly inputs: readonly TensorData[];
  readonly noGrad?: readonly number[];
  readonly seed?: number;
  /** Finite-difference step (default 1e-6 in float64, 1e-2 in float32). */
  readonly h?: number;
  /** Relative tolerance (default 1e-6 in float64, 2e-3 in float32). */
  readonly tol?: number;
  readonly directions?: number;
}

export interface GradCheckResult {
  readonly maxRelError: number;
  readonly checks: number;
}

function random(dtype: DType, shape: readonly number[], rng: Rng): TensorData {
  const t = tensor(dtype, shape);
  if (dtype === 'float64' || dtype === 'float32') rng.fillNormal(t.data as Float64Array);
  return t;
}

/** Runs the check and returns the worst relative error; throws when it exceeds the tolerance. */
export async function gradCheck(c: GradCheckCase): Promise<GradCheckResult> {
  const rng = new Rng(c.seed ?? 0);
  const g = new Graph();
  const xs = c.inputs.map((t, i) => g.input(`x${i}`, t.dtype, t.shape));
  const y = c.build(xs);
  const isF64 = y.dtype === 'float64';
  const h = c.h ?? (isF64 ? 1e-6 : 1e-2);
  const tol = c.tol ?? (isF64 ? 1e-6 : 2e-3);
  const W = constant(g, random(y.dtype, y.shape as number[], rng));
  const loss = reduceSum(mul(y, W));
  const diffIdx = c.inputs
    .map((t, i) => i)
    .filter(
      (i) =>
        (c.inputs[i]!.dtype === 'float32' || c.inputs[i]!.dtype === 'float64') &&
        !c.noGrad?.includes(i),
    );
  const grads = grad(
    loss,
    diffIdx.map((i) => xs[i]!),
  );
  const outputs: Record<string, Value> = { loss };
  grads.forEach((gv, k) => (outputs[`g${k}`] = gv));
  const session = await compile(g, { inputs: xs, outputs });
  const feeds = (ts: readonly TensorData[]) => Object.fromEntries(ts.map((t, i) => [`x${i}`, t]));
  const base = await session.run(feeds(c.inputs));
  let maxRel = 0;
  let checks = 0;
  for (const [k, i] of diffIdx.entries()) {
    const x = c.inputs[i]!;
    const gk = base[`g${k}`]!;
    for (let dIdx = 0; dIdx < (c.directions ?? 3); dIdx++) {
      const d = random(x.dtype, x.shape, rng);
      const shifted = (s: number) => {
        const t = tensor(x.dtype, x.shape);
        for (let j = 0; j < numel(x.shape); j++)
          (t.data as Float64Array)[j] =
            (x.data as Float64Array)[j]! + s * h * (d.data as Float64Array)[j]!;
        return t;
      };
      const plus = await session.run(feeds(c.inputs.map((t, j) => (j === i ? shifted(1) : t))), [
        'loss',
      ]);
      const minus = await session.run(feeds(c.inputs.map((t, j) => (j === i ? shifted(-1) : t))), [
        'loss',
      ]);
      const fd = (Number(plus['loss']!.data[0]) - Number(minus['loss']!.data[0])) / (2 * h);
      let an = 0;
      for (let j = 0; j < numel(x.shape); j++)
        an += (gk.data as Float64Array)[j]! * (d.data as Float64Array)[j]!;
      const rel = Math.abs(fd - an) / Math.max(1, Math.abs(fd), Math.abs(an));
      maxRel = Math.max(maxRel, rel);
      checks++;
      if (!(rel <= tol)) {
        await session.release();
        throw new Error(
          `gradient of input ${i} ${JSON.stringify(x.shape)}: finite difference ${fd} vs analytic ${an} (relative error ${rel.toExponential(2)} > ${tol})`,
        );
      }
    }
  }
  await session.release();
  return { maxRelError: maxRel, checks };
}

/** A random normal tensor (test inputs). */
export function randn(dtype: DType, shape: readonly number[], seed: number): TensorData {
  return random(dtype, shape, new Rng(seed));
}

/** A random tensor with entries bounded away from zero (for Log, Div, Sqrt, Pow...). */
export function randPositive(
  dtype: DType,
  shape: readonly number[],
  seed: number,
  lo = 0.5,
  hi = 2,
): TensorData {
  const t = tensor(dtype, shape);
  new Rng(seed).fillUniform(t.data as Float64Array, lo, hi);
  return t;
}
