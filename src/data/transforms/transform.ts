/** Batch transforms: pure functions of a batch and an RNG, built once from their options. */
import type { Rng } from '../../rng/rng.ts';
import type { Batch } from '../batch.ts';

/** A batch -> batch map; deterministic ones ignore `rng`. */
export type Transform = (batch: Batch, rng: Rng) => Batch;

/** Applies `transforms` left to right. */
export function compose(...transforms: readonly Transform[]): Transform {
  return (batch, rng) => transforms.reduce((b, t) => t(b, rng), batch);
}
