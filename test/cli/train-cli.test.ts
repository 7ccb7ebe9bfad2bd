import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/graph/index.ts';
import { checkpointDir, listCheckpoints, readCheckpoint } from '../../src/io/checkpoint.ts';
import { Session } from '../../src/runtime/session.ts';
import { resolveScoreModel } from '../../src/train/score-models.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';

const tmp = () => mkdtemp(join(tmpdir(), 'scorekit-train-'));
const small = ['--preset', 'toy2d', '--threads', '1', '--batch-size', '32'];

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scorekit train / export', () => {
  it('a killed run leaves its last checkpoint loadable, and --resume continues from it', async () => {
    const out = await tmp();
    const p = spawnCli([
      'train',
      ...small,
      '--steps',
      '1000000',
      '--checkpoint-every',
      '20',
      '--out',
      out,
    ]);
    await waitFor(async () => (await listCheckpoints(out)).length >= 2, 60_000);
    p.proc.kill('SIGKILL');
    await p.done;
    const steps = await listCheckpoints(out);
    const last = steps.at(-1)!;
    const model = resolveScoreModel(
      { name: 'mlp', config: { hidden: 128, layers: 3, frequencies: 8 } },
      [2],
      [],
    );
    const ckpt = await readCheckpoint(checkpointDir(out, last), model.model.layout().specs);
    expect(ckpt.state.step).toBe(last);
    expect(ckpt.theta.every(Number.isFinite)).toBe(true);
    const r = await runCli([
      'train',
      '--out',
      out,
      '--resume',
      '--steps',
      String(last + 50),
      '--threads',
      '1',
      '--no-spin',
    ]);
    expect(r.stderr).toContain(`resumed at step ${last}`);
    expect(r.code).toBe(0);
    expect(await listCheckpoints(out)).toContain(last + 50);
    // metrics.jsonl holds each step once: records past the checkpoint were dropped on resume.
    const { readFile } = await import('node:fs/promises');
    const steps2 = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { step: number }).step);
    expect(new Set(steps2).size).toBe(steps2.length);
    expect(steps2).toEqual([...steps2].sort((a, b) => a - b));
  }, 90_000);

  it('Ctrl-C (SIGINT) finishes the step, writes a checkpoint and exits cleanly', async () => {
    const out = await tmp();
    const p = spawnCli([
      'train',
      ...small,
      '--steps',
      '1000000',
      '--checkpoint-every',
      '100000',
      '--log-every',
      '5',
      '--out',
      out,
    ]);
    await waitFor(async () => existsSync(join(out, 'metrics.jsonl')), 60_000);
    p.proc.kill('SIGINT');
    expect(await p.done).toBe(0);
    expect(p.stderr()).toMatch(/stopped by Ctrl-C at step \d+/);
    expect((await listCheckpoints(out)).length).toBe(1);
    expect((await readdir(join(out, 'checkpoints'))).some((n) => n.includes('.tmp'))).toBe(false);
  }, 90_000);

  it('exports a score-model file that satisfies the contract and carries its metadata', async () => {
    const out = await tmp();
    expect((await runCli(['train', ...small, '--steps', '50', '--out', out])).code).toBe(0);
    const file = join(out, 'model.onnx');
    const r = await runCli(['export', '--checkpoint', out, '--out', file]);
    expect(r.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    const { readFile } = await import('node:fs/promises');
    const bytes = new Uint8Array(await readFile(file));
    const { importOnnx } = await import('../../src/graph/index.ts');
    const m = importOnnx(bytes, { source: file });
    expect(JSON.parse(m.metadata['scorekit.sigmas']!)).toHaveLength(10);
    expect(JSON.parse(m.metadata['scorekit.data_shape']!)).toEqual([2]);
    const s = await Session.fromBytes(bytes, { threads: 1 });
    const res = await s.run({
      x: tensor('float32', [3, 2], [0, 0, 1, 1, -3, -1]),
      sigma: tensor('float32', [3], [1, 0.5, 0.1]),
    });
    expect(res['score']!.shape).toEqual([3, 2]);
    expect(Array.from(res['score']!.data as Float32Array).every(Number.isFinite)).toBe(true);
    await s.release();
    // The exported file samples with no flags beyond the basics: sigmas and shape come from it.
    const npy = join(out, 'samples.npy');
    const sr = await runCli([
      'sample',
      '--model',
      file,
      '--n',
      '64',
      '--sampler',
      'ode',
      '--threads',
      '1',
      '--out',
      npy,
    ]);
    expect(sr.code).toBe(0);
    const { readNpy } = await import('../../src/io/npy.ts');
    const arr = await readNpy(npy);
    expect(arr.shape).toEqual([64, 2]);
  });

  it('bad input gives a one-line error and a non-zero exit', async () => {
    const r1 = await runCli(['train', '--out', '/tmp/x', '--preset', 'nope']);
    expect(r1.code).toBe(1);
    expect(r1.stderr.trim()).toMatch(/^scorekit: unknown preset "nope" \(presets: toy2d, /);
    const r2 = await runCli(['train', '--preset', 'toy2d', '--out', '/tmp/x', '--lr', '0']);
    expect(r2.stderr).toMatch(/--lr must be > 0/);
    const r3 = await runCli(['export', '--checkpoint', '/nonexistent', '--out', '/tmp/y.onnx']);
    expect(r3.code).toBe(1);
    expect(r3.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
