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
