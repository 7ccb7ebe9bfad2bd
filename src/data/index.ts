/** Datasets and transforms that run anywhere (no Node APIs); file-backed datasets live in src/io. */
export { imageDims, withValues, type Batch } from './batch.ts';
export {
  datasetRegistry,
  openDataset,
  type DatasetEntry,
  type DatasetOptions,
  type DatasetRegistry,
} from './dataset.ts';
export { DataLoader, type LoaderOptions } from './loader.ts';
export {
  maxPairwiseDistance,
  type MaxDistanceEstimate,
  type MaxDistanceOptions,
} from './max-pairwise-distance.ts';
export { Registry } from '../util/registry.ts';
export {
  arraySource,
  gatherRows,
  itemSize,
  type DataRange,
  type DataSource,
  type DistributionSource,
  type FiniteSource,
  type LogDensityKind,
} from './source.ts';
export { stackedMnist, stackedMnistMode } from './stacked-mnist.ts';
export { dataStatistics, type DataStatistics, type StatisticsOptions } from './statistics.ts';
export { toyDatasetEntries } from './toy-datasets.ts';
export { checkerboard, type CheckerboardOptions } from './toys/checkerboard.ts';
export { eightGaussians, type EightGaussiansOptions } from './toys/eight-gaussians.ts';
export {
  gaussianMixture,
  type GaussianMixture,
  type GaussianMixtureParams,
} from './toys/gaussian-mixture.ts';
export { gaussianGrid, type GaussianGridOptions } from './toys/grid.ts';
export { concentricRings, type RingsOptions } from './toys/rings.ts';
export { swissRoll, type SwissRollOptions } from './toys/swiss-roll.ts';
export { twoMoons, type TwoMoonsOptions } from './toys/two-moons.ts';
export { centerCrop } from './transforms/center-crop.ts';
export { dequantize } from './transforms/dequantize.ts';
export { randomHorizontalFlip } from './transforms/flip.ts';
export { pad } from './transforms/pad.ts';
export { resize } from './transforms/resize.ts';
export { rescale, scaleTo } from './transforms/scale.ts';
export { compose, type Transform } from './transforms/transform.ts';
export { uint8ImageSource } from './uint8-source.ts';
