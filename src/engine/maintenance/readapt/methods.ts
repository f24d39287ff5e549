/**
 * The methods re-adaptation compares, in one list: which weights a method may change, as a 0/1 mask per weight entry
 * (1 = may change; everything else stays bit-identical). Ours (`critical`: the slice's critical neurons) and the
 * baselines: `full` (every weight), `last-layer` (the classifier), `deeparc` (the blocks or layers whose
 * representation moves most between clean and new samples, DeepArc's ranking) and `random` (as many neurons per site
 * as the slice keeps, at random: is the slice better than chance?). Criteria live here; the masks are derived by
 * engine/masks and DeepArc's ranking by the baseline.
 */
import type * as tf from '@tensorflow/tfjs';
import { deeparcReadaptRanking } from '../../baselines/deeparc/index.js';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import { constantMasks, neuronTrainMasks, randomNeuronsLike, type NeuronMask, type TrainMasks } from '../../masks/index.js';
import { weightEnds } from '../../masks/weight-masks.js';
import { Registry, type RegisterOptions } from '../../registry.js';

/** What a method is given. */
export interface ReadaptMethodContext {
  /** The slice's neuron mask (site -> 0/1 per neuron), for methods that need a slice. */
  mask?: NeuronMask;
  /** The new samples (adversarial images, or the damaged model's training data). */
  fresh: Dataset;
  /** Clean counterparts of `fresh`, in the same order (adversarial sources), when there are any. */
  pairs?: Dataset;
  /** The model before the damage (a mutant's original), when there is one. */
  reference?: tf.LayersModel;
  seed: number;
  /** Method knobs (e.g. DeepArc's `topK`). */
  params?: Record<string, number | string | boolean>;
}

/** A method's answer: a 0/1 mask for every weight, and what it chose (for tables). */
export interface ReadaptChoice {
  masks: TrainMasks;
  /** Units chosen: neurons per site, blocks or layers. */
  chosen: Record<string, unknown>;
  note?: string;
}

/** A re-adaptation method. */
export interface ReadaptMethodDef {
  name: string;
  description: string;
  /** Chooses by the slice: the strategy slices the model when none is given. */
  needsSlice: boolean;
  select(model: tf.LayersModel, ctx: ReadaptMethodContext): ReadaptChoice | Promise<ReadaptChoice>;
}

function neuronsChosen(mask: NeuronMask): Record<string, number> {
  return Object.fromEntries(Object.entries(mask).map(([k, v]) => [k, v.reduce((a, x) => a + (x !== 0 ? 1 : 0), 0)]));
}

function sliceMaskOf(ctx: ReadaptMethodContext, name: string): NeuronMask {
  if (!ctx.mask) throw fail('NO_SLICE', { strategy: 'readapt', method: name });
  return ctx.mask;
}

const registry = new Registry<ReadaptMethodDef>({ kind: 're-adaptation method', codePrefix: 'READAPT_METHOD', namePattern: /^[a-z][a-z0-9-]*$/ });

registry.register({
  name: 'critical', description: "ours: the slice's critical neurons (incoming weights, bias, BN) and the classifier rows reading them", needsSlice: true,
  select: (m, ctx) => { const mask = sliceMaskOf(ctx, 'critical'); return { masks: neuronTrainMasks(m, mask), chosen: { neurons: neuronsChosen(mask) } }; },
});
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
  name: 'deeparc', description: 'DeepArc: train only the top blocks/layers by CKA drop between clean and new samples', needsSlice: false,
  select: async (model, ctx) => {
    const samples = Number(ctx.params?.['samples'] ?? 256);
    const fresh = ctx.fresh.take(samples);
    if (!ctx.pairs && !ctx.reference) {
      throw fail('BAD_READAPT_OPTIONS', { case: 'deeparc-needs-pairs' });
    }
    const clean = ctx.pairs ? ctx.pairs.take(samples) : fresh;
    const topK = ctx.params?.['topK'] !== undefined ? Number(ctx.params['topK']) : undefined;
    const r = await deeparcReadaptRanking(model, clean, fresh, { ...(ctx.reference ? { reference: ctx.reference } : {}), ...(topK !== undefined ? { topK } : {}) });
    const masks = constantMasks(model, 0);
    const train = new Set(r.units.filter((u) => u.chosen).flatMap((u) => r.layers[u.unit]!));
    for (const l of model.layers) if (train.has(l.name)) for (const w of l.weights) masks[w.originalName]!.fill(1);
    return { masks, chosen: { level: r.level, units: r.units }, ...(r.level === 'layers' ? { note: 'chain model: DeepArc units are single layers (sites)' } : {}) };
  },
});
registry.register({
  name: 'random', description: 'as many neurons per site as the slice, chosen at random (ablation)', needsSlice: true,
  select: (m, ctx) => { const mask = randomNeuronsLike(m, sliceMaskOf(ctx, 'random'), ctx.seed); return { masks: neuronTrainMasks(m, mask), chosen: { neurons: neuronsChosen(mask) } }; },
});

/**
 * Add a re-adaptation method (names unique unless { override: true }).
 *
 * @example
 * registerReadaptMethod({ name: 'biases', description: 'biases only', needsSlice: false, select: (m) => ({ masks: ..., chosen: {} }) });
 */
export function registerReadaptMethod(def: ReadaptMethodDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** A re-adaptation method by name (UNKNOWN_READAPT_METHOD otherwise, with a did-you-mean). */
export function getReadaptMethod(name: string): ReadaptMethodDef { return registry.get(name); }
/** Registered re-adaptation method names, in registration order. */
export function listReadaptMethods(): string[] { return registry.names(); }
