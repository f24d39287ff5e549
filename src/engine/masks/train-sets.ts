/**
 * Which weights a re-adaptation trains: a registry of "train sets", each a 0/1 mask per weight entry (1 = may change).
 * It lives here, below both maintenance and baselines, so that `readapt()` can call a baseline's rule (DeepArc
 * registers `deeparc` from engine/baselines) without the two importing each other, as surgery's pre-step registry
 * does for restructuring.
 *
 * Built-ins (one decision shared by `critical` and `random`, D): the classifier's logits are the classes themselves,
 * so besides the incoming kernel columns, bias and BatchNorm parameters (and moving statistics) of the chosen
 * neurons, the classifier's kernel rows that read a chosen neuron train too, and so does its bias; rows that read
 * an unchosen neuron stay frozen. Everything else is frozen bit-identically.
 * - `critical` (ours): the slice's critical neurons.
 * - `random`: as many neurons per site as the slice keeps, chosen at random (seeded): is the slice better than chance?
 * - `full`: every weight.
 * - `last-layer`: the classifier (every weight layer that is not a site: its kernel and bias) only.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { siteReads } from '../graph/index.js';
import { Registry, type RegisterOptions } from '../registry.js';
import { Rng } from '../rng.js';
import type { NeuronMask } from './neuron-mask.js';
import { weightEnds, weightMasksFor, type EndInfo } from './weight-masks.js';

/** What a train-set rule is given. */
export interface TrainSetContext {
  /** The slice's neuron mask (site -> 0/1 per neuron), when there is a slice. */
  mask?: NeuronMask;
  /** The new samples (adversarial images, or the damaged model's training data). */
  fresh: Dataset;
  /** Clean counterparts of `fresh`, in the same order (adversarial sources), when there are any. */
  pairs?: Dataset;
  /** The model before the damage (a mutant's original), when there is one. */
  reference?: tf.LayersModel;
  seed: number;
  /** Rule-specific knobs (e.g. DeepArc's `topK`). */
  params?: Record<string, number | string | boolean>;
}

/** A rule's answer: a 0/1 mask for every weight (by originalName, row-major), and what it chose. */
export interface TrainSet {
  masks: Record<string, Float32Array>;
  /** Units chosen, for tables: neurons per site, blocks or layers. */
  chosen: Record<string, unknown>;
  note?: string;
}

/** A registered train-set rule. */
export interface TrainSetDef {
  name: string;
  description: string;
  needsSlice: boolean;
  select(model: tf.LayersModel, ctx: TrainSetContext): TrainSet | Promise<TrainSet>;
}

/** Masks of every weight, all `value`. */
export function constantMasks(model: tf.LayersModel, value: 0 | 1): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const w of model.weights) out[w.originalName] = new Float32Array(w.shape.reduce<number>((a, d) => a * (d ?? 1), 1)).fill(value);
  return out;
}

/** The neurons' own weights plus the classifier rows reading them and the classifier bias (see the file comment). */
export function neuronTrainMasks(model: tf.LayersModel, neuronMask: NeuronMask): Record<string, Float32Array> {
  return weightMasksFor(model, neuronMask, (out: EndInfo, inp: EndInfo | undefined) => {
    if (out.origins.some((o) => o.kind === 'site')) return out.critical;
    // A weight layer that is not a site: the classifier (its output units are logits).
    if (out.origins.every((o) => o.kind === 'layer')) return inp === undefined || inp.critical;
    return false;
  });
}

/** As many neurons per site as `mask` keeps, chosen at random (seeded). */
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

function neuronsChosen(mask: NeuronMask): Record<string, number> {
  return Object.fromEntries(Object.entries(mask).map(([k, v]) => [k, v.reduce((a, x) => a + (x !== 0 ? 1 : 0), 0)]));
}

function needMask(ctx: TrainSetContext, name: string): NeuronMask {
  if (!ctx.mask) throw new SemsliceError('NO_SLICE', `The re-adaptation method "${name}" needs a slice.`, 'Pass a slice (readapt(model, slice, ...)), or use method "full" or "last-layer".');
  return ctx.mask;
}

const registry = new Registry<TrainSetDef>({ kind: 're-adaptation method', codePrefix: 'READAPT_METHOD', namePattern: /^[a-z][a-z0-9-]*$/ });

registry.register({ name: 'full', description: 'full retraining: every weight', needsSlice: false, select: (m) => ({ masks: constantMasks(m, 1), chosen: { all: true } }) });
registry.register({
  name: 'last-layer', description: 'the classifier only', needsSlice: false,
  select: (m) => {
    const masks = constantMasks(m, 0);
    const layers = new Set<string>();
    for (const w of weightEnds(m)) {
      if (w.out && w.out.every((o) => o.every((x) => x.kind === 'layer'))) { masks[w.name]!.fill(1); layers.add(w.layer); }
    }
    return { masks, chosen: { layers: [...layers] } };
  },
});
registry.register({
  name: 'critical', description: "ours: the slice's critical neurons (incoming weights, bias, BN) and the classifier rows reading them", needsSlice: true,
  select: (m, ctx) => { const mask = needMask(ctx, 'critical'); return { masks: neuronTrainMasks(m, mask), chosen: { neurons: neuronsChosen(mask) } }; },
});
registry.register({
  name: 'random', description: 'as many neurons per site as the slice, chosen at random (ablation)', needsSlice: true,
  select: (m, ctx) => { const mask = randomNeuronsLike(m, needMask(ctx, 'random'), ctx.seed); return { masks: neuronTrainMasks(m, mask), chosen: { neurons: neuronsChosen(mask) } }; },
});

/** Add a re-adaptation method (names unique unless { override: true }). */
export function registerTrainSet(def: TrainSetDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** A re-adaptation method by name (UNKNOWN_READAPT_METHOD otherwise, with a did-you-mean). */
export function getTrainSet(name: string): TrainSetDef { return registry.get(name); }
/** Registered re-adaptation method names. */
export function listTrainSets(): string[] { return registry.names(); }
