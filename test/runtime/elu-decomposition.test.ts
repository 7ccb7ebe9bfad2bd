import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { decomposeElus } from '../../src/runtime/elu-decomposition.ts';
import { compile } from '../../src/runtime/session.ts';

// The Elu rewrite (runtime/elu-decomposition.ts) against Elu's definition, evaluated in
// float64 here, on both branches, at 0, near 0 and far out; and its gradient through the
// compiled graph (the VJP reads Elu's output, which the rewrite now produces).
const xs = [-30, -5, -1, -0.25, -1e-3, -1e-9, 0, 1e-9, 1e-3, 0.5, 2, 40];

function elu(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}

describe('Elu decomposition', () => {
  for (const alpha of [1, 0.3, 2]) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`alpha ${alpha}, ${dtype}: values and gradient`, async () => {
        const g = new G.Graph();
        const x = g.input('x', dtype, [xs.length]);
        const y = G.elu(x, alpha);
        const [dx] = G.grad(G.reduceSum(G.mul(y, y)), [x]);
        const opts = { inputs: [x], outputs: { y, dx: dx! } };
        const r = decomposeElus(g, opts);
        expect(r.replaced).toBe(alpha === 1 ? 2 : 1); // the gradient's slope reuses the forward's
        expect(r.graph.nodes.filter((n) => n.op === 'Exp')).toHaveLength(1);
        const s = await compile(g, opts);
        const out = await s.run({ x: G.tensor(dtype, [xs.length], xs) });
        await s.release();
        const tol = dtype === 'float32' ? 1e-7 : 1e-15;
        xs.forEach((v, i) => {
          const want = elu(v, alpha);
          const slope = v > 0 ? 1 : alpha * Math.exp(v);
          expect(Math.abs((out.y!.data[i] as number) - want)).toBeLessThanOrEqual(
            tol * Math.max(1, Math.abs(want)),
          );
          expect(Math.abs((out.dx!.data[i] as number) - 2 * want * slope)).toBeLessThanOrEqual(
            4 * tol * Math.max(1, Math.abs(2 * want * slope)),
          );
          if (v > 0) expect(out.y!.data[i]).toBe(dtype === 'float32' ? Math.fround(v) : v);
        });
      });
    }
  }
});
