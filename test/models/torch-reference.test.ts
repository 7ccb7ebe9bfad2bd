/**
 * NCSN, NCSNv2 and the DDPM U-Net against PyTorch re-implementations of the reference code
 * (test/fixtures/score_nets_reference.py, run by Debian's python3-torch at /usr/bin/python3)
 * on shared weights: same parameter count, same outputs. The NCSN-family re-implementations
 * were checked equal to ermongroup/ncsn's CondRefineNetDilated and ermongroup/ncsnv2's NCSNv2
 * (outputs identical on random weights). Skipped with a message when torch is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { constantScope } from '../../src/nn/params.ts';
import { buildModel, type Model } from '../../src/models/registry.ts';
import { Rng } from '../../src/rng/rng.ts';
import { run } from '../helpers/run-graph.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/score_nets_reference.py');
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn('torch-reference tests skipped: no torch at /usr/bin/python3');

interface Case {
  readonly label: string;
  readonly model: Model;
  /** Level indices (NCSN family) or DDPM timesteps (U-Net). */
  readonly labels: number[];
  /** sigma per example fed to the score graph (NCSN family). */
  readonly sigmas?: number[];
}

/** Initial parameters spread by +-0.1 so zero-initialised ones (biases, beta) matter too. */
function weights(model: Model): Float32Array {
  const layout = model.layout();
  const rng = new Rng(3);
  return layout.initialize(rng).map((v) => v + 0.1 * (2 * rng.uniform() - 1));
}

async function ours(c: Case, theta: Float32Array, x: G.TensorData): Promise<number[]> {
  const g = new G.Graph();
  const xv = g.input('x', 'float32', ['N', ...c.model.dataShape]);
  const scope = constantScope(g, c.model.layout(), theta);
  const n = c.labels.length;
  if (c.model.name === 'unet') {
    const t = g.input('t', 'float32', ['N']);
    const eps = c.model.entry.epsilon!(scope, c.model.config, xv, t);
    return (await run(g, [xv, t], [x, G.tensor('float32', [n], c.labels)], { eps }))['eps']!;
  }
  const s = g.input('sigma', 'float32', ['N']);
  const score = c.model.score(scope, xv, s);
  return (await run(g, [xv, s], [x, G.tensor('float32', [n], c.sigmas!)], { score }))['score']!;
}

const cases: Case[] = [
  {
    label: 'ncsn (conditional instance norm++, level from sigma)',
    model: buildModel('ncsn', { ngf: 8 }, { dataShape: [3, 16, 16], sigmas: [1, 0.5, 0.2, 0.1] }),
    labels: [3, 1],
    sigmas: [0.1, 0.5],
  },
  {
    label: 'ncsnv2 (instance norm++, output / sigma)',
    model: buildModel('ncsnv2', { ngf: 8 }, { dataShape: [1, 14, 14] }),
    labels: [0, 1],
    sigmas: [0.3, 2],
  },
  {
    label: 'unet (2 resolutions, attention at 8x8)',
    model: buildModel(
      'unet',
      { nf: 16, chMult: [1, 2], numResBlocks: 1, attnResolutions: [8], numGroups: 4 },
      { dataShape: [3, 16, 16] },
    ),
    labels: [10, 500],
  },
];

describe.skipIf(!hasTorch)(
  'score networks match PyTorch re-implementations of the references',
  () => {
    let dir = '';
    let results: { count: number; y: number[] }[] = [];
    const thetas = cases.map((c) => weights(c.model));
    const inputs = cases.map((c, i) => {
      const shape = [c.labels.length, ...c.model.dataShape];
      const rng = new Rng(10 + i);
      return G.tensor('float32', shape, rng.fillUniform(new Float32Array(G.numel(shape))));
    });

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'scorekit-nets-'));
      const payload = cases.map((c, i) => {
        const layout = c.model.layout();
        return {
          model: c.model.name,
          mode: 'forward',
          config: c.model.config,
          params: Object.fromEntries(
            layout.specs.map((s) => [s.name, Array.from(layout.view(thetas[i]!, s.name))]),
          ),
          x: { shape: inputs[i]!.shape, data: Array.from(inputs[i]!.data as Float32Array) },
          labels: c.labels,
          sigmas: c.sigmas,
        };
      });
      writeFileSync(join(dir, 'in.json'), JSON.stringify(payload));
      const r = spawnSync(PYTHON, [SCRIPT, join(dir, 'in.json'), join(dir, 'out.json')], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`reference script failed: ${r.stderr}`);
      results = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as typeof results;
    }, 60_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    cases.forEach((c, i) => {
      it(c.label, async () => {
        const ref = results[i]!;
        expect(c.model.layout().size).toBe(ref.count);
        const y = await ours(c, thetas[i]!, inputs[i]!);
        expect(y.length).toBe(ref.y.length);
        // float32 in both; the tolerance is relative to the output's scale.
        const scale = Math.max(...ref.y.map(Math.abs));
        const err = Math.max(...y.map((v, j) => Math.abs(v - ref.y[j]!)));
        expect(err / scale).toBeLessThan(1e-4);
      });
    });
  },
);
