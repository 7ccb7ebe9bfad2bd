/**
 * The task commands end to end on closed-form Gaussian score-model files (no training):
 * output shapes [M, K, ...D], the known part of inpainting kept exactly, PNG in and out,
 * a second model for separation, posterior sampling of an ONNX log density with MALA, and
 * one-line errors for shape mismatches, a factor that does not divide the size, negative
 * noise and log-density files with the wrong names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Command, parseFlags } from '../../src/cli/command.ts';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { exportOnnx } from '../../src/graph/index.ts';
import { decodeNpy, encodeNpy } from '../../src/io/npy.ts';
import { defaultGridScale } from '../../src/io/figures.ts';
import { decodePng, encodePng } from '../../src/io/png.ts';
import { Rng } from '../../src/rng/rng.ts';
import { closedFormScoreModel } from '../../src/score/closed-form-score-model.ts';
import { gaussianScore } from '../../src/score/gaussian-score.ts';
import { geometricSigmas } from '../../src/score/schedule.ts';
import { runCli } from '../helpers/cli.ts';
import { randomCovariance } from '../sampling/gaussian-fixtures.ts';
import { makeRegression, regressionOnnx } from '../tasks/regression.ts';

let dir: string;
const p = (name: string): string => join(dir, name);
const FAST = ['--sampler', 'als', '--steps-per-scale', '5', '--threads', '1'];

function gaussianModel(shape: number[], seed: number): Uint8Array {
  const d = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(seed);
  const score = gaussianScore(
    Float64Array.from(rng.normals(d), (v) => 0.1 * v + 0.5),
    randomCovariance(d, rng).map((v) => v * 0.05),
  );
  const sigmas = Array.from(geometricSigmas(5, 0.01, 10));
  return closedFormScoreModel(score, shape, { sigmas, dataShape: shape, dataRange: [0, 1] });
}

function writeNpy(name: string, shape: number[], data: ArrayLike<number>): string {
  writeFileSync(p(name), encodeNpy({ dtype: 'float32', shape, data: Float32Array.from(data) }));
  return p(name);
}

function readOut(name: string): { shape: readonly number[]; data: Float32Array } {
  const a = decodeNpy(new Uint8Array(readFileSync(p(name))));
  return { shape: a.shape, data: a.data as Float32Array };
}

/** Runs `scorekit NAME ...args` in this process; returns what it wrote to stderr. */
async function run(name: string, args: readonly string[]): Promise<string> {
  const cmd = COMMANDS.find((c) => c.name === name) as Command;
  const [err, out] = [
    process.stderr.write.bind(process.stderr),
    process.stdout.write.bind(process.stdout),
  ];
  let captured = '';
  process.stderr.write = (s: string | Uint8Array) => ((captured += String(s)), true);
  process.stdout.write = () => true;
  try {
    await cmd.run(parseFlags(cmd, args));
  } finally {
    process.stderr.write = err;
    process.stdout.write = out;
  }
  return captured;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scorekit-tasks-cli-'));
  writeFileSync(p('grey.onnx'), gaussianModel([1, 4, 4], 1));
  writeFileSync(p('grey-b.onnx'), gaussianModel([1, 4, 4], 2));
  writeFileSync(p('rgb.onnx'), gaussianModel([3, 2, 2], 3));
  const y = Float32Array.from({ length: 2 * 16 }, (_, i) => (i % 7) / 7);
  writeNpy('obs.npy', [2, 1, 4, 4], y);
  writeNpy(
    'mask.npy',
    [1, 4, 4],
    Array.from({ length: 16 }, (_, i) => (i < 8 ? 1 : 0)),
  );
  writeNpy('low.npy', [2, 1, 2, 2], y.slice(0, 8));
  writeNpy('grey-in.npy', [1, 1, 2, 2], [0.2, 0.4, 0.6, 0.8]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('task commands', () => {
  it('inpaint: [M, K, ...D] with the known half kept exactly', async () => {
    await run('inpaint', [
      '--model',
      p('grey.onnx'),
      '--input',
      p('obs.npy'),
      '--mask',
      p('mask.npy'),
      '--n',
      '3',
      '--out',
      p('inp.npy'),
      ...FAST,
    ]);
    const out = readOut('inp.npy');
    expect(out.shape).toEqual([2, 3, 1, 4, 4]);
    const y = decodeNpy(new Uint8Array(readFileSync(p('obs.npy')))).data;
    for (let m = 0; m < 2; m++)
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < 8; j++) expect(out.data[(m * 3 + k) * 16 + j]).toBe(y[m * 16 + j]);
  });

  it('inpaint: PNG in (image and mask) and PNG grid out', async () => {
    const img = {
      width: 4,
      height: 4,
      channels: 1 as const,
      data: Uint8Array.from({ length: 16 }, (_, i) => i * 16),
    };
    writeFileSync(p('obs.png'), encodePng(img));
    writeFileSync(
      p('mask.png'),
      encodePng({ ...img, data: Uint8Array.from({ length: 16 }, (_, i) => (i % 2 ? 255 : 0)) }),
    );
    await run('inpaint', [
      '--model',
      p('grey.onnx'),
      '--input',
      p('obs.png'),
      '--mask',
      p('mask.png'),
      '--n',
      '2',
      '--out',
      p('inp.png'),
      ...FAST,
    ]);
    const grid = decodePng(readFileSync(p('inp.png')));
    const k = defaultGridScale(4); // 4x4 images are upscaled for legibility
    expect([grid.width, grid.height]).toEqual([3 * (4 * k + 2) + 2, 4 * k + 2 + 2]); // 1 row of 1 + 2 images, padding 2
  });

  it('denoise, superres, deblur, colorize and separate write [M, K, ...D]', async () => {
    const common = ['--model', p('grey.onnx'), '--n', '2', ...FAST];
    await run('denoise', [
      ...common,
      '--input',
      p('obs.npy'),
      '--noise-std',
      '0.1',
      '--out',
      p('den.npy'),
    ]);
    expect(readOut('den.npy').shape).toEqual([2, 2, 1, 4, 4]);
    await run('denoise', [
      ...common,
      '--input',
      p('obs.npy'),
      '--noise-std',
      '0.1',
      '--method',
      'start',
      '--out',
      p('den2.npy'),
    ]);
    expect(readOut('den2.npy').shape).toEqual([2, 2, 1, 4, 4]);
    await run('superres', [
      ...common,
      '--input',
      p('low.npy'),
      '--factor',
      '2',
      '--out',
      p('sr.npy'),
    ]);
    expect(readOut('sr.npy').shape).toEqual([2, 2, 1, 4, 4]);
    await run('deblur', [
      ...common,
      '--input',
      p('obs.npy'),
      '--kernel',
      'gaussian:0.8',
      '--noise-std',
      '0.05',
      '--out',
      p('db.npy'),
    ]);
    expect(readOut('db.npy').shape).toEqual([2, 2, 1, 4, 4]);
    await run('colorize', [
      '--model',
      p('rgb.onnx'),
      '--n',
      '2',
      ...FAST,
      '--input',
      p('grey-in.npy'),
      '--out',
      p('col.npy'),
    ]);
    expect(readOut('col.npy').shape).toEqual([1, 2, 3, 2, 2]);
    await run('separate', [
      ...common,
      '--model-b',
      p('grey-b.onnx'),
      '--input',
      p('obs.npy'),
      '--out-a',
      p('a.npy'),
      '--out-b',
      p('b.png'),
    ]);
    expect(readOut('a.npy').shape).toEqual([2, 2, 1, 4, 4]);
    expect(decodePng(readFileSync(p('b.png'))).height).toBe(2 * (4 * defaultGridScale(4) + 2) + 2);
  });

  it('posterior: MALA on an ONNX log density writes [C, K, d] and reports its acceptance', async () => {
    const { graph, theta, logp } = regressionOnnx(makeRegression(3, 30, 1));
    writeFileSync(p('logp.onnx'), exportOnnx(graph, { inputs: [theta], outputs: { logp } }));
    const err = await run('posterior', [
      '--log-density',
      p('logp.onnx'),
      '--sampler',
      'mala',
      '--steps',
      '200',
      '--step-size',
      '0.004',
      '--thin',
      '10',
      '--chains',
      '3',
      '--out',
      p('post.npy'),
      '--threads',
      '1',
    ]);
    expect(readOut('post.npy').shape).toEqual([3, 10, 3]);
    expect(err).toMatch(/MALA acceptance rate: 0\.\d{3}/);
  });

  it('one-line errors', async () => {
    const common = ['--model', p('grey.onnx'), '--n', '2', ...FAST, '--out', p('x.npy')];
    await expect(
      run('inpaint', [...common, '--input', p('obs.npy'), '--mask', p('low.npy')]),
    ).rejects.toThrow(
      'inpainting: the mask has shape [2,1,2,2] but the observation has [2,1,4,4]; a mask is [1,4,4] or [2,1,4,4]',
    );
    await expect(
      run('superres', [...common, '--input', p('low.npy'), '--factor', '3']),
    ).rejects.toThrow('the factor 3 does not divide the image size 4x4');
    await expect(
      run('superres', [...common, '--input', p('obs.npy'), '--factor', '2']),
    ).rejects.toThrow(
      'super-resolution: the observation has shape [2,1,4,4] but the model needs [M, 1, 2, 2]',
    );
    await expect(
      run('denoise', [...common, '--input', p('obs.npy'), '--noise-std=-1']),
    ).rejects.toThrow('--noise-std must be >= 0, got -1');
    await expect(run('colorize', [...common, '--input', p('grey-in.npy')])).rejects.toThrow(
      'colorization needs RGB data [3, H, W], got the data shape [1,4,4]',
    );
    await expect(
      run('posterior', [
        '--log-density',
        p('grey.onnx'),
        '--sampler',
        'mala',
        '--steps',
        '10',
        '--step-size',
        '0.1',
        '--out',
        p('x.npy'),
      ]),
    ).rejects.toThrow(/not a log-density file: no input "theta" \(inputs: x, sigma\)/);
  });

  it('errors are one line from the real CLI, with exit code 1', async () => {
    const r = await runCli([
      'superres',
      '--model',
      p('grey.onnx'),
      '--input',
      p('low.npy'),
      '--factor',
      '3',
      '--n',
      '1',
      '--sampler',
      'als',
      '--out',
      p('x.npy'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'scorekit: the factor 3 does not divide the image size 4x4',
    ]);
  });
});
