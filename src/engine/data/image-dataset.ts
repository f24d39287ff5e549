import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { fingerprint } from '../fingerprint.js';
import { Rng } from '../rng.js';
import type { Batch, Dataset } from './types.js';
import { checkClassList, checkCount, checkFinite, checkLabels, checkPixelCount, checkSampleShape } from './checks.js';

/**
 * What a dataset is built from: one shared NHWC pixel buffer and one label per sample. Pixels are floats in [0, 1],
 * or bytes (a Uint8Array, value / 255), which a quarter of the memory holds: MNIST's 60,000 training images take
 * 47 MB as bytes against 188 MB as floats. Either way samples and batches come out as floats.
 */
export interface ImageDatasetInit {
  name: string;
  split: string;
  classNames: readonly string[];
  sampleShape: readonly [number, number, number];
  /** n * h * w * c values, NHWC, sample after sample: floats, or bytes read as value / 255. Kept by reference. */
  pixels: Float32Array | Uint8Array;
  /** n labels in [0, classNames.length). */
  labels: ArrayLike<number>;
  /** True when the pixels are known finite (made from bytes): skips the NaN scan. Default false. */
  finite?: boolean;
}

/** @internal The validated, shared part of every view: never mutated after construction. */
export interface DatasetStore {
  readonly name: string;
  readonly split: string;
  readonly sampleShape: readonly [number, number, number];
  readonly sampleSize: number;
  readonly pixels: Float32Array | Uint8Array;
  readonly labels: Int32Array;
  /** classNames.length of the dataset as built (label values of `labels` are below it). */
  readonly numBaseClasses: number;
}

/** @internal What makes one view differ from another over the same store. */
export interface DatasetViewState {
  index: Int32Array;
  /** base label -> view label (-1: not in view); null = identity. Set by subsetClasses({ relabel: true }). */
  labelMap: Int32Array | null;
  classNames: readonly string[];
}

/** Samples hashed per chunk, so fingerprinting a shuffled 60k view never copies the whole pixel buffer. */
const FINGERPRINT_CHUNK = 4096;

/**
 * The in-memory Dataset: one shared Float32Array of pixels plus an Int32Array index per view. subsetClasses, take,
 * select, shuffle and perClassCap return views (O(n) integers, no pixel copy); batches() gathers one batch at a
 * time into tensors the caller owns.
 *
 * Construction validates once: pixel count = n*h*w*c, labels in range (LABEL_OUT_OF_RANGE), no NaN (DATA_NAN).
 *
 * @example
 * const ds = new ImageDataset({ name: 'toy', split: 'train', classNames: ['a', 'b'], sampleShape: [2, 2, 1],
 *   pixels: new Float32Array(8), labels: [0, 1] });
 * for (const { xs, ys } of ds.shuffle(1).batches(32)) { ...; xs.dispose(); ys.dispose(); }
 */
export class ImageDataset implements Dataset {
  private readonly store: DatasetStore;
  private readonly view: DatasetViewState;
  private cachedFingerprint: string | undefined;

  constructor(init: ImageDatasetInit);
  /** @internal views share a validated store */
  constructor(init: DatasetStore, view: DatasetViewState);
  constructor(init: ImageDatasetInit | DatasetStore, view?: DatasetViewState) {
    if (view) {
      this.store = init as DatasetStore;
      this.view = view;
      return;
    }
    const what = `dataset "${init.name}" (${init.split})`;
    const classNames = [...(init as ImageDatasetInit).classNames];
    if (classNames.length === 0) {
      throw fail('DATA_NO_CLASSES', { where: what });
    }
    const sampleShape = checkSampleShape(init.sampleShape, what);
    const sampleSize = sampleShape[0] * sampleShape[1] * sampleShape[2];
    checkPixelCount(init.pixels.length, init.labels.length, sampleShape, what);
    const labels = checkLabels(init.labels, classNames.length, what);
    if (!(init as ImageDatasetInit).finite && init.pixels instanceof Float32Array) checkFinite(init.pixels, sampleSize, what);
    this.store = { name: init.name, split: init.split, sampleShape, sampleSize, pixels: init.pixels, labels, numBaseClasses: classNames.length };
    this.view = { index: identity(labels.length), labelMap: null, classNames };
  }

  get name(): string { return this.store.name; }
  get split(): string { return this.store.split; }
  get classNames(): readonly string[] { return this.view.classNames; }
  get numClasses(): number { return this.view.classNames.length; }
  get sampleShape(): readonly [number, number, number] { return this.store.sampleShape; }
  /** Values per sample, h * w * c. */
  get sampleSize(): number { return this.store.sampleSize; }
  get size(): number { return this.view.index.length; }

  label(i: number): number {
    return this.labelOfBase(this.view.index[this.checkPosition(i)]!);
  }

  labels(): Int32Array {
    const { index } = this.view;
    const out = new Int32Array(index.length);
    for (let i = 0; i < index.length; i++) out[i] = this.labelOfBase(index[i]!);
    return out;
  }

  /** The i-th sample's pixels as floats: a read-only subarray of a float buffer (do not write into it), or a new
   * array for a byte-backed dataset. */
  sample(i: number): Float32Array {
    const b = this.view.index[this.checkPosition(i)]!;
    const per = this.store.sampleSize;
    const part = this.store.pixels.subarray(b * per, (b + 1) * per);
    return part instanceof Float32Array ? part : toUnit(part, new Float32Array(per), 0);
  }

  subsetClasses(classes: readonly number[], opts: { relabel?: boolean } = {}): ImageDataset {
    checkClassList(classes, this.numClasses, 'subsetClasses');
    const wanted = new Int32Array(this.numClasses).fill(-1);
    classes.forEach((c, k) => { wanted[c] = k; });
    const keep = this.positionsWhere((label) => wanted[label]! >= 0);
    if (!opts.relabel) return this.derive(this.gatherIndex(keep));
    const labelMap = new Int32Array(this.store.numBaseClasses);
    for (let b = 0; b < labelMap.length; b++) {
      const v = this.view.labelMap ? this.view.labelMap[b]! : b;
      labelMap[b] = v >= 0 && v < wanted.length ? wanted[v]! : -1;
    }
    return this.derive(this.gatherIndex(keep), labelMap, classes.map((c) => this.view.classNames[c]!));
  }

  take(n: number): ImageDataset {
    checkCount(n, 'take');
    return this.derive(this.view.index.slice(0, Math.min(n, this.size)));
  }

  select(positions: ArrayLike<number>): ImageDataset {
    const pos = Int32Array.from(positions as ArrayLike<number>);
    for (let k = 0; k < pos.length; k++) {
      if (pos[k] !== positions[k]) this.checkPosition(positions[k]!); // non-integer input
      this.checkPosition(pos[k]!);
    }
    return this.derive(this.gatherIndex(pos));
  }

  shuffle(seed: number): ImageDataset {
    return this.derive(new Rng(seed).shuffle(this.view.index.slice()));
  }

  perClassCap(n: number): ImageDataset {
    checkCount(n, 'perClassCap');
    const seen = new Int32Array(this.numClasses);
    return this.derive(this.gatherIndex(this.positionsWhere((label) => seen[label]!++ < n)));
  }

  classCounts(): number[] {
    const counts = new Array<number>(this.numClasses).fill(0);
    for (const b of this.view.index) counts[this.labelOfBase(b)]!++;
    return counts;
  }

  batches(batchSize: number): Iterable<Batch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw fail('BAD_ARGUMENT', { where: 'batches', name: 'batchSize', value: batchSize, expected: 'a positive integer', example: 64, positional: true });
    }
    return this.batchIterator(batchSize);
  }

  gather(positions: ArrayLike<number>): { images: Float32Array; labels: Int32Array } {
    const per = this.store.sampleSize;
    const images = new Float32Array(positions.length * per);
    const labels = new Int32Array(positions.length);
    const { index } = this.view;
    for (let k = 0; k < positions.length; k++) {
      const b = index[this.checkPosition(positions[k]!)]!;
      const part = this.store.pixels.subarray(b * per, (b + 1) * per);
      if (part instanceof Float32Array) images.set(part, k * per);
      else toUnit(part, images, k * per);
      labels[k] = this.labelOfBase(b);
    }
    return { images, labels };
  }

  /**
   * sha256 (16 hex) over a header (shape, classes, size) and, per chunk of 4096 samples in view order, the hash of
   * that chunk's pixels and labels: the same content in the same order always gives the same value, and a shuffled
   * 60k view is hashed without copying its pixels whole. Cached per view.
   */
  fingerprint(): string {
    if (this.cachedFingerprint === undefined) {
      const parts: string[] = [`shape:${this.sampleShape.join('x')};classes:${this.numClasses};n:${this.size}`];
      for (let s = 0; s < this.size; s += FINGERPRINT_CHUNK) {
        const { images, labels } = this.gather(range(s, Math.min(this.size, s + FINGERPRINT_CHUNK)));
        parts.push(fingerprint(images, labels));
      }
      this.cachedFingerprint = fingerprint(...parts);
    }
    return this.cachedFingerprint;
  }

  toString(): string {
    return `Dataset ${this.name}/${this.split}: ${this.size} samples, [${this.sampleShape.join(', ')}], ${this.numClasses} classes`;
  }

  private *batchIterator(batchSize: number): Generator<Batch> {
    const [h, w, c] = this.sampleShape;
    for (let s = 0; s < this.size; s += batchSize) {
      const positions = range(s, Math.min(this.size, s + batchSize));
      const { images, labels } = this.gather(positions);
      yield { xs: tf.tensor4d(images, [positions.length, h, w, c]), ys: tf.tensor1d(labels, 'int32'), positions };
    }
  }

  private derive(index: Int32Array, labelMap = this.view.labelMap, classNames = this.view.classNames): ImageDataset {
    return new ImageDataset(this.store, { index, labelMap, classNames });
  }

  private labelOfBase(b: number): number {
    const l = this.store.labels[b]!;
    return this.view.labelMap ? this.view.labelMap[l]! : l;
  }

  /** View positions whose label passes the test, in view order. */
  private positionsWhere(test: (label: number) => boolean): Int32Array {
    const { index } = this.view;
    const out: number[] = [];
    for (let i = 0; i < index.length; i++) if (test(this.labelOfBase(index[i]!))) out.push(i);
    return Int32Array.from(out);
  }

  private gatherIndex(positions: Int32Array): Int32Array {
    const out = new Int32Array(positions.length);
    for (let k = 0; k < positions.length; k++) out[k] = this.view.index[positions[k]!]!;
    return out;
  }

  private checkPosition(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw fail('INDEX_OUT_OF_RANGE', { index: i, size: this.size, dataset: `${this.name}/${this.split}` });
    }
    return i;
  }
}

/** Bytes to [0, 1] floats into `out` at `offset`, the same division as bytesToUnit (so the same float values). */
function toUnit(bytes: Uint8Array, out: Float32Array, offset: number): Float32Array {
  for (let i = 0; i < bytes.length; i++) out[offset + i] = bytes[i]! / 255;
  return out;
}

function identity(n: number): Int32Array {
  return range(0, n);
}

function range(start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
