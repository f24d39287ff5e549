/** Parameter counts of a model, the one definition every strategy and study uses. */
import type * as tf from '@tensorflow/tfjs';

/** Entries of a weight (its shape's product). */
export function weightSize(w: { shape: ReadonlyArray<number | null> }): number {
  return w.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
}

/**
 * Parameters of a model: every weight (kernels, biases, BatchNormalization parameters and moving statistics), or
 * only the trainable ones.
 *
 * @example
 * countParams(model);               // what compression rates are measured against
 * countParams(model, 'trainable');  // what an optimiser could change
 */
export function countParams(model: tf.LayersModel, which: 'all' | 'trainable' = 'all'): number {
  return (which === 'all' ? model.weights : model.trainableWeights).reduce((a, w) => a + weightSize(w), 0);
}

/** Non-zero entries of a 0/1 mask. */
export function onesOf(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}
