/**
 * A tiny in-memory Dataset for training tests: one seeded prototype image per class plus noise, so small models
 * learn it in a few epochs. Implements the Dataset interface directly (no dependency on src/engine/data).
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, Dataset } from '../../../src/engine/data/types.js';
import { Rng } from '../../../src/engine/rng.js';
import { fingerprint } from '../../../src/engine/fingerprint.js';

class TinyDataset implements Dataset {
  readonly name = 'tiny';
  readonly split: string;
  readonly classNames: readonly string[];
  readonly numClasses: number;
  constructor(private readonly pixels: Float32Array, private readonly lab: Int32Array, private readonly index: Int32Array,
    readonly sampleShape: readonly [number, number, number], numClasses: number, split: string) {
    this.numClasses = numClasses;
    this.classNames = Array.from({ length: numClasses }, (_, i) => String(i));
    this.split = split;
  }
  private get per(): number { return this.sampleShape[0] * this.sampleShape[1] * this.sampleShape[2]; }
  private view(index: Int32Array): TinyDataset {
    return new TinyDataset(this.pixels, this.lab, index, this.sampleShape, this.numClasses, this.split);
  }
  get size(): number { return this.index.length; }
  label(i: number): number { return this.lab[this.index[i]!]!; }
  labels(): Int32Array { return Int32Array.from(this.index, (b) => this.lab[b]!); }
  sample(i: number): Float32Array { const b = this.index[i]!; return this.pixels.subarray(b * this.per, (b + 1) * this.per); }
  subsetClasses(classes: readonly number[]): Dataset { return this.view(this.index.filter((b) => classes.includes(this.lab[b]!))); }
  take(n: number): Dataset { return this.view(this.index.slice(0, n)); }
  select(p: ArrayLike<number>): Dataset { return this.view(Int32Array.from(Array.from(p), (i) => this.index[i]!)); }
  shuffle(seed: number): Dataset { return this.view(new Rng(seed).shuffle(this.index.slice())); }
  perClassCap(n: number): Dataset {
    const seen = new Array<number>(this.numClasses).fill(0);
    return this.view(this.index.filter((b) => seen[this.lab[b]!]!++ < n));
  }
  classCounts(): number[] { const c = new Array<number>(this.numClasses).fill(0); for (const b of this.index) c[this.lab[b]!]!++; return c; }
  gather(positions: ArrayLike<number>): { images: Float32Array; labels: Int32Array } {
    const images = new Float32Array(positions.length * this.per);
    const labels = new Int32Array(positions.length);
    for (let i = 0; i < positions.length; i++) { images.set(this.sample(positions[i]!), i * this.per); labels[i] = this.label(positions[i]!); }
    return { images, labels };
  }
  *batches(batchSize: number): Iterable<Batch> {
    for (let s = 0; s < this.size; s += batchSize) {
      const positions = Int32Array.from({ length: Math.min(batchSize, this.size - s) }, (_, i) => s + i);
      const { images, labels } = this.gather(positions);
      yield { xs: tf.tensor4d(images, [positions.length, ...this.sampleShape]), ys: tf.tensor1d(labels, 'int32'), positions };
    }
  }
  fingerprint(): string { return fingerprint(this.index, this.lab); }
}

/** n samples of shape [h, w, c] in numClasses classes, labels round-robin, seeded. */
export function tinyData(opts: { n: number; shape: [number, number, number]; numClasses: number; seed?: number; noise?: number; split?: string }): Dataset {
  const rng = new Rng(opts.seed ?? 1);
  const per = opts.shape[0] * opts.shape[1] * opts.shape[2];
  const protos = Array.from({ length: opts.numClasses }, () => Float32Array.from({ length: per }, () => (rng.next() < 0.3 ? 1 : 0)));
  const pixels = new Float32Array(opts.n * per);
  const labels = new Int32Array(opts.n);
  for (let i = 0; i < opts.n; i++) {
    labels[i] = i % opts.numClasses;
    const p = protos[labels[i]!]!;
    for (let j = 0; j < per; j++) pixels[i * per + j] = Math.min(1, Math.max(0, p[j]! + (opts.noise ?? 0.3) * rng.normal()));
  }
  return new TinyDataset(pixels, labels, Int32Array.from({ length: opts.n }, (_, i) => i), opts.shape, opts.numClasses, opts.split ?? 'train');
}
