import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy of int labels on logits (one fused op; every model is read through its logits).
 *
 * @example
 * const loss = tf.tidy(() => crossEntropy(logitsModel(model).apply(xs, false), ys, 10));
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D, units: number): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, units), logits) as tf.Scalar);
}

/** Added to a logit outside a sample's softmax group: far below any logit, finite so that no NaN arises. */
const OUTSIDE = -1e9;

/**
 * Softmax groups as an additive table: row y holds 0 for the logits of y's group and a large negative value elsewhere,
 * so that `logits + table[y]` restricts the softmax (and the argmax) of a sample labelled y to its group. Rows of
 * labels in no group are 0 (the whole softmax). Groups must be disjoint (checked by the caller).
 *
 * @example
 * groupTable([[0, 1], [2, 3]], 4);   // row 0: [0, 0, -1e9, -1e9]
 */
export function groupTable(groups: ReadonlyArray<readonly number[]>, units: number): Float32Array {
  const t = new Float32Array(units * units);
  for (const g of groups) {
    for (const y of g) {
      t.fill(OUTSIDE, y * units, (y + 1) * units);
      for (const c of g) t[y * units + c] = 0;
    }
  }
  return t;
}

/**
 * The logits each sample's softmax reads: unchanged without groups, else restricted to its label's group (groupTable).
 *
 * @example
 * const z = groupedLogits(logits, ys, tf.tensor2d(groupTable(groups, 10), [10, 10]));
 */
export function groupedLogits(logits: tf.Tensor2D, labels: tf.Tensor1D, table: tf.Tensor2D | undefined): tf.Tensor2D {
  return table ? tf.add(logits, tf.gather(table, labels)) as tf.Tensor2D : logits;
}
