/** File input and output (Node): dataset readers, the full dataset registry, npy, PNG, GIF. */
export { cifar10Source, cifarBatchFiles, decodeCifarBatch, type CifarSplit } from './cifar.ts';
export { DataFileError } from './data-file-error.ts';
export { createDatasetRegistry } from './datasets.ts';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  FASHION_MNIST_INSTALL,
  fashionMnistFiles,
  fashionMnistInstalled,
  fashionMnistSource,
} from './fashion-mnist.ts';
export { writeImageGrid, writeScatterPlot } from './figures.ts';
export { encodeGif, trajectoryFrames, writeTrajectoryGif, type GifOptions } from './gif.ts';
export { decodeIdx, idxImageSource, readIdx, type IdxArray } from './idx.ts';
export {
  imageFolderSource,
  listImages,
  type ImageFit,
  type ImageFolderOptions,
} from './image-folder.ts';
export { imageGrid, type GridOptions } from './image-grid.ts';
export { toRgba, type Image } from './image.ts';
export { mnistPackageSource } from './mnist-package.ts';
export {
  decodeNpy,
  encodeNpy,
  npyArray,
  readNpy,
  writeNpy,
  type NpyArray,
  type NpyDtype,
} from './npy.ts';
export { decodePng, encodePng, readPng, writePng } from './png.ts';
export { scatterPlot, type ScatterOptions } from './scatter-plot.ts';
export { parseCsv, readTable, tabularSource, type Table } from './tabular.ts';
