/** A fresh copy of a model (same topology and weights; independent variables). */
import * as tf from '@tensorflow/tfjs';

/**
 * Copy a model through its JSON topology and its weights (the input is not touched; the caller owns the copy).
 *
 * @example
 * const m = await cloneModel(model); m.setWeights(...); // model unchanged
 */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = model.toJSON(null, false) as unknown as tf.io.ModelJSON['modelTopology'];
  const copy = await tf.models.modelFromJSON({ modelTopology: topology });
  const w = model.getWeights();
  copy.setWeights(w);
  return copy;
}
