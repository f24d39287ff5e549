/**
 * Applying a neuron mask: the masked model multiplies each site's read value by the 0/1 mask (via the executor's
 * forward()), which zeroes a neuron for every sample even when BatchNormalization follows its layer.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { forward, predictMasked } from '../graph/executor.js';
import { siteReads } from '../graph/index.js';

export type NeuronMask = Record<string, Float32Array>;

/** A model seen through a mask. */
export interface MaskedModel {
  readonly model: tf.LayersModel;
  readonly mask: NeuronMask;
  /** Pre-softmax logits of the masked model; the tensor belongs to the caller. */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** Accuracy of the masked model on a dataset. */
  evaluate(data: Dataset, opts?: { batchSize?: number }): { accuracy: number; perClass: number[] };
}

/**
 * A mask from neuron indices to keep per site (sites not named are fully kept).
 *
 * @example
 * maskFromNeurons(model, { fc1: [0, 3] }); // { fc1: Float32Array [1, 0, 0, 1, 0, ...] }
 */
export function maskFromNeurons(model: tf.LayersModel, keep: Record<string, readonly number[]>): NeuronMask {
  const out: NeuronMask = {};
  for (const [name, idx] of Object.entries(keep)) {
    const site = siteReads(model).find((r) => r.site.name === name)?.site;
    if (!site) {
      throw new SemsliceError('UNKNOWN_SITE', `Model "${model.name}" has no site "${name}".`, `Sites: ${siteReads(model).map((r) => r.site.name).join(', ')}.`);
    }
    const m = new Float32Array(site.neurons);
    for (const i of idx) {
      if (!Number.isInteger(i) || i < 0 || i >= site.neurons) {
        throw new SemsliceError('BAD_MASK', `Neuron ${i} is out of range for site "${name}" (${site.neurons} neurons).`, `Use indices 0..${site.neurons - 1}.`);
      }
      m[i] = 1;
    }
    out[name] = m;
  }
  return out;
}

/**
 * The masked model as a handle (nothing is copied; the model's weights are untouched).
 *
 * @example
 * const masked = applyMask(model, slice.mask());
 * const z = masked.predict(x); z.dispose();
 * masked.evaluate(data.test).accuracy;
 */
export function applyMask(model: tf.LayersModel, mask: NeuronMask): MaskedModel {
  const frozen: NeuronMask = Object.fromEntries(Object.entries(mask).map(([k, v]) => [k, Float32Array.from(v)]));
  return {
    model,
    mask: frozen,
    predict: (x) => forward(model, x, { masks: frozen }).logits,
    evaluate: (data, opts = {}) => evaluateMasked(model, data, frozen, opts),
  };
}

/**
 * Accuracy (overall and per class label) of the masked model on a dataset, batch by batch.
 *
 * @example
 * const { accuracy, perClass } = evaluateMasked(model, data.test, slice.mask(), { batchSize: 256 });
 */
export function evaluateMasked(model: tf.LayersModel, data: Dataset, mask: NeuronMask, opts: { batchSize?: number } = {}): { accuracy: number; perClass: number[] } {
  const r = predictMasked(model, data, mask, opts.batchSize ?? 256);
  return { accuracy: r.accuracy, perClass: r.perClass };
}
