import type * as tf from '@tensorflow/tfjs';
import { assertFitsModel } from '../data/assert-fits.js';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';

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
    throw new SemsliceError('EMPTY_DATA', `${what} (${data.name}/${data.split}) has no samples.`, 'Pass a dataset with at least one sample.');
  }
  let max = -1;
  for (const l of data.labels()) if (l > max) max = l;
  if (max >= units) {
    throw new SemsliceError('LABEL_OUT_OF_RANGE',
      `${what} has label ${max} but model "${model.name}" has ${units} output units (labels 0..${units - 1}).`,
      'Build the model with numClasses >= data.numClasses, or relabel the data (subsetClasses(classes, { relabel: true })).');
  }
}
