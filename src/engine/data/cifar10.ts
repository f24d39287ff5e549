import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail } from '../messages/index.js';
import { ImageDataset } from './image-dataset.js';
import type { DatasetSplits } from './types.js';

export const CIFAR10_CLASS_NAMES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);
export const CIFAR10_TRAIN_FILES: readonly string[] = Object.freeze([1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`));
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** The subfolder the official archive (cifar-10-binary.tar.gz) unpacks into. */
export const CIFAR10_SUBDIR = 'cifar-10-batches-bin';
const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** Options of cifar10(). */
export interface Cifar10Options {
  /** Read only the first `limit` samples of each split. Default: all (50,000 + 10,000). */
  limit?: number;
}

/**
 * The folder holding the six CIFAR-10 binary batches (dir itself or its cifar-10-batches-bin), or undefined.
 *
 * @example
 * findCifar10Dir('/data'); // '/data/cifar-10-batches-bin'
 */
export function findCifar10Dir(dir: string): string | undefined {
  for (const d of [resolve(dir), resolve(dir, CIFAR10_SUBDIR)]) {
    if ([...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].every((f) => existsSync(join(d, f)))) return d;
  }
  return undefined;
}

/**
 * CIFAR-10 from its binary version (data_batch_1..5.bin, test_batch.bin: per record 1 label byte then 3072 bytes,
 * channel planes R, G, B), converted to HWC floats in [0, 1]. CIFAR-10 cannot be downloaded here: the user supplies
 * the folder.
 *
 * @example
 * const { train, test } = await cifar10('/data/cifar-10-batches-bin');
 */
export async function cifar10(dir: string, opts: Cifar10Options = {}): Promise<DatasetSplits> {
  const found = findCifar10Dir(dir);
  if (!found) {
    const missing = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].filter((f) => !existsSync(join(resolve(dir), f)));
    throw fail('DATA_NOT_FOUND', { case: 'cifar-missing', dir: resolve(dir), missing, subdir: CIFAR10_SUBDIR });
  }
  const limit = opts.limit ?? Infinity;
  const train = readBatches(CIFAR10_TRAIN_FILES.map((f) => join(found, f)), limit);
  const test = readBatches([join(found, CIFAR10_TEST_FILE)], limit);
  const make = (split: string, d: { images: Uint8Array; labels: Uint8Array }): ImageDataset => new ImageDataset({
    name: 'cifar10', split, classNames: CIFAR10_CLASS_NAMES, sampleShape: [SIDE, SIDE, 3], finite: true, pixels: d.images, labels: d.labels,
  });
  return { name: 'cifar10', train: make('train', train), test: make('test', test), classNames: CIFAR10_CLASS_NAMES, source: found };
}

/**
 * Parse one CIFAR-10 binary batch: labels and HWC bytes. Throws CIFAR_BAD_SIZE when the length is not a whole
 * number of 3073-byte records, LABEL_OUT_OF_RANGE for a label above 9.
 *
 * @example
 * const { labels, images } = parseCifar10Batch(readFileSync('test_batch.bin'), 'test_batch.bin');
 */
export function parseCifar10Batch(buf: Uint8Array, name: string, limit = Infinity): { images: Uint8Array; labels: Uint8Array } {
  if (buf.length % RECORD !== 0) {
    throw fail('CIFAR_BAD_SIZE', { file: name, bytes: buf.length, record: RECORD });
  }
  const n = Math.min(buf.length / RECORD, limit);
  const labels = new Uint8Array(n);
  const images = new Uint8Array(n * 3 * PLANE);
  for (let i = 0; i < n; i++) {
    const o = i * RECORD;
    labels[i] = buf[o]!;
    if (labels[i]! >= CIFAR10_CLASS_NAMES.length) {
      throw fail('LABEL_OUT_OF_RANGE', { case: 'record', file: name, record: i, label: labels[i]!, numClasses: CIFAR10_CLASS_NAMES.length });
    }
    const dst = i * 3 * PLANE;
    // CHW planes -> HWC: pixel p's channel c moves from c*1024+p to p*3+c.
    for (let p = 0; p < PLANE; p++) {
      images[dst + p * 3] = buf[o + 1 + p]!;
      images[dst + p * 3 + 1] = buf[o + 1 + PLANE + p]!;
      images[dst + p * 3 + 2] = buf[o + 1 + 2 * PLANE + p]!;
    }
  }
  return { images, labels };
}

function readBatches(paths: readonly string[], limit: number): { images: Uint8Array; labels: Uint8Array } {
  const parts: Array<{ images: Uint8Array; labels: Uint8Array }> = [];
  let total = 0;
  for (const p of paths) {
    if (total >= limit) break;
    const part = parseCifar10Batch(readFileSync(p), p, limit - total);
    parts.push(part);
    total += part.labels.length;
  }
  const images = new Uint8Array(total * 3 * PLANE);
  const labels = new Uint8Array(total);
  let k = 0;
  for (const part of parts) {
    images.set(part.images, k * 3 * PLANE);
    labels.set(part.labels, k);
    k += part.labels.length;
  }
  return { images, labels };
}
