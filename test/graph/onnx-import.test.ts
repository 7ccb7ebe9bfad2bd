/**
 * ONNX files exported by PyTorch (torch.onnx.export, opset 17) import, run in ONNX Runtime
 * with torch's outputs, and differentiate with torch autograd's gradients. The files are
 * made at test time by Debian's python3-torch; without it these tests are skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  add,
  exportOnnx,
  grad,
  importOnnx,
  type ImportedModel,
  mul,
  sqrt,
  type TensorData,
  tensor,
  type Value,
} from '../../src/graph/index.ts';
import { Session } from '../../src/runtime/session.ts';

const PYTHON = '/usr/bin/python3';
const GENERATOR = join(import.meta.dirname, '../fixtures/torch_onnx_models.py');
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`skipping PyTorch ONNX import tests: ${PYTHON} cannot import torch`);

interface JsonTensor {
  readonly shape: number[];
  readonly data: number[];
}
interface TorchCase {
  readonly file: string;
  readonly inputs: Record<string, JsonTensor>;
  readonly outputs: Record<string, JsonTensor>;
  readonly seeds: Record<string, JsonTensor>;
  readonly grads: Record<string, JsonTensor>;
}

const f32 = (t: JsonTensor): TensorData => tensor('float32', t.shape, t.data);

/** max |a - b| / max(1, max |b|) */
function relError(a: TensorData, b: JsonTensor): number {
  expect([...a.shape]).toEqual(b.shape);
  let err = 0;
  let scale = 1;
  b.data.forEach((v, i) => {
    err = Math.max(err, Math.abs(Number(a.data[i]) - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return err / scale;
}

function feedsOf(c: TorchCase): Record<string, TensorData> {
  return Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, f32(t)]));
}

/** Runs `outputs` of an imported model on the case's inputs (and `extra` inputs). */
async function run(
  m: ImportedModel,
  c: TorchCase,
  outputs: Record<string, Value>,
  extra: Record<string, [Value, TensorData]> = {},
): Promise<Record<string, TensorData>> {
  const inputs = [...m.inputs, ...Object.values(extra).map(([v]) => v)];
  const bytes = exportOnnx(m.graph, { inputs, outputs, opsets: m.opsets });
  const session = await Session.fromBytes(bytes, { threads: 1 });
  const feeds = { ...feedsOf(c) };
  for (const [v, t] of Object.values(extra)) feeds[v.name] = t;
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Outputs and gradients of sum(seed * output) vs torch; returns the worst relative errors. */
async function compareWithTorch(c: TorchCase): Promise<{ forward: number; grad: number }> {
  const m = importOnnx(readFileSync(c.file), { source: c.file });
  const names = Object.keys(c.outputs);
  // Seeds are inputs: they share the outputs' symbolic batch dimension.
  const seeds = names.map((n) => m.graph.input(`seed:${n}`, 'float32', m.outputs[n]!.shape));
  const wrtNames = Object.keys(c.grads).filter((n) => m.values.has(n));
  expect(wrtNames.length).toBeGreaterThan(Object.keys(c.inputs).length); // parameters too
  const grads = grad(
    names.map((n) => m.outputs[n]!),
    wrtNames.map((n) => m.values.get(n)!),
    seeds,
  );
  const fetch: Record<string, Value> = { ...m.outputs };
  grads.forEach((g, i) => (fetch[`grad:${wrtNames[i]!}`] = g));
  const extra = Object.fromEntries(
    names.map((n, i): [string, [Value, TensorData]] => [n, [seeds[i]!, f32(c.seeds[n]!)]]),
  );
  const got = await run(m, c, fetch, extra);
  const forward = Math.max(...names.map((n) => relError(got[n]!, c.outputs[n]!)));
  const gradErr = Math.max(...wrtNames.map((n) => relError(got[`grad:${n}`]!, c.grads[n]!)));
  return { forward, grad: gradErr };
}

describe.skipIf(!hasTorch)('ONNX files exported by PyTorch', () => {
  let dir = '';
  let cases: Record<string, TorchCase> = {};
  const errors: Record<string, { forward: number; grad: number }> = {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scorekit-onnx-'));
    execFileSync(PYTHON, [GENERATOR, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
    cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Record<string, TorchCase>;
  });
  afterAll(() => {
    if (Object.keys(errors).length) console.log('max relative errors vs torch:', errors);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // convnet_groupnorm: torch exports nn.GroupNorm as Reshape -> InstanceNormalization.
  for (const name of [
    'mlp',
    'convnet',
    'convnet_groupnorm',
    'convnet_opset13',
    'dynamic',
    'score',
    'logdensity',
  ]) {
    it(`${name}: outputs and gradients (inputs and parameters) match torch`, async () => {
      const e = await compareWithTorch(cases[name]!);
      errors[name] = e;
      expect(e.forward).toBeLessThan(1e-5);
      expect(e.grad).toBeLessThan(1e-4);
    });
  }

  for (const [name, op, node] of [['softmax', 'Softmax', '/Softmax']] as const) {
    it(`${name}: ${op} passes through, runs, and grad through it names it`, async () => {
      const c = cases[name]!;
      const m = importOnnx(readFileSync(c.file), { source: c.file });
      expect(m.passThrough.map((n) => n.op)).toContain(op);
      const got = await run(m, c, m.outputs);
      expect(relError(got['y']!, c.outputs['y']!)).toBeLessThan(1e-5);
      expect(() => grad(m.outputs['y']!, m.inputs)).toThrow(
        new RegExp(`no gradient rule for ${op} node "${node}"`),
      );
    });
  }

  it('score model: composed with a Langevin step, re-exported with metadata, runs', async () => {
    const c = cases['score']!;
    const m = importOnnx(readFileSync(c.file), { source: c.file });
    const [x, sigma] = m.inputs as [Value, Value];
    const g = m.graph;
    const z = g.input('z', 'float32', x.shape);
    const eps = 0.01;
    // x' = x + eps * score(x, sigma) + sqrt(2 eps) z
    const xNew = add(add(x, mul(m.outputs['score']!, eps)), mul(z, Math.sqrt(2 * eps)));
    const metadata = { 'scorekit.sigmas': '[1, 0.5]', 'scorekit.data_shape': '[2]' };
    const bytes = exportOnnx(g, {
      inputs: [x, sigma, z],
      outputs: { x_new: xNew, score: m.outputs['score']! },
      metadata,
      opsets: m.opsets,
    });
    const again = importOnnx(bytes, { source: 'langevin.onnx' });
    expect(again.metadata).toEqual(metadata);
    expect(again.inputs.map((v) => v.name)).toEqual(['x', 'sigma', 'z']);
    const zData = tensor(
      'float32',
      c.inputs['x']!.shape,
      c.inputs['x']!.data.map((v) => -v),
    );
    const session = await Session.fromBytes(bytes, { threads: 1 });
    const got = await session.run({ ...feedsOf(c), z: zData });
    await session.release();
    const expected = c.inputs['x']!.data.map(
      (v, i) => v + eps * c.outputs['score']!.data[i]! - Math.sqrt(2 * eps) * v,
    );
    expect(relError(got['x_new']!, { shape: c.inputs['x']!.shape, data: expected })).toBeLessThan(
      1e-5,
    );
    // The composed graph differentiates through the imported network too.
    expect(grad(sqrt(mul(xNew, xNew)), [x])[0]!.shape).toEqual(x.shape);
  });

  it('export -> import -> export of an imported model keeps outputs and node names', async () => {
    const c = cases['convnet']!;
    const m = importOnnx(readFileSync(c.file), { source: c.file });
    const bytes = exportOnnx(m.graph, { inputs: m.inputs, outputs: m.outputs, opsets: m.opsets });
    const m2 = importOnnx(bytes, { source: 'reexported.onnx' });
    const names = (x: ImportedModel) =>
      x.graph.nodes.filter((n) => n.op !== 'Constant').map((n) => n.name);
    expect(names(m2)).toEqual(names(m));
    const got = await run(m2, c, m2.outputs);
    expect(relError(got['y']!, c.outputs['y']!)).toBeLessThan(1e-5);
  });
});
