/**
 * Every sampler through `scorekit sample` on a score-model file exported by PyTorch
 * (torch.onnx.export of the mixture's closed-form score, no scorekit metadata): the file's
 * score equals scorekit's closed form, and each sampler's samples put weight near 0.8 on the
 * first component (400 samples, cheap settings: a smoke test, not the statistics of
 * test/sampling). Made with Debian's python3-torch; skipped when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxFile } from '../../src/io/onnx-file.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { Rng } from '../../src/rng/rng.ts';
import { gaussianMixtureScore } from '../../src/score/gaussian-mixture-score.ts';
import { openScoreModel } from '../../src/score/score-model-file.ts';
import { firstWeight, MIXTURE, sample } from './sample-helpers.ts';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`skipping PyTorch sampler tests: ${PYTHON} cannot import torch`);

const dir = mkdtempSync(join(tmpdir(), 'scorekit-torch-'));
const model = join(dir, 'torch-mixture.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  if (!hasTorch) return;
  const r = spawnSync(PYTHON, [join(import.meta.dirname, 'torch_mixture_score.py'), model], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`torch export failed: ${r.stderr}`);
}, 120_000);

const LEVELS = ['--sigma-max', '20', '--sigma-min', '0.01'];
const CASES: Record<string, string[]> = {
  als: [...LEVELS, '--num-scales', '20', '--steps-per-scale', '30'],
  ncsnv2: [...LEVELS, '--num-scales', '50', '--steps-per-scale', '5'],
  cas: [...LEVELS, '--num-scales', '100'],
  pc: [...LEVELS, '--num-scales', '100'],
  ode: [...LEVELS, '--ode-steps', '18'],
  'ode --ode-steps adaptive': [...LEVELS, '--ode-steps', 'adaptive'],
  ddpm: ['--num-scales', '300'],
  langevin: [...LEVELS, '--steps-per-scale', '200', '--eps', '0.01'],
};

describe.skipIf(!hasTorch)('samplers on a PyTorch-exported score model', () => {
  it('the file computes the closed-form score', async () => {
    const m = await openScoreModel(await readOnnxFile(model), model, { threads: 1 });
    const x = new Rng(1).fillNormal(new Float32Array(16), 0, 5);
    const sigma = Float32Array.from([0.01, 0.5, 3, 20, 0.1, 1, 10, 2]);
    const a = await m.score(x, sigma, [8, 2]);
    const b = await gaussianMixtureScore(MIXTURE).score(x, sigma, [8, 2]);
    await m.release();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 3));
    expect(m.info.sigmas).toBeUndefined();
  });

  for (const [name, flags] of Object.entries(CASES)) {
    it(name, async () => {
      const out = join(dir, `${name.replace(/\W+/g, '_')}.npy`);
      const sampler = name.split(' ')[0]!;
      await sample([
        '--model',
        model,
        '--sampler',
        sampler,
        '--n',
        '400',
        '--batch-size',
        '200',
        '--seed',
        '1',
        '--out',
        out,
        ...flags,
      ]);
      const w = firstWeight(decodeNpy(new Uint8Array(readFileSync(out))).data as Float32Array);
      if (sampler === 'langevin') expect(Math.abs(w - 0.8)).toBeGreaterThan(0.1);
      else expect(Math.abs(w - 0.8)).toBeLessThan(0.1);
    });
  }
});
