/**
 * Training batches as a pure function of (seed, step): the batch of step k is the same
 * whether the run got there directly or was resumed from a checkpoint, so `--resume`
 * reproduces the uninterrupted run exactly.
 *
 * Finite datasets: epoch e visits the training items in the permutation drawn from
 * Rng.derive(seed, SHUFFLE, e), cut into full batches. Distributions (toys): fresh samples
 * from the step's own stream. Transforms (dequantisation, flips) also use that stream.
 */
import type { DataSource } from '../data/source.ts';
import type { Transform } from '../data/transforms/transform.ts';
import { Rng } from '../rng/rng.ts';

const SHUFFLE = 1;
const STEP = 2;

export interface DataStreamOptions {
  readonly batchSize: number;
  readonly seed: number;
  /** Training item indices (finite sources; default all). */
  readonly trainIndices?: Int32Array;
  readonly transform?: Transform;
  /** Shape of one item after the transform (default: the source's, e.g. changed by padding). */
  readonly itemShape?: readonly number[];
}

/** Batches by step number. */
export class DataStream {
  private readonly train: Int32Array;
  private readonly batchesPerEpoch: number;
  private cachedEpoch = -1;
  private perm: Int32Array = new Int32Array(0);
  /** Shape of one training item as fed to the network. */
  readonly itemShape: readonly number[];

  constructor(
    readonly source: DataSource,
    readonly options: DataStreamOptions,
  ) {
    this.itemShape = options.itemShape ?? source.shape;
    const n = source.kind === 'finite' ? source.size : 0;
    this.train = options.trainIndices ?? Int32Array.from({ length: n }, (_, i) => i);
    this.batchesPerEpoch =
      source.kind === 'finite' ? Math.floor(this.train.length / options.batchSize) : 1;
    if (source.kind === 'finite' && this.batchesPerEpoch < 1) {
      throw new Error(
        `${source.name}: ${this.train.length} training items, fewer than one batch of ${options.batchSize}`,
      );
    }
  }

  /** The random stream of training step `step` (also used for noise by the caller). */
  stepRng(step: number): Rng {
    return Rng.derive(this.options.seed, STEP, step);
  }

  /** The epoch that step `step` belongs to. */
  epochOf(step: number): number {
    return Math.floor(step / this.batchesPerEpoch);
  }

  /** The data batch x [B, ...shape] of step `step`, using `rng` (from stepRng) for sampling. */
  async batch(step: number, rng: Rng): Promise<Float32Array> {
    const { batchSize, transform } = this.options;
    const src = this.source;
    const shape = [batchSize, ...src.shape];
    let x: Float32Array;
    if (src.kind === 'distribution') x = src.sample(batchSize, rng);
    else {
      const e = this.epochOf(step);
      if (e !== this.cachedEpoch) {
        this.perm = Rng.derive(this.options.seed, SHUFFLE, e).permutation(this.train.length);
        this.cachedEpoch = e;
      }
      const b = step % this.batchesPerEpoch;
      const idx = Array.from(
        this.perm.subarray(b * batchSize, (b + 1) * batchSize),
        (k) => this.train[k]!,
      );
      x = await src.read(idx);
    }
    return transform ? transform({ x, shape }, rng).x : x;
  }
}
