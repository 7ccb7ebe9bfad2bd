/**
 * A training run's folder on disk: checkpoints/ (atomic, last N kept), metrics.jsonl (one
 * JSON object per logged step), samples/step-NNNNNNN.png (EMA samples: an image grid, or a
 * scatter plot for 2-D data).
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataRange } from '../data/source.ts';
import { pruneCheckpoints, writeCheckpoint, type CheckpointData } from './checkpoint.ts';
import { writeImageGrid, writeScatterPlot } from './figures.ts';

/** File-backed implementations of the run's outputs. */
export interface RunFiles {
  writeCheckpoint(data: CheckpointData): Promise<void>;
  appendMetrics(record: object): Promise<void>;
  writeSamples(
    step: number,
    samples: Float32Array,
    shape: readonly number[],
    range: DataRange,
  ): Promise<void>;
}

/**
 * Drops metrics.jsonl records after `step` (a run resumed from the checkpoint at `step`
 * logs those steps again), writing the file atomically.
 */
export async function truncateMetrics(dir: string, step: number): Promise<void> {
  const file = join(dir, 'metrics.jsonl');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return;
  const kept = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      return (JSON.parse(line) as { step?: number }).step! <= step;
    } catch {
      return false;
    }
  });
  await writeFile(`${file}.tmp`, kept.map((l) => `${l}\n`).join(''));
  await rename(`${file}.tmp`, file);
}

/** The outputs of a run in `dir`, keeping the newest `keep` checkpoints. */
export async function runFiles(dir: string, keep: number): Promise<RunFiles> {
  await mkdir(join(dir, 'checkpoints'), { recursive: true });
  return {
    async writeCheckpoint(data) {
      await writeCheckpoint(dir, data);
      await pruneCheckpoints(dir, keep);
    },
    async appendMetrics(record) {
      await appendFile(join(dir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
    },
    async writeSamples(step, samples, shape, range) {
      await mkdir(join(dir, 'samples'), { recursive: true });
      const file = join(dir, 'samples', `step-${String(step).padStart(7, '0')}.png`);
      const n = samples.length / shape.reduce((a, b) => a * b, 1);
      if (shape.length === 3) await writeImageGrid(file, samples, [n, ...shape], { range });
      else if (shape.length === 1 && shape[0] === 2)
        await writeScatterPlot(file, samples, { pointRadius: 2 });
    },
  };
}
