/**
 * `scorekit sample` end to end on closed-form score files: every sampler, metadata defaults,
 * byte-identical output for the same seed and threads, figures, and one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Graph, exportOnnx, mul, type Value } from '../../src/graph/index.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { firstWeight, sample, writeMixtureModels } from './sample-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'scorekit-sample-'));
const { withMeta, bare } = writeMixtureModels(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = (name: string): string => join(dir, name);
const load = (path: string) => decodeNpy(new Uint8Array(readFileSync(path)), path);
/** Sampling from a model file that does not exist. */
const missingModel = ['--model', out('missing.onnx'), '--n', '1', '--sampler', 'als'];

/** Writes a model with inputs `inputName` [N, 2] and sigma [N] and output score = f(input, sigma). */
function writeModel(name: string, inputName: string, f: (v: Value, sigma: Value) => Value): string {
  const g = new Graph();
  const v = g.input(inputName, 'float32', ['N', 2]);
  const sigma = g.input('sigma', 'float32', ['N']);
  writeFileSync(out(name), exportOnnx(g, { inputs: [v, sigma], outputs: { score: f(v, sigma) } }));
  return out(name);
}

describe('scorekit sample', () => {
  it('same seed and threads give byte-identical .npy; another seed differs', async () => {
    const args = [
      '--model',
      withMeta,
      '--n',
      '300',
      '--batch-size',
      '128',
      '--sampler',
      'cas',
      '--threads',
      '1',
    ];
    await sample([...args, '--seed', '5', '--out', out('a.npy')]);
    await sample([...args, '--seed', '5', '--out', out('b.npy')]);
    await sample([...args, '--seed', '6', '--out', out('c.npy')]);
    await sample([...args, '--seed', '5', '--no-spin', '--out', out('d.npy')]);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((k) => readFileSync(out(`${k}.npy`)));
    expect(Buffer.compare(a!, b!)).toBe(0);
    expect(Buffer.compare(a!, d!)).toBe(0); // --no-spin changes waiting, not results
    expect(Buffer.compare(a!, c!)).not.toBe(0);
    expect(load(out('a.npy')).shape).toEqual([300, 2]);
  });

  it('writes the scatter plot and the trajectory GIF', async () => {
    await sample([
      '--model',
      withMeta,
      '--n',
      '200',
      '--sampler',
      'ode',
      '--out',
      out('o.npy'),
      '--grid',
      out('o.png'),
      '--gif',
      out('o.gif'),
    ]);
    expect(readFileSync(out('o.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(out('o.gif')).subarray(0, 3).toString()).toBe('GIF');
  });

  it('takes missing values from flags when the file has no metadata', async () => {
    await expect(
      sample(['--model', bare, '--n', '10', '--sampler', 'als', '--out', out('x.npy')]),
    ).rejects.toThrow(/sampler als needs the largest noise level: pass --sigma-max/);
    await expect(
      sample([
        '--model',
        bare,
        '--n',
        '10',
        '--sampler',
        'als',
        '--sigma-max',
        '20',
        '--sigma-min',
        '0.01',
        '--out',
        out('x.npy'),
      ]),
    ).rejects.toThrow(/pass --num-scales/);
    await sample([
      '--model',
      bare,
      '--n',
      '400',
      '--sampler',
      'als',
      '--sigma-max',
      '20',
      '--sigma-min',
      '0.01',
      '--num-scales',
      '10',
      '--steps-per-scale',
      '30',
      '--out',
      out('x.npy'),
    ]);
    expect(Math.abs(firstWeight(load(out('x.npy')).data as Float32Array) - 0.8)).toBeLessThan(0.1);
  });

  it('reports invalid hyperparameters, shapes and files in one line', async () => {
    const base = ['--model', withMeta, '--n', '10', '--out', out('e.npy')];
    await expect(sample([...base, '--sampler', 'cas', '--eps', '1'])).rejects.toThrow(
      /eps in \(.*\) for gamma = .*; got eps = 1$/,
    );
    await expect(sample([...base, '--sampler', 'als', '--eps=-1'])).rejects.toThrow(
      /--eps must be > 0/,
    );
    await expect(sample([...base, '--sampler', 'nope'])).rejects.toThrow(
      /unknown sampler "nope" \(samplers: als, ncsnv2/,
    );
    await expect(sample([...base, '--sampler', 'als', '--shape', '3'])).rejects.toThrow(
      /shape \[3\] does not fit the model's input x \[N, 2\]/,
    );
    await expect(sample([...base, '--sampler', 'als', '--eps', '100'])).rejects.toThrow(
      /NaN or Inf at step \d+ of 1001 \(sigma = 20\)/,
    );
    expect(existsSync(out('e.npy'))).toBe(false); // no partial output
    await expect(sample([...missingModel, '--out', out('e.npy')])).rejects.toThrow(
      /^model file not found: /,
    );
    const noX = writeModel('noy.onnx', 'y', (y) => mul(y, 2));
    await expect(
      sample(['--model', noX, '--n', '1', '--sampler', 'als', '--out', out('e.npy')]),
    ).rejects.toThrow(/not a score model: no input "x" \(inputs: y, sigma\)/);
    const badShape = writeModel('shape.onnx', 'x', (_x, sigma) => mul(sigma, 2));
    await expect(
      sample([
        '--model',
        badShape,
        '--n',
        '1',
        '--sampler',
        'als',
        '--sigma-max',
        '1',
        '--sigma-min',
        '0.1',
        '--num-scales',
        '2',
        '--out',
        out('e.npy'),
      ]),
    ).rejects.toThrow(/output "score" has shape \[N\] but input "x" has \[N, 2\]/);
  });

  it('prints errors as one line with exit status 1 (stack only with --verbose)', () => {
    const main = join(import.meta.dirname, '../../src/cli/main.ts');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', main, 'sample', ...missingModel, '--out', out('never.npy')],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `scorekit: model file not found: ${out('missing.onnx')}`,
    ]);
    expect(existsSync(out('never.npy'))).toBe(false);
  });

  it('--help describes every flag', async () => {
    const { sampleCommand } = await import('../../src/cli/commands/sample.ts');
    for (const flag of Object.keys(sampleCommand.options))
      expect(sampleCommand.help).toContain(`--${flag}`);
  });
});
