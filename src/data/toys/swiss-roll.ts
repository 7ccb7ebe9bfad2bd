/**
 * The 2D swiss roll: x = scale * (t cos t, t sin t) + noise, t ~ U[1.5 pi, 4.5 pi]
 * (scikit-learn's make_swiss_roll projected to its spiral plane, as in FFJORD's toys).
 */
import type { DistributionSource } from '../source.ts';
import { noisyCurves } from './noisy-curves.ts';

/** Options for {@link swissRoll}. */
export interface SwissRollOptions {
  /** Multiplies the spiral (default 0.2, so the roll fits in [-3, 3]^2). */
  readonly scale?: number;
  /** Noise standard deviation after scaling (default 0.1). */
  readonly noise?: number;
}

/** The swiss roll; its log density is evaluated by quadrature along the spiral. */
export function swissRoll(options: SwissRollOptions = {}): DistributionSource {
  const scale = options.scale ?? 0.2;
  const noise = options.noise ?? 0.1;
  const at = (t: number): [number, number] => [scale * t * Math.cos(t), scale * t * Math.sin(t)];
  const r = scale * 4.5 * Math.PI + 4 * noise;
  return noisyCurves(
    'swiss-roll',
    [{ at, t0: 1.5 * Math.PI, t1: 4.5 * Math.PI, weight: 1 }],
    noise,
    [-r, r],
  );
}
