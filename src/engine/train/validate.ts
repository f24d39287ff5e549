import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';

/**
 * Check that a dataset fits a model: same per-sample shape, every label below the model's output units, not
 * empty. Each failure is a SemsliceError naming both values.
 */
export function checkDataFits(model: tf.LayersModel, units: number, data: Dataset, what: string): void {
  const expected = model.inputs[0]!.shape.slice(1);
  const got = [...data.sampleShape];
  const fits = expected.length === got.length && expected.every((d, i) => d === null || d === got[i]);
  if (!fits) {
    throw new SemsliceError('DATA_SHAPE_MISMATCH',
      `${what} samples are [${got.join(', ')}] but model "${model.name}" expects [${expected.map((d) => d ?? '?').join(', ')}].`,
      'Build the model with inputShape: data.sampleShape, or use data of the shape it was trained on.');
  }
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
