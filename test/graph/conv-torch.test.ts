/**
 * Convolution forward and gradients against PyTorch autograd (Debian python3-torch at
 * /usr/bin/python3), on the same inputs. Skipped with a message when torch is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';
import { randn } from '../helpers/gradcheck.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../fixtures/conv_reference.py', import.meta.url));
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`skipping PyTorch comparisons: ${PYTHON} cannot import torch`);

interface TorchCase {
  readonly name: string;
  readonly kind: 'conv' | 'conv_transpose';
  readonly x: number[];
  readonly w: number[];
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;
  readonly outputPadding: number;
}

const base = { stride: 1, padding: 0, dilation: 1, groups: 1, outputPadding: 0 };
const cases: TorchCase[] = [
  { ...base, name: 'conv 3x3 pad 1', kind: 'conv', x: [2, 4, 7, 7], w: [5, 4, 3, 3], padding: 1 },
  {
    ...base,
    name: 'conv stride 2 dilation 2 groups 2',
    kind: 'conv',
    x: [2, 4, 9, 9],
    w: [6, 2, 3, 3],
    stride: 2,
    dilation: 2,
    padding: 2,
    groups: 2,
  },
  { ...base, name: 'conv 1x1', kind: 'conv', x: [3, 6, 4, 5], w: [2, 6, 1, 1] },
  {
    ...base,
    name: 'conv_transpose stride 2 output padding 1',
    kind: 'conv_transpose',
    x: [2, 4, 5, 5],
    w: [4, 3, 3, 3],
    stride: 2,
    padding: 1,
    outputPadding: 1,
  },
  {
    ...base,
    name: 'conv_transpose 4x4 stride 2 groups 2',
    kind: 'conv_transpose',
    x: [2, 4, 3, 3],
    w: [4, 2, 4, 4],
    stride: 2,
    padding: 1,
    groups: 2,
  },
];

const spec = (t: G.TensorData) => ({ shape: t.shape, data: Array.from(t.data as Float32Array) });

interface Ours {
  readonly inputs: Record<string, G.TensorData>;
  readonly outputs: Record<string, G.TensorData>;
}

/** y and the gradients of sum(gy * y) w.r.t. x, w and b, computed by scorekit. */
async function ours(c: TorchCase, seed: number): Promise<Ours> {
  const g = new G.Graph();
  const m = c.kind === 'conv' ? c.w[0]! : c.w[1]! * c.groups;
  const x = g.input('x', 'float32', c.x);
  const w = g.input('w', 'float32', c.w);
  const b = g.input('b', 'float32', [m]);
  const o = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  const y =
    c.kind === 'conv'
      ? G.conv2d(x, w, b, o)
      : G.convTranspose2d(x, w, b, { ...o, outputPadding: c.outputPadding });
  const gy = g.input('gy', 'float32', y.shape);
  const [gx, gw, gb] = G.grad(y, [x, w, b], [gy]) as [G.Value, G.Value, G.Value];
  const s = await compile(g, { inputs: [x, w, b, gy], outputs: { y, gx, gw, gb } });
  const inputs = {
    x: randn('float32', c.x, seed),
    w: randn('float32', c.w, seed + 1),
    b: randn('float32', [m], seed + 2),
    gy: randn('float32', y.shape as number[], seed + 3),
  };
  const outputs = await s.run(inputs);
  await s.release();
  return { inputs, outputs };
}

/** Runs the PyTorch reference script on every case at once. */
function torchReference(
  cases: readonly TorchCase[],
  runs: readonly Ours[],
): Record<string, number[]>[] {
  const dir = mkdtempSync(join(tmpdir(), 'scorekit-torch-'));
  try {
    const payload = cases.map((c, k) => {
      const i = runs[k]!.inputs;
      return {
        kind: c.kind,
        x: spec(i['x']!),
        w: spec(i['w']!),
        b: spec(i['b']!),
        gy: spec(i['gy']!),
        stride: c.stride,
        padding: c.padding,
        dilation: c.dilation,
        groups: c.groups,
        output_padding: c.outputPadding,
      };
    });
    writeFileSync(join(dir, 'in.json'), JSON.stringify(payload));
    const r = spawnSync(PYTHON, [SCRIPT, join(dir, 'in.json'), join(dir, 'out.json')], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`the PyTorch reference failed: ${r.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, number[]>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectClose(got: G.TensorData, want: number[], what: string): void {
  const a = got.data as Float32Array;
  expect(a.length, what).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i]! - want[i]!));
  // float32 sums of at most a few hundred products of O(1) numbers: ~1e-6 relative.
  expect(err / scale, what).toBeLessThan(1e-5);
}

describe('convolution forward and gradients match PyTorch autograd', () => {
  it.skipIf(!hasTorch)('Conv and ConvTranspose: y, dx, dw, db', async () => {
    const runs: Ours[] = [];
    for (const [k, c] of cases.entries()) runs.push(await ours(c, 100 * (k + 1)));
    const ref = torchReference(cases, runs);
    cases.forEach((c, k) => {
      const out = runs[k]!.outputs;
      const want = ref[k]!;
      expect(out['y']!.shape, c.name).toEqual(want['y_shape']);
      for (const key of ['y', 'gx', 'gw', 'gb'])
        expectClose(out[key]!, want[key]!, `${c.name}: ${key}`);
    });
  });
});
