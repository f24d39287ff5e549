/**
 * Which weight entries a maintenance method may change, as 0/1 masks per weight (1 = may change), derived from neuron
 * masks through the layer graph (weight-masks.ts). Mechanisms only: which neurons are chosen is the methods' business
 * (engine/maintenance), as pruners' criteria are kept apart from the masks that apply them.
 *
 * Decisions (D):
 * - Tuning a set of neurons (`neuronTrainMasks`): besides the incoming kernel columns, bias and BatchNormalization
 *   parameters (and moving statistics) of the chosen neurons, the classifier's kernel rows that read a chosen neuron
 *   train too, and so does its bias (the classifier's units are the classes themselves); rows that read an unchosen
 *   neuron stay frozen. Everything else is frozen bit-identically.
 * - Keeping old tasks (`oldTaskFreezeMasks`, HAT's rule at neuron level): a weight is frozen when both its ends are
 *   old-critical (model inputs count as critical), so are biases, BatchNormalization parameters and moving statistics
 *   of old-critical neurons, and the classifier rows of the old classes restricted to old-critical inputs (their bias
 *   entries too). The new classes' classifier rows train whole.
 */
import type * as tf from '@tensorflow/tfjs';
import { siteReads } from '../graph/index.js';
import { Rng } from '../rng.js';
import type { NeuronMask } from './neuron-mask.js';
import { weightMasksFor, type EndInfo } from './weight-masks.js';

/** 0/1 per weight entry by weight name (originalName), row-major. */
export type TrainMasks = Record<string, Float32Array>;

/**
 * Masks of every weight, all `value`.
 *
 * @example
 * const frozen = constantMasks(model, 0);   // nothing may change
 */
export function constantMasks(model: tf.LayersModel, value: 0 | 1): TrainMasks {
  const out: TrainMasks = {};
  for (const w of model.weights) out[w.originalName] = new Float32Array(w.shape.reduce<number>((a, d) => a * (d ?? 1), 1)).fill(value);
  return out;
}

/**
 * The chosen neurons' own weights plus the classifier rows reading them and the classifier bias (file comment).
 *
 * @example
 * const masks = neuronTrainMasks(model, slice.mask());   // ours in re-adaptation
 */
export function neuronTrainMasks(model: tf.LayersModel, neuronMask: NeuronMask): TrainMasks {
  return weightMasksFor(model, neuronMask, (out: EndInfo, inp: EndInfo | undefined) => {
    if (out.origins.some((o) => o.kind === 'site')) return out.critical;
    // A weight layer that is not a site: the classifier (its output units are logits).
    if (out.origins.every((o) => o.kind === 'layer')) return inp === undefined || inp.critical;
    return false;
  });
}

/**
 * 0/1 per weight entry, 1 = may change, 0 = read by the old tasks' inference and frozen (file comment).
 *
 * @example
 * const masks = oldTaskFreezeMasks(model, sliceA.mask(), [0, 1, 2, 3, 4]);
 * await train(model, taskB, { gradientMasks: masks });   // task A's inference reads nothing that changed
 */
export function oldTaskFreezeMasks(model: tf.LayersModel, neuronMask: NeuronMask, oldClasses: readonly number[]): TrainMasks {
  const old = new Set(oldClasses);
  const frozen = weightMasksFor(model, neuronMask, (out: EndInfo, inp: EndInfo | undefined) => {
    if (out.origins.every((o) => o.kind === 'layer')) {
      const readsOld = out.origins.some((o) => o.kind === 'layer' && old.has(o.neuron));
      return readsOld && (inp === undefined || inp.critical);
    }
    return out.critical && (inp === undefined || inp.critical);
  });
  for (const m of Object.values(frozen)) for (let i = 0; i < m.length; i++) m[i] = 1 - m[i]!;
  return frozen;
}

/**
 * As many neurons per site as `mask` keeps, chosen at random (seeded); a site `mask` does not name is kept whole.
 * The ablation of every slice-driven method: is the slice better than chance?
 *
 * @example
 * const chance = randomNeuronsLike(model, slice.mask(), 0);
 */
export function randomNeuronsLike(model: tf.LayersModel, mask: NeuronMask, seed: number): NeuronMask {
  const rng = new Rng(seed);
  const out: NeuronMask = {};
  for (const r of siteReads(model)) {
    const m = mask[r.site.name];
    const n = r.site.neurons;
    const kept = m ? m.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0) : n;
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const x = new Float32Array(n);
    for (let i = 0; i < kept; i++) x[order[i]!] = 1;
    out[r.site.name] = x;
  }
  return out;
}

/**
 * As many neurons per site as `mask` keeps, keeping those with the highest `activity` (per site, one value per
 * neuron: e.g. the mean absolute activation over all data); dead and least active neurons go first, ties broken by
 * index. The "drops idle neurons" baseline that separates semantic slicing from removing what never fires.
 *
 * @example
 * const lowActivity = mostActiveLike(model, slice.mask(), meanActivation);
 */
export function mostActiveLike(model: tf.LayersModel, mask: NeuronMask, activity: Record<string, ArrayLike<number>>): NeuronMask {
  const out: NeuronMask = {};
  for (const r of siteReads(model)) {
    const n = r.site.neurons;
    const m = mask[r.site.name];
    const kept = m ? m.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0) : n;
    const a = activity[r.site.name];
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (a ? Number(a[j]) - Number(a[i]) : 0) || i - j);
    const x = new Float32Array(n);
    for (let i = 0; i < kept; i++) x[order[i]!] = 1;
    out[r.site.name] = x;
  }
  return out;
}
