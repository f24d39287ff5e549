/**
 * The methods restructuring compares, in one list: what is removed before iterative pruning starts (the pre-step).
 * Ours (`slice`: every neuron outside the slice), the pruner alone (`none`), and the baselines and ablations: `random`
 * (as many neurons per site as the slice removes, chosen at random: is the slice better than chance?),
 * `low-activation` (the same counts, dead and least active neurons first: is the slice more than dropping idle
 * neurons?) and `deeparc` (DeepArc's redundant residual blocks skipped). Each returns a new model (the input is never
 * changed) and what it removed. Criteria live here; the mechanisms are surgery's (neuron removal), masks' (neuron
 * choices) and the DeepArc baseline's (block skipping).
 */
import type * as tf from '@tensorflow/tfjs';
import { deeparcLowestChange, deeparcRemoveBlocks, residualBlocks } from '../../baselines/deeparc/index.js';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import { siteReads } from '../../graph/index.js';
import { mostActiveLike, randomNeuronsLike, type NeuronMask } from '../../masks/index.js';
import { Registry, type RegisterOptions } from '../../registry.js';
import { profile } from '../../slicing/profile/index.js';
import { removeNeuronsDetailed } from '../../surgery/index.js';

/** What a pre-step is given. */
export interface PreStepContext {
  /** The slice's neuron mask (site -> 0/1), for the methods that need a slice. */
  mask?: NeuronMask;
  /** Training data (activation statistics, block choice). */
  train: Dataset;
  /** The validation split candidates are scored on (never the test set). */
  validation: Dataset;
  seed: number;
  /** Method knobs (DeepArc: threshold, k). */
  params?: Record<string, number | string | boolean>;
}

/** What a pre-step returns. */
export interface PreStepOutcome {
  /** The new model (owned by the caller). */
  model: tf.LayersModel;
  /** Per site, the original indices of the neurons removed. */
  neuronsRemoved: Record<string, number[]>;
  /** Names of skipped blocks (DeepArc). */
  blocksRemoved: string[];
  /** Parameters kept only as zeros (surgery's retainedDead), counted as removed. */
  retainedDead: number;
  /** Per kernel, 1 = live entry, 0 = retained zero (pruning starts from these). */
  liveKernels: Record<string, Float32Array>;
  /** Remarks for the tables (e.g. "block removal does not apply to chain models"). */
  note?: string;
  /** What the method measured to decide (DeepArc: consecutive-block CKA), for manifests. */
  details?: Record<string, unknown>;
}

/** A restructuring method. */
export interface RestructureMethodDef {
  name: string;
  description: string;
  /** The method removes by the slice (or matches its counts): the strategy slices the model when none is given. */
  needsSlice: boolean;
  /** The method applies to this model (DeepArc needs residual blocks); comparisons leave the others out by default. */
  appliesTo?: (model: tf.LayersModel) => boolean;
  run(model: tf.LayersModel, ctx: PreStepContext): Promise<PreStepOutcome>;
}

/** Remove the neurons a mask zeroes (surgery), reporting them per site. */
async function removeByMask(model: tf.LayersModel, mask: NeuronMask): Promise<PreStepOutcome> {
  const r = await removeNeuronsDetailed(model, mask);
  const neuronsRemoved: Record<string, number[]> = {};
  for (const s of siteReads(model)) {
    const kept = new Set(r.kept[s.site.name]);
    neuronsRemoved[s.site.name] = Array.from({ length: s.site.neurons }, (_, i) => i).filter((i) => !kept.has(i));
  }
  return { model: r.model, neuronsRemoved, blocksRemoved: [], retainedDead: r.retainedDead, liveKernels: r.liveKernels };
}

function sliceMaskOf(ctx: PreStepContext, name: string): NeuronMask {
  if (!ctx.mask) throw fail('NO_SLICE', { strategy: 'restructure', method: name });
  return ctx.mask;
}

/** Mean absolute activation of every neuron over (a seeded draw of) the training data, all classes together. */
async function meanActivation(model: tf.LayersModel, data: Dataset, seed: number): Promise<Record<string, Float32Array>> {
  const stats = await profile(model, data.shuffle(seed).perClassCap(200), { metrics: ['avg'], onlyCorrect: false });
  return Object.fromEntries(Object.entries(stats.global.avg).map(([site, v]) => [site, v.map(Math.abs)]));
}

const registry = new Registry<RestructureMethodDef>({ kind: 'restructuring method', codePrefix: 'PRE_STEP', namePattern: /^[a-z][a-z0-9-]*$/ });

registry.register({ name: 'slice', description: 'ours: remove every neuron outside the slice', needsSlice: true, run: (m, ctx) => removeByMask(m, sliceMaskOf(ctx, 'slice')) });
registry.register({ name: 'none', description: 'the pruner alone, from the original model', needsSlice: false, run: (m) => removeByMask(m, {}) });
registry.register({
  name: 'random', description: 'remove as many neurons per site as the slice, chosen at random (ablation)', needsSlice: true,
  run: (m, ctx) => removeByMask(m, randomNeuronsLike(m, sliceMaskOf(ctx, 'random'), ctx.seed)),
});
registry.register({
  name: 'low-activation', description: 'remove as many neurons per site as the slice, dead and least active first (ablation)', needsSlice: true,
  run: async (m, ctx) => removeByMask(m, mostActiveLike(m, sliceMaskOf(ctx, 'low-activation'), await meanActivation(m, ctx.train, ctx.seed))),
});
registry.register({
  name: 'deeparc', description: 'DeepArc: skip redundant residual blocks (CKA modules), best of 5 random k-subsets on the validation split', needsSlice: false,
  appliesTo: (m) => residualBlocks(m).length > 0,
  run: async (model, ctx): Promise<PreStepOutcome> => {
    if (residualBlocks(model).length === 0) {
      const copy = await removeByMask(model, {});
      return { ...copy, note: 'chain model: DeepArc block removal does not apply (nothing removed)' };
    }
    const threshold = Number(ctx.params?.['threshold'] ?? 0.99);
    const k = Number(ctx.params?.['k'] ?? 1);
    const r = await deeparcRemoveBlocks(model, ctx.train, ctx.validation, { seed: ctx.seed, threshold, k });
    return {
      model: r.model, neuronsRemoved: {}, blocksRemoved: r.removed, retainedDead: 0, liveKernels: {},
      details: { threshold, k, units: r.analysis.units, cka: r.analysis.neighbours, redundant: r.analysis.redundant },
      ...(r.removed.length === 0 ? { note: `no redundant blocks at CKA threshold ${threshold}` } : {}),
    };
  },
});

registry.register({
  name: 'deeparc-lowest', description: "DeepArc's k-lowest-change variant: skip the k residual blocks whose output is most like their input (param k, default 2)", needsSlice: false,
  appliesTo: (m) => residualBlocks(m).length > 1,
  run: async (model, ctx): Promise<PreStepOutcome> => {
    const k = Number(ctx.params?.['k'] ?? 2);
    const r = await deeparcLowestChange(model, ctx.train, k);
    return { model: r.model, neuronsRemoved: {}, blocksRemoved: r.removed, retainedDead: 0, liveKernels: {}, details: { k, change: r.change } };
  },
});

/**
 * Add a restructuring method (names unique unless { override: true }).
 *
 * @example
 * registerRestructureMethod({ name: 'mine', description: '...', needsSlice: false, run: async (m) => ... });
 */
export function registerRestructureMethod(def: RestructureMethodDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** A restructuring method by name (UNKNOWN_PRE_STEP otherwise, with a did-you-mean). */
export function getRestructureMethod(name: string): RestructureMethodDef { return registry.get(name); }
/** Registered restructuring method names, in registration order. */
export function listRestructureMethods(): string[] { return registry.names(); }
/** The methods that apply to a model (a comparison's default list). */
export function restructureMethodsFor(model: tf.LayersModel): string[] {
  return registry.list().filter((d) => d.appliesTo?.(model) ?? true).map((d) => d.name);
}
