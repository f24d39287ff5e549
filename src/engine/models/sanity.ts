/**
 * Checks that catch silently wrong runs before the long work: data of another dataset than the model was trained
 * on (the model's metadata records it), and a degenerate model that predicts one class for everything (an all-zero
 * or collapsed model, whose slice would claim a compression rate near 100% that means nothing).
 *
 * @example
 * const problem = dataMismatch(model, data);      // undefined, or a sentence naming both datasets
 * const d = await degenerateModel(model, data);        // undefined, or { predicted, checked } when one class for all
 * await allWeightsZero(model);                     // true for an all-zero model (degenerate on any data)
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { modelMetadata } from './io-load.js';
import { readTidy } from '../read-tidy.js';

/** A sentence when the model's recorded training dataset differs from data's, else undefined. */
export function dataMismatch(model: tf.LayersModel, data: Dataset): { trainedOn: string; given: string } | undefined {
  const trainedOn = modelMetadata(model)['data'];
  if (typeof trainedOn !== 'string' || trainedOn === '' || trainedOn === data.name) return undefined;
  return { trainedOn, given: data.name };
}

/**
 * Predict the first `samples` samples of data; when they hold at least two classes but the model predicts one class
 * for all of them, return that class and the count checked. Disposes every tensor it makes.
 */
export async function degenerateModel(model: tf.LayersModel, data: Dataset, samples = 512): Promise<{ predicted: number; checked: number } | undefined> {
  const view = data.take(samples);
  if (view.size < 2 || new Set(view.labels()).size < 2) return undefined;
  const seen = new Set<number>();
  for (const b of view.batches(256)) {
    try {
      const labels = await readTidy<Int32Array>(() => tf.argMax(model.predict(b.xs) as tf.Tensor, -1));
      for (const l of labels) seen.add(l);
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
    if (seen.size > 1) return undefined;
  }
  return seen.size === 1 ? { predicted: [...seen][0]!, checked: view.size } : undefined;
}

/**
 * True when every weight of the model is zero: it then predicts the same class for every input (the degenerate case
 * degenerateModel finds with data), which needs no data to see. Reads each weight once; makes no tensor.
 *
 * @example
 * if (await allWeightsZero(model)) console.warn('every weight is zero');
 */
export async function allWeightsZero(model: tf.LayersModel): Promise<boolean> {
  if (model.weights.length === 0) return false;
  for (const w of model.weights) {
    const v = await w.read().data();
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  }
  return true;
}
