/**
 * Datasets: in-memory image datasets with zero-copy views, loaders (MNIST, Fashion-MNIST, CIFAR-10, synthetic),
 * an IDX reader, a verified downloader, a registry, and input checks.
 *
 * @example
 * import { mnist, loadDataset, listDatasets } from './engine/data/index.js';
 * const { train, test } = await mnist({ limit: 1000 });
 */
export type { Batch, Dataset, DatasetSplits } from './types.js';
export { ImageDataset, type ImageDatasetInit } from './image-dataset.js';
export { fromArrays, bytesToUnit, type FromArraysOptions } from './from-arrays.js';
export { readIdx, readIdxHead, isGzip, type IdxArray } from './idx.js';
export { IDX_FILES, findIdxFile, hasIdxSet, loadIdxSplits, type IdxSplitsSpec } from './idx-dataset.js';
export { mnist, mnistPackageDir, MNIST_CLASS_NAMES, type MnistOptions } from './mnist.js';
export { fashionMnist, FASHION_MNIST_CLASS_NAMES, type FashionMnistOptions } from './fashion-mnist.js';
export {
  FASHION_MNIST_BASE_URL, FASHION_MNIST_FILES, FASHION_MNIST_SYSTEM_DIR, downloadFashionMnist, fashionMnistCacheDir,
  fashionMnistMissingError, locateFashionMnist, type FashionMnistLocation, type FashionMnistSourceOptions,
} from './fashion-mnist-source.js';
export { downloadVerified, type DownloadOptions, type ExpectedFile } from './download.js';
export { cifar10, parseCifar10Batch, findCifar10Dir, CIFAR10_CLASS_NAMES, CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE, CIFAR10_SUBDIR,
  type Cifar10Options } from './cifar10.js';
export { synthetic, syntheticSync, type SyntheticOptions } from './synthetic.js';
export { registerDataset, unregisterDataset, loadDataset, listDatasets, datasetNames, type DatasetListing } from './registry.js';
export { BUILTIN_DATASETS, type DatasetEntry, type DatasetLocation, type BuiltinDatasetOptions, type Cifar10LoadOptions } from './builtin-datasets.js';
export { assertFitsModel } from './assert-fits.js';
export { stratifiedSplit, type StratifiedSplitOptions } from './split.js';
export { toRgbVariant, type RgbVariantOptions } from './rgb-variant.js';
