/**
 * Minibatches for training: a seeded held-out split, then per epoch a fresh permutation of
 * the training items cut into batches (the next batch is read while the current one is used,
 * so image folders decode in the background). Distribution sources (toys) draw fresh samples
 * for every batch and a fixed held-out sample. Three independent RNG streams are split off
 * the given one: split, shuffle, augmentation; same seed, same batches.
 */
import type { Rng } from '../rng/rng.ts';
import type { Batch } from './batch.ts';
import type { DataSource } from './source.ts';
import type { Transform } from './transforms/transform.ts';

/** Options for {@link DataLoader}. */
export interface LoaderOptions {
  readonly batchSize: number;
  /** Held-out items: a fraction in [0, 1), or a count >= 1 (default 0). */
  readonly heldOut?: number;
  /** Drop the last incomplete training batch of an epoch (default true). */
  readonly dropLast?: boolean;
  /** Applied to training batches (augmentation, rescaling); not to held-out batches. */
  readonly transform?: Transform;
  /** Applied to held-out batches (e.g. rescaling only). */
  readonly heldOutTransform?: Transform;
  /** Samples per epoch for a distribution source (default 10,000). */
  readonly epochSize?: number;
}

/** Shuffled minibatches over a data source with a held-out split. */
export class DataLoader {
  /** Items in the training part (per epoch, for distributions). */
  readonly trainSize: number;
  readonly heldOutSize: number;
  private readonly train: Int32Array;
  private readonly held: Int32Array;
  private readonly shuffleRng: Rng;
  private readonly augmentRng: Rng;
  private heldOutSample: Float32Array | null = null;

  constructor(
    readonly source: DataSource,
    readonly options: LoaderOptions,
    rng: Rng,
  ) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    const splitRng = rng.split();
    this.shuffleRng = rng.split();
    this.augmentRng = rng.split();
    const total = source.kind === 'finite' ? source.size : (options.epochSize ?? 10_000);
    this.heldOutSize = heldOutCount(options.heldOut ?? 0, total);
    this.trainSize = total - this.heldOutSize;
    if (this.trainSize < batchSize && (options.dropLast ?? true)) {
      throw new Error(
        `DataLoader: ${source.name} has ${this.trainSize} training items, fewer than one batch of ${batchSize}`,
      );
    }
    const order = source.kind === 'finite' ? splitRng.permutation(total) : new Int32Array(0);
    this.held = order.slice(0, this.heldOutSize).sort();
    this.train = order.slice(this.heldOutSize).sort();
    if (source.kind === 'distribution') {
      this.heldOutSample = source.sample(this.heldOutSize, splitRng);
    }
  }

  /** Training batches per epoch. */
  get batchesPerEpoch(): number {
    const full = Math.floor(this.trainSize / this.options.batchSize);
    return (this.options.dropLast ?? true) || this.trainSize % this.options.batchSize === 0
      ? full
      : full + 1;
  }

  /** One epoch of shuffled, transformed training batches. */
  async *epoch(): AsyncGenerator<Batch> {
    const { batchSize, transform } = this.options;
    const src = this.source;
    const perm = this.shuffleRng.permutation(this.trainSize);
    const batches = this.batchesPerEpoch;
    const read = (b: number): Promise<Batch> => {
      const pick = perm.subarray(b * batchSize, Math.min((b + 1) * batchSize, this.trainSize));
      // Finite sources map positions to training items; distributions only use the count.
      const batch = this.readBatch(src.kind === 'finite' ? pick.map((k) => this.train[k]!) : pick);
      batch.catch(() => undefined); // a prefetch the consumer never awaits must not go unhandled
      return batch;
    };
    let next = batches > 0 ? read(0) : null;
    for (let b = 0; b < batches; b++) {
      const batch = await next!;
      next = b + 1 < batches ? read(b + 1) : null;
      yield transform === undefined ? batch : transform(batch, this.augmentRng);
    }
  }

  /** Endless training batches, epoch after epoch, with the epoch number. */
  async *batches(): AsyncGenerator<{ epoch: number; batch: Batch }> {
    for (let epoch = 0; ; epoch++) {
      for await (const batch of this.epoch()) yield { epoch, batch };
    }
  }

  /** The held-out items in a fixed order, in batches of `batchSize` (last may be smaller). */
  async *heldOut(batchSize = this.options.batchSize): AsyncGenerator<Batch> {
    const t = this.options.heldOutTransform;
    for (let s = 0; s < this.heldOutSize; s += batchSize) {
      const idx = Int32Array.from(
        { length: Math.min(batchSize, this.heldOutSize - s) },
        (_, i) => s + i,
      );
      const batch =
        this.source.kind === 'finite'
          ? await this.readBatch(idx.map((k) => this.held[k]!))
          : this.rows(this.heldOutSample!, idx);
      yield t === undefined ? batch : t(batch, this.augmentRng);
    }
  }

  /** The item indices of the split (finite sources; empty for distributions). */
  split(): { train: Int32Array; heldOut: Int32Array } {
    return { train: this.train.slice(), heldOut: this.held.slice() };
  }

  private async readBatch(indices: Int32Array): Promise<Batch> {
    const src = this.source;
    if (src.kind === 'distribution') {
      return {
        x: src.sample(indices.length, this.shuffleRng),
        shape: [indices.length, ...src.shape],
      };
    }
    const x = await src.read(indices);
    const shape = [indices.length, ...src.shape];
    return src.labels === undefined
      ? { x, shape }
      : { x, shape, labels: indices.map((i) => src.labels![i]!) };
  }

  private rows(data: Float32Array, idx: Int32Array): Batch {
    const d = data.length / this.heldOutSize;
    const x = new Float32Array(idx.length * d);
    idx.forEach((r, k) => x.set(data.subarray(r * d, (r + 1) * d), k * d));
    return { x, shape: [idx.length, ...this.source.shape] };
  }
}

function heldOutCount(heldOut: number, total: number): number {
  const n = heldOut < 1 ? Math.round(heldOut * total) : heldOut;
  if (!(heldOut >= 0) || !Number.isInteger(n) || n >= total) {
    throw new Error(
      `DataLoader: heldOut must be a fraction in [0, 1) or a count below ${total}, got ${heldOut}`,
    );
  }
  return n;
}
