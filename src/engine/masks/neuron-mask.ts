/**
 * Neuron masks: per site, one 0/1 value per neuron. The executor multiplies a mask into the site's read value, which
 * zeroes a neuron for every sample even when BatchNormalization follows its layer.
 */
import type * as tf from '@tensorflow/tfjs';
import { fail, unknownNameError } from '../messages/index.js';
import { siteReads } from '../graph/index.js';

export type NeuronMask = Record<string, Float32Array>;

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
      throw unknownNameError('UNKNOWN_SITE', `site of model "${model.name}"`, name, siteReads(model).map((r) => r.site.name));
    }
    const m = new Float32Array(site.neurons);
    for (const i of idx) {
      if (!Number.isInteger(i) || i < 0 || i >= site.neurons) {
        throw fail('BAD_MASK', { case: 'neuron', site: name, index: i, neurons: site.neurons });
      }
      m[i] = 1;
    }
    out[name] = m;
  }
  return out;
}
