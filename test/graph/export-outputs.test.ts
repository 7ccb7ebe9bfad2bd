import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';

/** Whether the MaxPool's Indices output (its second) is named anywhere in the exported bytes. */
function writesIndices(bytes: Uint8Array, y: G.Value): boolean {
  const indices = y.producer!.outputs[1]!.name;
  return new TextDecoder('latin1').decode(bytes).includes(indices);
}

describe('export leaves out unused optional outputs', () => {
  const build = () => {
    const g = new G.Graph();
    const x = g.input('x', 'float32', ['N', 2, 6, 6]);
    const y = G.maxPool2d(x, 3, { padding: 1, stride: 1 });
    return { g, x, y };
  };

  it('writes MaxPool without Indices when nothing reads them (forward-only graphs)', () => {
    const { g, x, y } = build();
    expect(writesIndices(G.exportOnnx(g, { inputs: [x], outputs: { y } }), y)).toBe(false);
  });

  it('keeps Indices when the gradient reads them, and the gradient still runs', async () => {
    const { g, x, y } = build();
    const [dx] = G.grad(G.reduceSum(G.mul(y, y)), [x]);
    expect(writesIndices(G.exportOnnx(g, { inputs: [x], outputs: { y, dx: dx! } }), y)).toBe(true);
    const s = await compile(g, { inputs: [x], outputs: { y, dx: dx! } }, { threads: 1 });
    const data = Float32Array.from({ length: 72 }, (_, i) => Math.sin(i));
    const r = await s.run({ x: G.tensor('float32', [1, 2, 6, 6], data) });
    expect(Array.from(r['dx']!.data as Float32Array).some((v) => v !== 0)).toBe(true);
    await s.release();
  });
});
