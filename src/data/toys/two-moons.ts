/**
 * Two interleaving half circles (scikit-learn's make_moons), centred at the origin:
 * upper (cos t, sin t) and lower (1 - cos t, 0.5 - sin t) for t in [0, pi], each with
 * probability 1/2, shifted by (-0.5, -0.25), times `scale`, plus Gaussian noise.
 */
import type { DistributionSource } from '../source.ts';
import { noisyCurves } from './noisy-curves.ts';

/** Options for {@link twoMoons}. */
export interface TwoMoonsOptions {
  /** Multiplies the moons (default 1). */
  readonly scale?: number;
  /** Noise standard deviation after scaling (default 0.1). */
  readonly noise?: number;
}

/** Two moons; the log density is evaluated by quadrature along both arcs. */
export function twoMoons(options: TwoMoonsOptions = {}): DistributionSource {
  const s = options.scale ?? 1;
  const noise = options.noise ?? 0.1;
  const upper = (t: number): [number, number] => [
    s * (Math.cos(t) - 0.5),
    s * (Math.sin(t) - 0.25),
  ];
  const lower = (t: number): [number, number] => [
    s * (0.5 - Math.cos(t)),
    s * (0.25 - Math.sin(t)),
  ];
  const r = 1.5 * s + 4 * noise;
  return noisyCurves(
    'two-moons',
    [
      { at: upper, t0: 0, t1: Math.PI, weight: 1 },
      { at: lower, t0: 0, t1: Math.PI, weight: 1 },
    ],
    noise,
    [-r, r],
  );
}
