/**
 * The feeds of one DSM training step (algorithms.md section 2): the data batch x, fresh
 * noise z ~ N(0, I), and one noise level per example drawn uniformly from the schedule
 * (its sigma, and its index for level-conditioned networks such as NCSN v1). All drawn from
 * the step's own random stream, so step k's batch is the same after a resume.
 */
import { tensor } from '../graph/index.ts';
import type { DataStream } from './data-stream.ts';
import type { StepBatch } from './trainer.ts';

/** Up to this many noise-level buckets in the per-level loss statistics. */
const BUCKETS = 4;

/** Mean of `perExample` over examples whose level falls in each of up to 4 buckets. */
export function lossByLevel(
  perExample: ArrayLike<number>,
  levels: Int32Array,
  sigmas: ArrayLike<number>,
): Record<string, number> {
  const L = sigmas.length;
  const nb = Math.min(BUCKETS, L);
  const sum = new Float64Array(nb);
  const count = new Int32Array(nb);
  levels.forEach((l, i) => {
    const b = Math.floor((l * nb) / L);
    sum[b]! += perExample[i]!;
    count[b]!++;
  });
  const out: Record<string, number> = {};
  for (let b = 0; b < nb; b++) {
    const hi = sigmas[Math.ceil((b * L) / nb)]!;
    if (count[b]! > 0) out[`sigma<=${hi.toPrecision(3)}`] = sum[b]! / count[b]!;
  }
  return out;
}

/** Returns the batch function for a DSM step over `stream` with levels `sigmas`. */
export function dsmBatches(
  stream: DataStream,
  sigmas: ArrayLike<number>,
  withLevelIndex: boolean,
): (step: number) => Promise<StepBatch> {
  const B = stream.options.batchSize;
  const shape = [B, ...stream.itemShape];
  const size = shape.reduce((a, b) => a * b, 1);
  return async (step) => {
    const rng = stream.stepRng(step);
    const x = await stream.batch(step, rng);
    const levels = Int32Array.from({ length: B }, () => rng.int(sigmas.length));
    const sigma = Float32Array.from(levels, (l) => sigmas[l]!);
    const z = rng.normals(size);
    const feeds = {
      x: tensor('float32', shape, x),
      z: tensor('float32', shape, z),
      sigma: tensor('float32', [B], sigma),
      ...(withLevelIndex ? { level: tensor('int64', [B], levels) } : {}),
    };
    return {
      feeds,
      batchSize: B,
      stats: (r) => {
        const pe = r.extras['per_example'];
        return pe ? { loss_by_level: lossByLevel(pe.data as Float32Array, levels, sigmas) } : {};
      },
    };
  };
}
