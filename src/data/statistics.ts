/**
 * Data statistics that training and sampling need: value range, per-channel mean and standard
 * deviation, and the largest pairwise distance (NCSNv2's sigma_1; Song & Ermon 2020).
 */
import type { Rng } from '../rng/rng.ts';
import {
  maxPairwiseDistance,
  type MaxDistanceEstimate,
  type MaxDistanceOptions,
} from './max-pairwise-distance.ts';
import { arraySource, itemSize, type DataSource, type FiniteSource } from './source.ts';

/** Statistics of a dataset; JSON-safe, stored in checkpoints. */
export interface DataStatistics {
  readonly count: number;
  readonly shape: readonly number[];
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  /** Per channel (first axis of the item shape). */
  readonly channelMean: number[];
  readonly channelStd: number[];
  readonly maxPairwiseDistance: MaxDistanceEstimate;
}

/** Options for {@link dataStatistics}. */
export interface StatisticsOptions extends MaxDistanceOptions {
  /** Samples drawn from a distribution source (default 10,000). */
  readonly sampleSize?: number;
}

/** Computes {@link DataStatistics} in streaming passes (large sets are never held at once). */
export async function dataStatistics(
  source: DataSource,
  rng: Rng,
  options: StatisticsOptions = {},
): Promise<DataStatistics> {
  const finite =
    source.kind === 'finite' ? source : sampled(source, rng, options.sampleSize ?? 10_000);
  const moments = await channelMoments(finite, options.chunkSize ?? 2048);
  return {
    count: finite.size,
    shape: finite.shape,
    ...moments,
    maxPairwiseDistance: await maxPairwiseDistance(finite, rng, options),
  };
}

function sampled(source: DataSource & { kind: 'distribution' }, rng: Rng, n: number): FiniteSource {
  return arraySource(
    `${source.name} (${n} samples)`,
    source.sample(n, rng),
    source.shape,
    source.range,
  );
}

type Moments = Pick<DataStatistics, 'min' | 'max' | 'mean' | 'std' | 'channelMean' | 'channelStd'>;

async function channelMoments(source: FiniteSource, chunk: number): Promise<Moments> {
  const d = itemSize(source.shape);
  const channels = source.shape.length > 1 ? source.shape[0]! : 1;
  const perChannel = d / channels;
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  let [min, max] = [Infinity, -Infinity];
  for (let start = 0; start < source.size; start += chunk) {
    const count = Math.min(chunk, source.size - start);
    const x = await source.read(Int32Array.from({ length: count }, (_, i) => start + i));
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const c = Math.floor((i % d) / perChannel);
      sum[c]! += v;
      sumSq[c]! += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const per = source.size * perChannel;
  const channelMean = Array.from(sum, (s) => s / per);
  const channelStd = Array.from(sumSq, (s, c) =>
    Math.sqrt(Math.max(0, s / per - channelMean[c]! ** 2)),
  );
  const mean = channelMean.reduce((a, b) => a + b, 0) / channels;
  const meanSq = Array.from(sumSq).reduce((a, b) => a + b, 0) / (per * channels);
  return {
    min,
    max,
    mean,
    std: Math.sqrt(Math.max(0, meanSq - mean * mean)),
    channelMean,
    channelStd,
  };
}
