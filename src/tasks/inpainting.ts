/**
 * Inpainting (algorithms.md section 8; Song & Ermon 2019, section 5 and Algorithm 2 of its
 * appendix): with a mask m (1 = known) and the known values y, after every step of any sampler
 * the known part is replaced by y perturbed to the step's noise level,
 *
 *   x <- m (y + sigma_i z) + (1 - m) x,
 *
 * and the final samples carry y exactly on the known part.
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import {
  checkObservationShape,
  gatherRows,
  type InverseProblem,
  type TaskBatch,
  sizeOf,
} from './inverse-problem.ts';

/** A mask [...D] shared by every observation, or [M, ...D] one per observation; 1 = known. */
export interface Mask {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** Inpainting of observations y [M, ...D] (values under m = 0 are ignored). */
export function inpainting(
  dataShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  mask: Mask,
): InverseProblem {
  const count = checkObservationShape('inpainting', 'observation', yShape, dataShape);
  const d = sizeOf(dataShape);
  const m = expandMask(mask, yShape, count, d);
  return {
    name: 'inpainting',
    dataShape,
    count,
    parts: 1,
    batch(rows: Int32Array, prior: ScoreFn, rng: Rng): TaskBatch {
      const yRows = gatherRows(y, d, rows);
      const mRows = gatherRows(m, d, rows);
      return {
        score: prior,
        project(x, sigma) {
          for (let k = 0; k < x.length; k++)
            if (mRows[k]! > 0) x[k] = yRows[k]! + sigma * rng.normal();
        },
        finish(x) {
          for (let k = 0; k < x.length; k++) if (mRows[k]! > 0) x[k] = yRows[k]!;
        },
      };
    },
  };
}

/** The mask as [M, ...D] values in {0, 1}; the errors name the mask's and y's shapes. */
function expandMask(mask: Mask, yShape: readonly number[], count: number, d: number): Float32Array {
  const shared = mask.shape.length === yShape.length - 1;
  const fits = shared
    ? mask.shape.every((s, i) => s === yShape[i + 1])
    : mask.shape.length === yShape.length && mask.shape.every((s, i) => s === yShape[i]);
  if (!fits || mask.data.length !== (shared ? d : count * d))
    throw new Error(
      `inpainting: the mask has shape [${mask.shape}] but the observation has [${yShape}]; a mask is [${yShape.slice(1)}] or [${yShape}]`,
    );
  const out = new Float32Array(count * d);
  for (let k = 0; k < out.length; k++) {
    const v = mask.data[shared ? k % d : k]!;
    if (v !== 0 && v !== 1)
      throw new Error(`inpainting: mask values must be 0 (unknown) or 1 (known), got ${v}`);
    out[k] = v;
  }
  return out;
}
