import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../messages/index.js';
import { ImageDataset } from './image-dataset.js';
import { readIdx, readIdxHead, type IdxArray } from './idx.js';
import type { DatasetSplits } from './types.js';

/** The four MNIST-layout file stems (without ".gz"). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * The path of an IDX file in dir, raw or with ".gz"; undefined if neither exists.
 *
 * @example
 * findIdxFile('/usr/share/datasets/fashion-mnist', IDX_FILES.trainImages); // '.../train-images-idx3-ubyte.gz'
 */
export function findIdxFile(dir: string, stem: string): string | undefined {
  for (const name of [stem, `${stem}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * True when dir holds all four MNIST-layout files (raw or gzip).
 *
 * @example
 * hasIdxSet('/usr/share/datasets/fashion-mnist'); // true once dataset-fashion-mnist is installed
 */
export function hasIdxSet(dir: string): boolean {
  return Object.values(IDX_FILES).every((stem) => findIdxFile(dir, stem) !== undefined);
}

/** What loadIdxSplits needs to know. */
export interface IdxSplitsSpec {
  name: string;
  dir: string;
  classNames: readonly string[];
  source: string;
  /** Read only the first `limit` samples of each split. */
  limit?: number;
}

/**
 * Load an MNIST-layout folder (train/t10k images and labels, raw or gzip IDX) into train and test datasets.
 *
 * @example
 * const splits = loadIdxSplits({ name: 'mnist', dir, classNames: ['0', ...], source: dir, limit: 100 });
 */
export function loadIdxSplits(spec: IdxSplitsSpec): DatasetSplits {
  const split = (images: string, labels: string, splitName: string): ImageDataset =>
    idxPairToDataset(spec, read(spec, images), read(spec, labels), splitName);
  return {
    name: spec.name,
    train: split(IDX_FILES.trainImages, IDX_FILES.trainLabels, 'train'),
    test: split(IDX_FILES.testImages, IDX_FILES.testLabels, 'test'),
    classNames: spec.classNames,
    source: spec.source,
  };
}

function read(spec: IdxSplitsSpec, stem: string): { path: string; idx: IdxArray } {
  const path = findIdxFile(spec.dir, stem);
  if (!path) {
    throw fail('DATA_NOT_FOUND', { case: 'idx-file', dataset: spec.name, path: join(spec.dir, stem), files: Object.values(IDX_FILES) });
  }
  return { path, idx: spec.limit === undefined ? readIdx(path) : readIdxHead(path, spec.limit) };
}

function idxPairToDataset(spec: IdxSplitsSpec, images: { path: string; idx: IdxArray }, labels: { path: string; idx: IdxArray },
  split: string): ImageDataset {
  const [n, h, w] = images.idx.dims;
  if (images.idx.dims.length !== 3 || labels.idx.dims.length !== 1) {
    throw fail('IDX_BAD_DIMS', { dataset: spec.name, images: images.idx.dims, imagesFile: images.path, labels: labels.idx.dims, labelsFile: labels.path });
  }
  if (labels.idx.dims[0] !== n) {
    throw fail('IDX_COUNT_MISMATCH', { dataset: spec.name, imagesFile: images.path, images: n!, labelsFile: labels.path, labels: labels.idx.dims[0]! });
  }
  return new ImageDataset({
    name: spec.name,
    split,
    classNames: spec.classNames,
    sampleShape: [h!, w!, 1],
    finite: true, pixels: images.idx.data,
    labels: labels.idx.data,
  });
}
