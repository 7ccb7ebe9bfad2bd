/**
 * Checkpoint directories (architecture.md, public contracts): config.json, params.safetensors,
 * ema.safetensors, optimizer.safetensors (Adam moments), state.json (step, seed, versions).
 * Each is written into a temporary directory that is renamed into place, so a crash or
 * Ctrl-C never leaves a half-written checkpoint; the last `keep` are kept.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFileError } from './data-file-error.ts';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.ts';

export interface ParamSlice {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

export interface CheckpointData {
  /** The full resolved config (also stored in exported models). */
  readonly config: unknown;
  /** Parameter tensors: where each lives in the flat vectors below. */
  readonly layout: readonly ParamSlice[];
  readonly theta: Float32Array;
  readonly ema: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** step, RNG seed, learning-rate state... (JSON). */
  readonly state: { readonly step: number } & Readonly<Record<string, unknown>>;
}

const STEP_DIR = /^step-(\d+)$/;

/** `checkpoints/step-000123` inside a run folder. */
export function checkpointDir(runDir: string, step: number): string {
  return join(runDir, 'checkpoints', `step-${String(step).padStart(7, '0')}`);
}

async function writeDurable(path: string, bytes: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function named(
  layout: readonly ParamSlice[],
  flat: Float32Array,
  prefix = '',
): Record<string, NamedTensor> {
  const out: Record<string, NamedTensor> = {};
  for (const s of layout)
    out[prefix + s.name] = { shape: s.shape, data: flat.subarray(s.offset, s.offset + s.size) };
  return out;
}

/** Writes a checkpoint for `data.state.step` atomically; returns its directory. */
export async function writeCheckpoint(runDir: string, data: CheckpointData): Promise<string> {
  for (const [k, v] of [
    ['theta', data.theta],
    ['ema', data.ema],
    ['m', data.m],
    ['v', data.v],
  ] as const) {
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!))
        throw new Error(`refusing to write a checkpoint: ${k}[${i}] is ${v[i]} (non-finite)`);
    }
  }
  const final = checkpointDir(runDir, data.state.step);
  const tmp = `${final}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeDurable(join(tmp, 'config.json'), `${JSON.stringify(data.config, null, 2)}\n`);
  await writeDurable(
    join(tmp, 'params.safetensors'),
    encodeSafetensors(named(data.layout, data.theta)),
  );
  await writeDurable(join(tmp, 'ema.safetensors'), encodeSafetensors(named(data.layout, data.ema)));
  await writeDurable(
    join(tmp, 'optimizer.safetensors'),
    encodeSafetensors({ ...named(data.layout, data.m, 'm.'), ...named(data.layout, data.v, 'v.') }),
  );
  await writeDurable(join(tmp, 'state.json'), `${JSON.stringify(data.state, null, 2)}\n`);
  const old = `${final}.old-${process.pid}`;
  const exists = await stat(final).then(
    () => true,
    () => false,
  );
  if (exists) await rename(final, old);
  await rename(tmp, final);
  if (exists) await rm(old, { recursive: true, force: true });
  return final;
}

/** Steps of the complete checkpoints in a run folder, ascending. */
export async function listCheckpoints(runDir: string): Promise<number[]> {
  const names = await readdir(join(runDir, 'checkpoints')).catch(() => [] as string[]);
  return names
    .flatMap((n) => {
      const m = STEP_DIR.exec(n);
      return m ? [Number(m[1])] : [];
    })
    .sort((a, b) => a - b);
}

/** The step of the newest complete checkpoint in a run folder, or undefined when it has none. */
export async function newestCheckpoint(runDir: string): Promise<number | undefined> {
  return (await listCheckpoints(runDir)).at(-1);
}

/** Removes all but the newest `keep` checkpoints and any leftover temporary directories. */
export async function pruneCheckpoints(runDir: string, keep: number): Promise<void> {
  const steps = await listCheckpoints(runDir);
  for (const s of steps.slice(0, Math.max(0, steps.length - keep)))
    await rm(checkpointDir(runDir, s), { recursive: true, force: true });
  const names = await readdir(join(runDir, 'checkpoints')).catch(() => [] as string[]);
  for (const n of names)
    if (/\.(tmp|old)-\d+$/.test(n))
      await rm(join(runDir, 'checkpoints', n), { recursive: true, force: true });
}

function flatten(
  file: string,
  tensors: Record<string, NamedTensor>,
  layout: readonly ParamSlice[],
  size: number,
  prefix = '',
): Float32Array {
  const flat = new Float32Array(size);
  for (const s of layout) {
    const t = tensors[prefix + s.name];
    if (!t) throw new DataFileError(file, `missing tensor "${prefix + s.name}"`);
    if (t.data.length !== s.size)
      throw new DataFileError(
        file,
        `tensor "${prefix + s.name}" has shape [${t.shape.join(', ')}], the model needs [${s.shape.join(', ')}]`,
      );
    flat.set(t.data, s.offset);
  }
  return flat;
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new DataFileError(file, 'missing (not a checkpoint directory?)');
  });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DataFileError(file, 'is not valid JSON');
  }
}

/** The config stored in a checkpoint directory. */
export function readCheckpointConfig(dir: string): Promise<unknown> {
  return readJson(join(dir, 'config.json'));
}

/** Reads a checkpoint directory into flat vectors ordered by `layout`. */
export async function readCheckpoint(
  dir: string,
  layout: readonly ParamSlice[],
): Promise<CheckpointData> {
  const size = layout.reduce((a, s) => a + s.size, 0);
  const load = async (name: string) => {
    const file = join(dir, name);
    const bytes = await readFile(file).catch(() => {
      throw new DataFileError(file, 'missing (not a checkpoint directory?)');
    });
    return { file, tensors: decodeSafetensors(bytes, file).tensors };
  };
  const [p, e, o] = [
    await load('params.safetensors'),
    await load('ema.safetensors'),
    await load('optimizer.safetensors'),
  ];
  const state = (await readJson(join(dir, 'state.json'))) as CheckpointData['state'];
  if (typeof state.step !== 'number')
    throw new DataFileError(join(dir, 'state.json'), 'field "step" is missing');
  return {
    config: await readCheckpointConfig(dir),
    layout,
    theta: flatten(p.file, p.tensors, layout, size),
    ema: flatten(e.file, e.tensors, layout, size),
    m: flatten(o.file, o.tensors, layout, size, 'm.'),
    v: flatten(o.file, o.tensors, layout, size, 'v.'),
    state,
  };
}
