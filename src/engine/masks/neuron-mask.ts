/**
 * Neuron masks: per site, one 0/1 value per neuron. The executor multiplies a mask into the site's read value, which
 * zeroes a neuron for every sample even when BatchNormalization follows its layer.
 */
import type * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';
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
