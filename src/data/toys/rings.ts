/**
 * Concentric rings: pick ring k with weight w_k, an angle uniformly, the point r_k (cos a,
 * sin a), plus N(0, s^2 I) noise. Integrating the angle out gives the closed form
 *   p(x) = sum_k w_k / (2 pi s^2) exp(-(|x|^2 + r_k^2) / (2 s^2)) I0(r_k |x| / s^2),
 * with I0 the modified Bessel function (Abramowitz & Stegun 9.6.16).
 */
import type { Rng } from '../../rng/rng.ts';
import type { DistributionSource } from '../source.ts';
import { logBesselI0 } from './bessel.ts';
import { cumulativeWeights, drawCategorical, logSumExp } from './log-sum-exp.ts';

/** Options for {@link concentricRings}. */
export interface RingsOptions {
  /** Ring radii (default [0.5, 1, 1.5, 2]). */
  readonly radii?: readonly number[];
  /** Ring weights (default equal). */
  readonly weights?: readonly number[];
  /** Noise standard deviation (default 0.08). */
  readonly noise?: number;
}

/** Concentric rings with a closed-form log density. */
export function concentricRings(options: RingsOptions = {}): DistributionSource {
  const radii = options.radii ?? [0.5, 1, 1.5, 2];
  const s = options.noise ?? 0.08;
  if (radii.length === 0 || radii.some((r) => !(r >= 0)) || !(s > 0)) {
    throw new Error(`rings: radii must be non-negative and noise positive`);
  }
  const cdf = cumulativeWeights(options.weights ?? radii.map(() => 1), 'rings');
  const logW = radii.map((_, k) => Math.log(cdf[k]! - (k > 0 ? cdf[k - 1]! : 0)));

  const sample = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const r = radii[drawCategorical(cdf, rng.uniform())]!;
      const a = 2 * Math.PI * rng.uniform();
      out[2 * i] = r * Math.cos(a) + s * rng.normal();
      out[2 * i + 1] = r * Math.sin(a) + s * rng.normal();
    }
    return out;
  };

  const logDensity = (x: ArrayLike<number>): Float64Array => {
    const n = x.length / 2;
    const out = new Float64Array(n);
    const terms = new Float64Array(radii.length);
    for (let i = 0; i < n; i++) {
      const rho = Math.hypot(x[2 * i]!, x[2 * i + 1]!);
      radii.forEach((r, k) => {
        terms[k] = logW[k]! - (rho * rho + r * r) / (2 * s * s) + logBesselI0((r * rho) / (s * s));
      });
      out[i] = logSumExp(terms) - Math.log(2 * Math.PI * s * s);
    }
    return out;
  };

  const bound = Math.max(...radii) + 4 * s;
  return {
    kind: 'distribution',
    name: 'rings',
    shape: [2],
    range: [-bound, bound],
    sample,
    logDensity,
    logDensityKind: 'closed-form',
  };
}
