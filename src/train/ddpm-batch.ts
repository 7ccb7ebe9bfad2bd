/**
 * The feeds of one DDPM training step (Ho et al. 2020, Algorithm 1): x_0 from the data,
 * t ~ U{0..T-1}, eps ~ N(0, I), and sqrt(alpha_bar_t), sqrt(1 - alpha_bar_t) per example,
 * all from the step's own random stream (exact resume).
 */
import { tensor, type TensorData } from '../graph/index.ts';
import type { VpSchedule } from '../score/vp.ts';
import type { DataStream } from './data-stream.ts';
import { lossByLevel } from './dsm-batch.ts';
import type { StepBatch } from './trainer.ts';

/**
 * The feeds of a DDPM step (the inputs of `ddpmObjective`'s graph) for data x_0, noise eps
 * (both [B, ...D] flattened) and integer timesteps t [B].
 */
export function ddpmFeeds(
  shape: readonly number[],
  x: Float32Array,
  eps: Float32Array,
  t: Int32Array,
  vp: VpSchedule,
): Record<string, TensorData> {
  const B = t.length;
  return {
    x: tensor('float32', shape, x),
    z: tensor('float32', shape, eps),
    t: tensor('float32', [B], Float32Array.from(t)),
    sqrt_ab: tensor(
      'float32',
      [B],
      Float32Array.from(t, (k) => Math.sqrt(vp.alphaBars[k]!)),
    ),
    sqrt_1mab: tensor(
      'float32',
      [B],
      Float32Array.from(t, (k) => Math.sqrt(1 - vp.alphaBars[k]!)),
    ),
  };
}

/** Returns the batch function for a DDPM step over `stream` with schedule `vp`. */
export function ddpmBatches(
  stream: DataStream,
  vp: VpSchedule,
): (step: number) => Promise<StepBatch> {
  const B = stream.options.batchSize;
  const shape = [B, ...stream.itemShape];
  const size = shape.reduce((a, b) => a * b, 1);
  const T = vp.alphaBars.length;
  // Levels in lossByLevel run from the largest noise (t = T - 1) down.
  const sigmasDesc = Float64Array.from(vp.sigmas).reverse();
  return async (step) => {
    const rng = stream.stepRng(step);
    const x = await stream.batch(step, rng);
    const t = Int32Array.from({ length: B }, () => rng.int(T));
    const eps = rng.normals(size);
    const feeds = ddpmFeeds(shape, x, eps, t, vp);
    const levels = Int32Array.from(t, (k) => T - 1 - k);
    return {
      feeds,
      batchSize: B,
      stats: (r) => {
        const pe = r.extras['per_example'];
        return pe
          ? { loss_by_level: lossByLevel(pe.data as Float32Array, levels, sigmasDesc) }
          : {};
      },
    };
  };
}
