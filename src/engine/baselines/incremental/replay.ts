/**
 * Replay (docs/maintenance.md): a seeded random share of the earlier tasks' training data is mixed into the new
 * task's data. Avalanche concatenates a data minibatch and a memory minibatch; extend() keeps the number of
 * optimiser steps equal for every method and enlarges the batches in proportion instead (see extend.ts), which is
 * the same mix.
 */
import type { Dataset } from '../../data/types.js';
import { fromArrays } from '../../data/from-arrays.js';
import { fail } from '../../messages/index.js';

/**
 * A seeded random `fraction` (0, 1] of `old` (at least one sample).
 *
 * @example
 * const memory = replaySample(taskA, 0.1, 0);   // 10% of task A, the same samples for every method with seed 0
 */
export function replaySample(old: Dataset, fraction: number, seed: number): Dataset {
  if (!(fraction > 0 && fraction <= 1)) {
    throw fail('BAD_EXTEND_OPTIONS', { case: 'value', option: 'params.replay', open: 'low', value: fraction, range: [0, 1], example: 0.1 });
  }
  return old.shuffle(seed).take(Math.max(1, Math.round(fraction * old.size)));
}

/**
 * The new data followed by the replayed samples, as one dataset (pixels copied once; labels kept).
 *
 * @example
 * const mixed = concatData(taskB, replaySample(taskA, 0.1, 0));
 */
export function concatData(a: Dataset, b: Dataset): Dataset {
  if (a.sampleShape.join() !== b.sampleShape.join()) {
    throw fail('BAD_EXTEND_OPTIONS', { case: 'shapes', old: a.sampleShape, fresh: b.sampleShape });
  }
  const ga = a.gather(Int32Array.from({ length: a.size }, (_, i) => i));
  const gb = b.gather(Int32Array.from({ length: b.size }, (_, i) => i));
  const images = new Float32Array(ga.images.length + gb.images.length);
  images.set(ga.images, 0);
  images.set(gb.images, ga.images.length);
  const labels = new Int32Array(ga.labels.length + gb.labels.length);
  labels.set(ga.labels, 0);
  labels.set(gb.labels, ga.labels.length);
  const classNames = a.classNames.length >= b.classNames.length ? a.classNames : b.classNames;
  return fromArrays({ name: a.name, split: `${a.split}+replay`, images, labels, sampleShape: a.sampleShape, classNames });
}
