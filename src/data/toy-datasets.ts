/** Registry entries for the 2D toy distributions (all with log densities). */
import type { DatasetEntry, DatasetOptions } from './dataset.ts';
import { matrixOption, numberArrayOption, numberOption } from './options.ts';
import type { DataRange, DistributionSource } from './source.ts';
import { checkerboard } from './toys/checkerboard.ts';
import { eightGaussians } from './toys/eight-gaussians.ts';
import { gaussianMixture } from './toys/gaussian-mixture.ts';
import { gaussianGrid } from './toys/grid.ts';
import { concentricRings } from './toys/rings.ts';
import { swissRoll } from './toys/swiss-roll.ts';
import { twoMoons } from './toys/two-moons.ts';

function toy(
  description: string,
  options: readonly string[],
  make: (o: DatasetOptions) => DistributionSource,
): DatasetEntry {
  const defaults = make({});
  return {
    description,
    shape: defaults.shape,
    range: defaults.range as DataRange,
    options,
    open: (o) => Promise.resolve(make(o)),
  };
}

/** The toy dataset entries, by registry name. */
export function toyDatasetEntries(): [string, DatasetEntry][] {
  return [
    [
      'gaussian-mixture',
      toy(
        'isotropic Gaussian mixture with given means, scales and weights (closed-form density)',
        ['means', 'scales', 'weights'],
        (o) => {
          const n = 'gaussian-mixture';
          const weights = numberArrayOption(o, 'weights', n);
          return gaussianMixture({
            means: matrixOption(o, 'means', n) ?? [
              [-1, 0],
              [1, 0],
            ],
            scales:
              typeof o['scales'] === 'number'
                ? numberOption(o, 'scales', n, 0.25)
                : (numberArrayOption(o, 'scales', n) ?? 0.25),
            ...(weights === undefined ? {} : { weights }),
          });
        },
      ),
    ],
    [
      '8gaussians',
      toy('8 Gaussians on a circle (closed-form density)', ['radius', 'scale'], (o) =>
        eightGaussians({
          radius: numberOption(o, 'radius', '8gaussians', 2),
          scale: numberOption(o, 'scale', '8gaussians', 0.1),
        }),
      ),
    ],
    [
      'grid',
      toy('5x5 grid of Gaussians (closed-form density)', ['side', 'spacing', 'scale'], (o) =>
        gaussianGrid({
          side: numberOption(o, 'side', 'grid', 5),
          spacing: numberOption(o, 'spacing', 'grid', 1),
          scale: numberOption(o, 'scale', 'grid', 0.1),
        }),
      ),
    ],
    [
      'swiss-roll',
      toy('2D swiss roll (density by quadrature)', ['scale', 'noise'], (o) =>
        swissRoll({
          scale: numberOption(o, 'scale', 'swiss-roll', 0.2),
          noise: numberOption(o, 'noise', 'swiss-roll', 0.1),
        }),
      ),
    ],
    [
      'two-moons',
      toy('two interleaving moons (density by quadrature)', ['scale', 'noise'], (o) =>
        twoMoons({
          scale: numberOption(o, 'scale', 'two-moons', 1),
          noise: numberOption(o, 'noise', 'two-moons', 0.1),
        }),
      ),
    ],
    [
      'checkerboard',
      toy('uniform on a checkerboard (closed-form density)', ['cells', 'cellSize'], (o) =>
        checkerboard({
          cells: numberOption(o, 'cells', 'checkerboard', 4),
          cellSize: numberOption(o, 'cellSize', 'checkerboard', 1),
        }),
      ),
    ],
    [
      'rings',
      toy(
        'concentric rings (closed-form density via Bessel I0)',
        ['radii', 'weights', 'noise'],
        (o) => {
          const radii = numberArrayOption(o, 'radii', 'rings');
          const weights = numberArrayOption(o, 'weights', 'rings');
          return concentricRings({
            ...(radii === undefined ? {} : { radii }),
            ...(weights === undefined ? {} : { weights }),
            noise: numberOption(o, 'noise', 'rings', 0.08),
          });
        },
      ),
    ],
  ];
}
