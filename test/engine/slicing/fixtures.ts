/** Hand-made ProfileStatsData for slicing tests (no model needed). */
import * as tf from '@tensorflow/tfjs';
import { fromArrays } from '../../../src/engine/data/from-arrays.js';
import type { Dataset } from '../../../src/engine/data/types.js';
import { Rng } from '../../../src/engine/rng.js';
import type { ProfileStatsData, SiteInfo } from '../../../src/engine/slicing/types.js';

export function site(name: string, neurons: number, kind: SiteInfo['kind'] = 'dense'): SiteInfo {
  return { name, kind, neurons, readLayer: name, followers: [] };
}

/** Stats where every raw metric equals `table[site]` (rows = classes) and global = the column means. */
export function statsFrom(sites: SiteInfo[], tables: Record<string, number[][]>): ProfileStatsData {
  const numClasses = tables[sites[0]!.name]!.length;
  const per: Record<string, Float32Array> = {};
  const glob: Record<string, Float32Array> = {};
  for (const s of sites) {
    const rows = tables[s.name]!;
    per[s.name] = Float32Array.from(rows.flat());
    glob[s.name] = Float32Array.from({ length: s.neurons }, (_, i) => rows.reduce((a, r) => a + r[i]!, 0) / rows.length);
  }
  return {
    sites,
    numClasses,
    counts: new Array(numClasses).fill(10),
    stats: { avg: per, var: per, taylor: per, deeplift: per },
    global: { avg: glob, var: glob, taylor: glob, deeplift: glob },
    options: { onlyCorrect: true, maxPerClass: null, batchSize: 32 },
  };
}

/**
 * A tiny fixed dataset of our own (so these tests do not move when the synthetic generator changes): per class a
 * seeded on/off prototype of 6x6x1 pixels plus seeded noise; samples cycle through the classes.
 */
export function prototypeData(opts: { classes: number; perClass: number; seed: number; split?: string }): Dataset {
  const size = 36;
  const protoRng = new Rng(opts.seed);
  const protos = Array.from({ length: opts.classes }, () => Float32Array.from({ length: size }, () => (protoRng.next() < 0.4 ? 0.9 : 0.1)));
  const rng = new Rng(opts.seed + (opts.split === 'test' ? 1000 : 0) + 1);
  const n = opts.classes * opts.perClass;
  const images = new Float32Array(n * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % opts.classes;
    labels[i] = c;
    for (let j = 0; j < size; j++) images[i * size + j] = Math.min(1, Math.max(0, protos[c]![j]! + 0.15 * rng.normal()));
  }
  return fromArrays({ name: 'prototypes', split: opts.split ?? 'train', images, labels, sampleShape: [6, 6, 1], classNames: protos.map((_, c) => `class${c}`) });
}

/** Compile and fit a tiny model deterministically (Adam 0.02, no shuffling, batch 12) on all of a dataset. */
export async function fitDeterministic(m: tf.LayersModel, ds: Dataset, epochs = 15): Promise<tf.LayersModel> {
  m.compile({ optimizer: tf.train.adam(0.02), loss: 'sparseCategoricalCrossentropy' });
  const { images, labels } = ds.gather(Int32Array.from({ length: ds.size }, (_, i) => i));
  const xs = tf.tensor4d(images, [ds.size, ...ds.sampleShape]);
  const ys = tf.tensor1d(Float32Array.from(labels));
  await m.fit(xs, ys, { epochs, batchSize: 12, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  return m;
}
