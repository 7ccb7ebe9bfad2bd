/**
 * The noise levels of a training run: geometric from sigma_1 to sigma_L, with 'auto' values
 * computed by NCSNv2's rules (technique 1 from the training data, technique 2 from the
 * dimension), each returned with the reason it has that value.
 */
import { arraySource, type DataSource, type FiniteSource } from '../data/source.ts';
import type { Rng } from '../rng/rng.ts';
import {
  ncsnv2NumScales,
  ncsnv2Ratio,
  ncsnv2StepSize,
  sigmaMaxFromData,
} from '../score/ncsnv2-rules.ts';

/** NCSNv2's steps per level (technique 4 picks eps for it). */
const SAMPLING_T = 5;
import { geometricSigmas } from '../score/schedule.ts';
import type { TrainConfig } from './config.ts';

export interface NoiseSchedule {
  /** sigma_1 > ... > sigma_L. */
  readonly sigmas: Float64Array;
  /** One line per computed value: what it is and why. */
  readonly reasons: readonly string[];
}

/** Samples a distribution into a finite source so the distance rule can run on it. */
function finiteOf(source: DataSource, rng: Rng): FiniteSource {
  if (source.kind === 'finite') return source;
  const n = 2000;
  return arraySource(
    `${n} samples of ${source.name}`,
    source.sample(n, rng),
    source.shape,
    source.range,
  );
}

/**
 * Resolves `noise` for data `source` whose values are multiplied by `scale` before training
 * (a range change scales all distances by the same factor).
 */
export async function resolveNoiseSchedule(
  noise: TrainConfig['noise'],
  source: DataSource,
  scale: number,
  rng: Rng,
): Promise<NoiseSchedule> {
  const reasons: string[] = [];
  let sigmaMax: number;
  if (noise.sigmaMax === 'auto') {
    const r = await sigmaMaxFromData(finiteOf(source, rng), rng);
    sigmaMax = r.value * scale;
    reasons.push(
      `sigma_1 = ${sigmaMax.toPrecision(4)}: ${r.reason}${scale !== 1 ? ` (x${scale} for the data range)` : ''}`,
    );
  } else sigmaMax = noise.sigmaMax;
  let L: number;
  if (noise.numScales === 'auto') {
    const dim = source.shape.reduce((a, b) => a * b, 1);
    const gamma = ncsnv2Ratio(dim);
    const n = ncsnv2NumScales(sigmaMax, noise.sigmaMin, gamma.value);
    L = n.value;
    reasons.push(`gamma = ${gamma.value.toFixed(4)}: ${gamma.reason}`, `L = ${L}: ${n.reason}`);
  } else L = noise.numScales;
  const sigmas = geometricSigmas(sigmaMax, noise.sigmaMin, L);
  const eps = ncsnv2StepSize(SAMPLING_T, sigmas[0]! / sigmas[1]!, noise.sigmaMin);
  reasons.push(
    `eps = ${eps.value.toExponential(2)} for T = ${SAMPLING_T} steps per level when sampling: ${eps.reason}`,
  );
  return { sigmas, reasons };
}
