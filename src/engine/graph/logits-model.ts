/** The model's logits as a callable (training and evaluation read them here). */
import * as tf from '@tensorflow/tfjs';
import { forward } from './executor.js';
import { logitsSource } from './logits.js';

/** A callable view of a model's logits, sharing its weights (never dispose it). */
export interface LogitsModel {
  /** Pre-softmax logits [batch, classes]; `training` runs Dropout and BatchNormalization in training mode. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor2D;
  /** Number of classes (logit units). */
  units: number;
}

const logitsCache = new WeakMap<tf.LayersModel, LogitsModel>();

/**
 * The model's logits as a callable, resolved by {@link logitsSource}: a model ending in a softmax layer is cut
 * before it (a stock tf.model sharing the layers); a model whose classifier has a fused softmax is run by the
 * executor without that activation; any other model's output is taken as the logits. Cached per model.
 *
 * @example
 * const z = logitsModel(model).apply(xs, false); // [batch, classes]
 */
export function logitsModel(model: tf.LayersModel): LogitsModel {
  const hit = logitsCache.get(model);
  if (hit) return hit;
  const src = logitsSource(model);
  const outShape = model.outputs[0]!.shape;
  const units = outShape[outShape.length - 1] ?? 0;
  let lm: LogitsModel;
  if (src.mode === 'output') {
    lm = { units, apply: (x, training) => model.apply(x, { training }) as tf.Tensor2D };
  } else if (src.mode === 'input') {
    const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer(src.layer).input as tf.SymbolicTensor });
    lm = { units, apply: (x, training) => cut.apply(x, { training }) as tf.Tensor2D };
  } else {
    lm = { units, apply: (x, training) => forward(model, x as tf.Tensor4D, { training }).logits };
  }
  logitsCache.set(model, lm);
  return lm;
}
