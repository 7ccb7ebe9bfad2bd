/** Eight Gaussians evenly spaced on a circle (Grathwohl et al. 2019, FFJORD toy set). */
import { gaussianMixture, type GaussianMixture } from './gaussian-mixture.ts';

/** Options for {@link eightGaussians}. */
export interface EightGaussiansOptions {
  /** Circle radius (default 2). */
  readonly radius?: number;
  /** Standard deviation of each Gaussian (default 0.1). */
  readonly scale?: number;
}

/** The 8-Gaussians mixture; its log density is closed form. */
export function eightGaussians(options: EightGaussiansOptions = {}): GaussianMixture {
  const radius = options.radius ?? 2;
  const means = Array.from({ length: 8 }, (_, k) => {
    const a = (2 * Math.PI * k) / 8;
    return [radius * Math.cos(a), radius * Math.sin(a)];
  });
  return gaussianMixture({ means, scales: options.scale ?? 0.1 }, '8gaussians');
}
