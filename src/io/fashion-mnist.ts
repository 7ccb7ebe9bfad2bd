/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test 28x28 images
 * of clothing in 10 classes, in the MNIST IDX format. Debian and Ubuntu package all 70,000
 * as `dataset-fashion-mnist`, which installs gzip IDX files in /usr/share/datasets/fashion-mnist.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { FiniteSource } from '../data/source.ts';
import { DataFileError } from './data-file-error.ts';
import { idxImageSource } from './idx.ts';

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** How to get the files when they are missing. */
export const FASHION_MNIST_INSTALL =
  'install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; files go to ' +
  `${FASHION_MNIST_DIR}), or download the four *-ubyte.gz files from ` +
  'https://github.com/zalandoresearch/fashion-mnist and pass their directory as option "dir"';

/** The images and labels files of `split` in `dir`. */
export function fashionMnistFiles(
  split: 'train' | 'test',
  dir = FASHION_MNIST_DIR,
): [string, string] {
  const prefix = split === 'train' ? 'train' : 't10k';
  return [join(dir, `${prefix}-images-idx3-ubyte.gz`), join(dir, `${prefix}-labels-idx1-ubyte.gz`)];
}

/** Whether the Fashion-MNIST files of both splits are present in `dir`. */
export async function fashionMnistInstalled(dir = FASHION_MNIST_DIR): Promise<boolean> {
  const files = [...fashionMnistFiles('train', dir), ...fashionMnistFiles('test', dir)];
  return (
    await Promise.all(
      files.map((f) =>
        access(f).then(
          () => true,
          () => false,
        ),
      ),
    )
  ).every(Boolean);
}

/** Fashion-MNIST `split` as `[1, 28, 28]` images in [0, 1] with labels 0-9. */
export async function fashionMnistSource(
  split: 'train' | 'test' = 'train',
  dir = FASHION_MNIST_DIR,
): Promise<FiniteSource> {
  const [images, labels] = fashionMnistFiles(split, dir);
  const present = await access(images).then(
    () => true,
    () => false,
  );
  if (!present)
    throw new DataFileError(images, `Fashion-MNIST is not installed: ${FASHION_MNIST_INSTALL}`);
  return idxImageSource(images, labels, `fashion-mnist ${split}`);
}
