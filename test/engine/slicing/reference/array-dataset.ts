/**
 * A minimal in-memory Dataset over host arrays, for slicing tests (independent of src/engine/data so these tests
 * exercise only the slicing code).
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, Dataset } from '../../../../src/engine/data/types.js';
import { Rng } from '../../../../src/engine/rng.js';

export function arrayDataset(images: Float32Array, labels: Int32Array, shape: [number, number, number], numClasses: number,
  positions?: Int32Array): Dataset {
  const per = shape[0] * shape[1] * shape[2];
  const idx = positions ?? Int32Array.from({ length: labels.length }, (_, i) => i);
  const view = (p: ArrayLike<number>): Dataset => arrayDataset(images, labels, shape, numClasses, Int32Array.from(p));
  const ds: Dataset = {
    name: 'array', split: 'test',
    classNames: Array.from({ length: numClasses }, (_, i) => `c${i}`),
    numClasses, sampleShape: shape, size: idx.length,
    label: (i) => labels[idx[i]!]!,
    labels: () => Int32Array.from(idx, (j) => labels[j]!),
    sample: (i) => images.subarray(idx[i]! * per, (idx[i]! + 1) * per),
    subsetClasses: (cls) => view(Array.from(idx.keys()).filter((i) => cls.includes(labels[idx[i]!]!)).map((i) => idx[i]!)),
    take: (n) => view(idx.subarray(0, n)),
    select: (p) => view(Array.from(p, (i) => idx[i]!)),
    shuffle: (seed) => { const a = Array.from(idx); new Rng(seed).shuffle(a); return view(a); },
    perClassCap: (n) => {
      const seen = new Array<number>(numClasses).fill(0);
      return view(Array.from(idx).filter((j) => seen[labels[j]!]!++ < n));
    },
    classCounts: () => { const c = new Array<number>(numClasses).fill(0); for (const j of idx) c[labels[j]!]!++; return c; },
    *batches(b: number): Iterable<Batch> {
      for (let s = 0; s < idx.length; s += b) {
        const pos = Int32Array.from({ length: Math.min(b, idx.length - s) }, (_, k) => s + k);
        const g = ds.gather(pos);
        yield { xs: tf.tensor4d(g.images, [pos.length, ...shape]), ys: tf.tensor1d(g.labels, 'int32'), positions: pos };
      }
    },
    gather: (p) => {
      const out = new Float32Array(p.length * per);
      const lab = new Int32Array(p.length);
      for (let k = 0; k < p.length; k++) {
        const j = idx[p[k]!]!;
        out.set(images.subarray(j * per, (j + 1) * per), k * per);
        lab[k] = labels[j]!;
      }
      return { images: out, labels: lab };
    },
    fingerprint: () => 'array',
  };
  return ds;
}

/** Seeded random images in [0, 1] (some exact zeros and repeated values, so max-pool ties and dead windows occur). */
export function randomDataset(n: number, shape: [number, number, number], numClasses: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const per = shape[0] * shape[1] * shape[2];
  const images = new Float32Array(n * per);
  for (let i = 0; i < images.length; i++) {
    const u = rng.next();
    images[i] = u < 0.3 ? 0 : u < 0.4 ? 0.5 : rng.next();
  }
  const labels = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  return arrayDataset(images, labels, shape, numClasses);
}
