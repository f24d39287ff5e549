import * as tf from '@tensorflow/tfjs';

/** How to read a model's class scores: pre-softmax logits (preferred) or probabilities. */
export interface ModelHead {
  /** A model sharing the original's layers whose output is `kind`. */
  scores: tf.LayersModel;
  kind: 'logits' | 'probs';
  /** Output units (number of classes). */
  units: number;
}

const cache = new WeakMap<tf.LayersModel, ModelHead>();

function activationOf(layer: tf.layers.Layer): unknown {
  return (layer.getConfig() as { activation?: unknown }).activation;
}

/**
 * The logits view of a model. If it ends in a softmax Activation layer (every zoo model does), the scores model
 * stops just before it, so losses are computed from logits (stable, one fused op). A model whose last Dense has
 * a softmax activation yields probabilities; any other model's output is taken to be logits.
 * Built once per model and cached; it shares weights with the model, so never dispose it.
 *
 * @example
 * const { scores, kind } = modelHead(model); // kind === 'logits' for zoo models
 */
export function modelHead(model: tf.LayersModel): ModelHead {
  const hit = cache.get(model);
  if (hit) return hit;
  const last = model.layers[model.layers.length - 1]!;
  const outShape = model.outputs[0]!.shape;
  const units = outShape[outShape.length - 1] ?? 0;
  let head: ModelHead;
  if (last.getClassName() === 'Activation' && activationOf(last) === 'softmax' && model.outputs.length === 1) {
    const logits = last.input as tf.SymbolicTensor;
    head = { scores: tf.model({ inputs: model.inputs, outputs: logits }), kind: 'logits', units };
  } else {
    head = { scores: model, kind: activationOf(last) === 'softmax' ? 'probs' : 'logits', units };
  }
  cache.set(model, head);
  return head;
}

/**
 * Mean cross-entropy of int labels under the head's scores (fused softmax-CE for logits).
 *
 * @example
 * const { scores, kind, units } = modelHead(model);
 * const loss = tf.tidy(() => crossEntropy(kind, scores.apply(xs) as tf.Tensor, ys, units));
 */
export function crossEntropy(kind: ModelHead['kind'], scores: tf.Tensor, labels: tf.Tensor1D, units: number): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, units);
    if (kind === 'logits') return tf.losses.softmaxCrossEntropy(oneHot, scores) as tf.Scalar;
    const p = tf.sum(tf.mul(scores, oneHot), 1);
    return tf.neg(tf.mean(tf.log(tf.clipByValue(p, 1e-7, 1)))) as tf.Scalar;
  });
}
