import type * as tf from '@tensorflow/tfjs';
import { assertFitsModel } from '../data/assert-fits.js';
import type { Dataset } from '../data/types.js';
import { fail } from '../messages/index.js';

/**
 * Check that a dataset fits a model: same per-sample shape, every label below the model's output units, not
 * empty. Each failure is a SemsliceError naming both values.
 *
 * @example
 * checkDataFits(model, 10, data.test, 'test data'); // throws LABEL_OUT_OF_RANGE / DATA_SHAPE_MISMATCH / EMPTY_DATA
 */
export function checkDataFits(model: tf.LayersModel, units: number, data: Dataset, what: string): void {
  assertFitsModel(data, model.inputs[0]!.shape);
  if (data.size === 0) {
    throw fail('EMPTY_DATA', { data: `${data.name}/${data.split}`, role: what });
  }
  let max = -1;
  for (const l of data.labels()) if (l > max) max = l;
  if (max >= units) {
    throw fail('LABEL_OUT_OF_RANGE', { case: 'model', data: `${data.name}/${data.split}`, role: what, max, model: model.name, units });
  }
}
