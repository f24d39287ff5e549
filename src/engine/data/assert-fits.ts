import { SemsliceError } from '../errors.js';
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
  const show = (s: readonly (number | null)[]): string => `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
  const known = want.every((d) => d !== null) ? (want as number[]).reduce((a, b) => a * b, 1) : undefined;
  const perSample = have[0] * have[1] * have[2];
  throw new SemsliceError('DATA_SHAPE_MISMATCH',
    `Dataset ${dataset.name} has samples of shape ${show(have)} but the model expects input ${show(inputShape)}.`,
    known === perSample
      ? `Same number of values (${perSample}) in another layout: reshape the data, or give the model a ${show([null, ...have])} input (e.g. a Flatten first layer).`
      : 'Use a dataset that matches the model (e.g. MNIST/Fashion-MNIST for 28x28x1, CIFAR-10 for 32x32x3), or a model built for this data.');
}
