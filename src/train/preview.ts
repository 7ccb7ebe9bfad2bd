/**
 * Preview samples during training: the EMA weights exported as a score model and sampled
 * with NCSNv2's annealed Langevin settings (T = 5 steps per level, eps from technique 4,
 * final denoising), at most 100 levels (a subsample of long schedules), so a picture every
 * K steps costs a few hundred network evaluations.
 */
import type { ParamLayout } from '../nn/params.ts';
import type { Rng } from '../rng/rng.ts';
import { Session, type SessionOptions } from '../runtime/session.ts';
import { annealedLangevin } from '../sampling/annealed-langevin.ts';
import { ncsnv2StepSize } from '../score/ncsnv2-rules.ts';
import { sessionScoreFn } from '../score/onnx-score.ts';
import { exportScoreModel } from '../score/score-model.ts';
import type { RunInfo } from './run.ts';
import type { ResolvedModel } from './score-models.ts';

const MAX_LEVELS = 100;
const T = 5;

/** Every k-th level, always keeping the last, so at most MAX_LEVELS remain. */
function subsample(sigmas: readonly number[]): number[] {
  const k = Math.ceil(sigmas.length / MAX_LEVELS);
  const out = sigmas.filter((_, i) => i % k === 0);
  if (out[out.length - 1] !== sigmas[sigmas.length - 1]) out.push(sigmas[sigmas.length - 1]!);
  return out;
}

/** `count` samples from the EMA weights `ema` ([count, ...dataShape], in the data range). */
export async function previewSamples(
  model: ResolvedModel,
  layout: ParamLayout,
  ema: Float32Array,
  info: RunInfo,
  rng: Rng,
  count: number,
  sessionOpts: SessionOptions = {},
): Promise<Float32Array> {
  const bytes = exportScoreModel(model.net, layout, ema, info.dataShape);
  const session = await Session.fromBytes(bytes, sessionOpts);
  try {
    const sigmas = subsample(info.sigmas);
    const gamma = sigmas.length > 1 ? sigmas[0]! / sigmas[1]! : 1.1;
    const eps = ncsnv2StepSize(T, gamma, sigmas[sigmas.length - 1]!).value;
    const shape = [count, ...info.dataShape];
    const x0 = rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 0, sigmas[0]!);
    const x = await annealedLangevin(
      sessionScoreFn(session),
      { x: x0, shape },
      sigmas,
      { stepsPerScale: T, eps },
      rng,
    );
    const [lo, hi] = info.dataRange;
    return x.map((v) => Math.min(hi, Math.max(lo, v)));
  } finally {
    await session.release();
  }
}
