/**
 * Annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1; algorithms.md section 3), with
 * the final denoising step of NCSNv2 (Tweedie's formula, Song & Ermon 2020):
 *
 *   for i in 1..L:  a_i = eps * sigma_i^2 / sigma_L^2
 *     repeat T times:  x <- x + a_i s(x, sigma_i) + sqrt(2 a_i) z
 *   x <- x + sigma_L^2 s(x, sigma_L)
 */
import type { Rng } from '../rng/rng.ts';
import type { ScoreFn } from '../score/score-fn.ts';

export interface StepInfo {
  /** 0-based step counter over the whole run. */
  readonly step: number;
  readonly totalSteps: number;
  readonly sigma: number;
  /** The current sample batch (a live view: copy it to keep it). */
  readonly x: Float32Array;
}

export interface AnnealedLangevinOptions {
  /** Noise levels, largest first. */
  readonly sigmas: ArrayLike<number>;
  /** T: Langevin steps per noise level. */
  readonly stepsPerScale: number;
  /** eps: the step size at the smallest level (our convention a*s + sqrt(2a) z). */
  readonly eps: number;
  /** Apply the final denoising step (default true). */
  readonly denoise?: boolean;
  readonly callback?: (info: StepInfo) => void | Promise<void>;
}

/** Runs annealed Langevin dynamics from `x0` ([N, ...D] flattened, shape `shape`). */
export async function annealedLangevin(
  score: ScoreFn,
  x0: Float32Array,
  shape: readonly number[],
  opts: AnnealedLangevinOptions,
  rng: Rng,
): Promise<Float32Array> {
  const { sigmas, stepsPerScale: T, eps } = opts;
  if (!(eps > 0)) throw new Error(`eps must be positive, got ${eps}`);
  if (!(T >= 1 && Number.isInteger(T)))
    throw new Error(`stepsPerScale must be a positive integer, got ${T}`);
  const L = sigmas.length;
  const n = shape[0]!;
  const x = Float32Array.from(x0);
  const sigmaBatch = new Float32Array(n);
  const sigmaL = sigmas[L - 1]!;
  let step = 0;
  for (let i = 0; i < L; i++) {
    const sigma = sigmas[i]!;
    const a = (eps * sigma * sigma) / (sigmaL * sigmaL); // a_i
    const noiseScale = Math.sqrt(2 * a);
    sigmaBatch.fill(sigma);
    for (let t = 0; t < T; t++) {
      const s = await score(x, sigmaBatch, shape);
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + a * s[k]! + noiseScale * rng.normal();
      await opts.callback?.({ step: step++, totalSteps: L * T, sigma, x });
    }
  }
  if (opts.denoise ?? true) {
    sigmaBatch.fill(sigmaL);
    const s = await score(x, sigmaBatch, shape);
    for (let k = 0; k < x.length; k++) x[k] = x[k]! + sigmaL * sigmaL * s[k]!;
  }
  return x;
}
