import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { compile, configEntries, Session } from '../../src/runtime/session.ts';

const dir = mkdtempSync(join(tmpdir(), 'scorekit-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doubler(): { g: G.Graph; x: G.Value; y: G.Value } {
  const g = new G.Graph();
  const x = g.input('x', 'float32', [3]);
  return { g, x, y: G.mul(x, 2) };
}

describe('Session', () => {
  it('rejects a thread count that is not a positive integer', async () => {
    const { g, x, y } = doubler();
    const bytes = G.exportOnnx(g, { inputs: [x], outputs: { y } });
    await expect(Session.fromBytes(bytes, { threads: 0 })).rejects.toThrow(
      /threads must be a positive integer, got 0/,
    );
  });

  it('spinning false blocks the idle threads unless extra says otherwise', async () => {
    const off = { 'session.intra_op.allow_spinning': '0' };
    expect(configEntries({})).toEqual({});
    expect(configEntries({ spinning: true })).toEqual({});
    expect(configEntries({ spinning: false })).toEqual(off);
    expect(configEntries({ spinning: false, extra: { a: 'b' } })).toEqual({ ...off, a: 'b' });
    const on = { 'session.intra_op.allow_spinning': '1' };
    expect(configEntries({ spinning: false, extra: on })).toEqual(on);
    const { g, x, y } = doubler();
    const s = await compile(g, { inputs: [x], outputs: { y } }, { threads: 2, spinning: false });
    const r = await s.run({ x: G.tensor('float32', [3], [1, 2, 3]) });
    await s.release();
    expect(Array.from(r.y!.data as Float32Array)).toEqual([2, 4, 6]);
  });

  it('profilePrefix records one kernel event per node and run, written by endProfiling', async () => {
    const { g, x, y } = doubler();
    const s = await compile(g, { inputs: [x], outputs: { y } }, { profilePrefix: join(dir, 'p') });
    for (let i = 0; i < 3; i++) await s.run({ x: G.tensor('float32', [3], [1, 2, 3]) });
    s.endProfiling();
    await s.release();
    const files = readdirSync(dir).filter((f) => f.startsWith('p') && f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const events = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as {
      cat: string;
      name: string;
      args?: { op_name?: string };
    }[];
    const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
    expect(kernels.map((e) => e.args?.op_name)).toEqual(['Mul', 'Mul', 'Mul']);
  });
});
