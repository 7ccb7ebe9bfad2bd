/**
 * What every sampler shares: the batch it starts from, the per-step callback contract
 * (step, sigma, x, denoised) and the divergence guard. A sampler reports each step through a
 * {@link StepReporter}, which also stops the run at the first NaN or Inf.
 */
import { tweedie } from './updates.ts';

/** A batch of samples: data [N, ...D] flattened, and its shape. */
export interface SampleBatch {
  readonly x: Float32Array;
  readonly shape: readonly number[];
}

/** One finished sampler step, passed to the callback. */
export interface SamplerStep {
  /** 0-based step counter over the whole run. */
  readonly step: number;
  /** Steps in the whole run (an estimate for adaptive solvers). */
  readonly totalSteps: number;
  /** The noise level of this step (the VE sigma for DDPM). */
  readonly sigma: number;
  /**
   * The batch after this step (a live view: copy it to keep it). A callback may also write
   * to it, and the sampler continues from what it holds: the post-step projection hook of
   * the inverse problems (tasks/inverse-problem.ts, e.g. inpainting's data consistency).
   * MALA, which keeps the score of its current x between steps, does not allow it.
   */
  readonly x: Float32Array;
  /**
   * Tweedie's estimate of the clean data from this step's score evaluation,
   * x + sigma^2 s(x, sigma) (Efron 2011; NCSNv2's final denoising). A live view.
   */
  readonly denoised: Float32Array;
}

/** Called after every step; may be async (e.g. to write a frame). */
export type StepCallback = (info: SamplerStep) => void | Promise<void>;

/** Options every sampler takes. */
export interface SamplerCallbackOptions {
  readonly callback?: StepCallback;
}

/** Options of the annealed samplers, which end with Tweedie's denoising step. */
export interface AnnealedOptions extends SamplerCallbackOptions {
  /** Apply the final denoising step x <- x + sigma_L^2 s(x, sigma_L) (default true). */
  readonly denoise?: boolean;
}

/** NaN or Inf appeared in the samples: the run stops at that step. */
export class SamplingDivergedError extends Error {
  override name = 'SamplingDivergedError';
  constructor(
    readonly step: number,
    readonly totalSteps: number,
    readonly sigma: number,
  ) {
    super(
      `sampling diverged: NaN or Inf at step ${step + 1} of ${totalSteps} (sigma = ${Number(sigma.toPrecision(4))}); try a smaller step size (--eps) or check the model`,
    );
  }
}

/** Counts steps, computes the denoised estimate when someone listens, and guards against NaN. */
export class StepReporter {
  private step = 0;
  /** The denoised estimate buffer, or null when there is no callback (then it is never computed). */
  readonly denoised: Float32Array | null;

  constructor(
    private readonly callback: StepCallback | undefined,
    public totalSteps: number,
    size: number,
  ) {
    this.denoised = callback ? new Float32Array(size) : null;
  }

  /** Records x + sigma^2 s for the callback; call before x is updated in place. */
  denoise(x: Float32Array, s: Float32Array, sigma: number): void {
    if (this.denoised) tweedie(x, s, sigma, this.denoised);
  }

  /** Ends a step: `checksum` is any sum over the new x (non-finite iff some entry is). */
  async done(x: Float32Array, sigma: number, checksum: number): Promise<void> {
    if (!Number.isFinite(checksum))
      throw new SamplingDivergedError(this.step, this.totalSteps, sigma);
    if (this.callback) {
      const info = {
        step: this.step,
        totalSteps: this.totalSteps,
        sigma,
        x,
        denoised: this.denoised!,
      };
      await this.callback(info);
    }
    this.step++;
  }
}
