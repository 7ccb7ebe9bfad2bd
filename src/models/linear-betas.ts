/**
 * DDPM's linear beta schedule (Ho et al. 2020, section 4): beta_t from betaMin to betaMax over
 * numTimesteps steps. The one definition of the betas: the VP-time models map sigma to t with
 * it (vp-score.ts) and the DDPM loss and sampler tabulate alpha_bar from it (score/vp.ts).
 */

/** The parameters of the linear beta schedule (a vp-time model's config fields). */
export interface LinearBetas {
  readonly betaMin: number;
  readonly betaMax: number;
  readonly numTimesteps: number;
}

/** Ho et al. (2020): 1e-4 .. 0.02 over 1000 steps. */
export const DDPM_BETAS: LinearBetas = { betaMin: 1e-4, betaMax: 0.02, numTimesteps: 1000 };

/** beta_t for t = 0..T-1 (0-based steps, DDPM's t = 1..T), in float64. */
export function linearBetas({ betaMin, betaMax, numTimesteps: T }: LinearBetas): Float64Array {
  return Float64Array.from(
    { length: T },
    (_, t) => betaMin + ((betaMax - betaMin) * t) / Math.max(T - 1, 1),
  );
}
