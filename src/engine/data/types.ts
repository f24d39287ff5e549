import type * as tf from '@tensorflow/tfjs';

/**
 * A labelled image dataset held in memory, NHWC float pixels in [0, 1].
 *
 * Views (subsetClasses, take, shuffle) share the underlying pixel buffer and hold only an index array, so
 * they cost O(n) integers, never a copy of the images. Batching gathers one batch at a time into a tensor.
 */
export interface Dataset {
  /** Dataset name, e.g. "mnist", "fashion-mnist", "synthetic". */
  readonly name: string;
  /** "train", "test" or a user-given split name. */
  readonly split: string;
  /** One name per class label 0..numClasses-1. */
  readonly classNames: readonly string[];
  readonly numClasses: number;
  /** Per-sample shape [height, width, channels]. */
  readonly sampleShape: readonly [number, number, number];
  /** Number of samples in this view. */
  readonly size: number;
  /** Label of the i-th sample of this view. */
  label(i: number): number;
  /** All labels of this view, in order (a new array). */
  labels(): Int32Array;
  /** Pixels of the i-th sample (a read-only view or copy of length prod(sampleShape)). */
  sample(i: number): Float32Array;
  /** Samples of these classes only. Labels are kept unless relabel is true (then 0..classes.length-1). */
  subsetClasses(classes: readonly number[], opts?: { relabel?: boolean }): Dataset;
  /** The first n samples (or fewer). */
  take(n: number): Dataset;
  /** Samples at these view positions. */
  select(positions: ArrayLike<number>): Dataset;
  /** A seeded permutation of this view. */
  shuffle(seed: number): Dataset;
  /** At most n samples per class, first ones in view order. */
  perClassCap(n: number): Dataset;
  /** Count of samples per class label. */
  classCounts(): number[];
  /**
   * Batches of this view in order. Each batch's tensors belong to the caller (dispose them, or run inside tf.tidy).
   * xs: [b, h, w, c] float32, ys: [b] int32 labels.
   */
  batches(batchSize: number): Iterable<Batch>;
  /** Gather the given positions into a host buffer (for workers and custom loops). */
  gather(positions: ArrayLike<number>): { images: Float32Array; labels: Int32Array };
  /** Stable content hash of this view (pixels, labels, order). */
  fingerprint(): string;
}

export interface Batch {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
  /** View positions of the samples in this batch. */
  positions: Int32Array;
}

/** A dataset with its standard splits. */
export interface DatasetSplits {
  name: string;
  train: Dataset;
  test: Dataset;
  classNames: readonly string[];
  /** Where the data was read from (a folder, a package), for reports. */
  source: string;
}
