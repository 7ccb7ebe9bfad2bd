/** A square grid of equal Gaussians, by default 5x5 (the mode-coverage toy of VEEGAN/PacGAN). */
import { gaussianMixture, type GaussianMixture } from './gaussian-mixture.ts';

/** Options for {@link gaussianGrid}. */
export interface GaussianGridOptions {
  /** Gaussians per side (default 5). */
  readonly side?: number;
  /** Distance between neighbouring means (default 1). */
  readonly spacing?: number;
  /** Standard deviation of each Gaussian (default 0.1). */
  readonly scale?: number;
}

/** The centred `side` x `side` grid mixture; its log density is closed form. */
export function gaussianGrid(options: GaussianGridOptions = {}): GaussianMixture {
  const side = options.side ?? 5;
  const spacing = options.spacing ?? 1;
  const offset = ((side - 1) * spacing) / 2;
  const means: number[][] = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) means.push([i * spacing - offset, j * spacing - offset]);
  }
  return gaussianMixture({ means, scales: options.scale ?? 0.1 }, 'grid');
}
