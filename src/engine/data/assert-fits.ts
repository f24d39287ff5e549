import { fail } from '../messages/index.js';
import type { Dataset } from './types.js';

/**
 * Check that a dataset's samples fit a model's input: inputShape is the model's (e.g. model.inputs[0].shape,
 * [null, 28, 28, 1]); a leading batch dimension (null, or the first of 4 entries) is dropped, and null matches anything.
 * Throws DATA_SHAPE_MISMATCH naming both shapes.
 *
 * @example
 * assertFitsModel(data.test, model.inputs[0]!.shape); // ok for [null, 28, 28, 1] and 28x28x1 data
 */
export function assertFitsModel(dataset: Pick<Dataset, 'sampleShape' | 'name'>, inputShape: readonly (number | null)[]): void {
  // Keras shapes lead with the batch dimension (null); a bare [h, w, c] is accepted too.
  const want = inputShape[0] === null || inputShape.length === 4 ? inputShape.slice(1) : inputShape;
  const have = dataset.sampleShape;
  const fits = want.length === have.length && want.every((d, i) => d === null || d === have[i]);
  if (fits) return;
  throw fail('DATA_SHAPE_MISMATCH', { dataset: dataset.name, have, want: inputShape });
}
