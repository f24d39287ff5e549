/**
 * Pre-steps of restructuring: what is removed before iterative pruning starts. Each returns a new model (the input
 * is never changed) plus what it removed. Built-ins: `none` (a copy), `slice` (remove every neuron outside the
 * slice), `random` (remove as many neurons per site as the slice does, chosen at random: the ablation). Baselines
 * register more (DeepArc's block skipping registers `deeparc` when engine/baselines/deeparc is loaded).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { siteReads } from '../graph/index.js';
import { Registry, type RegisterOptions } from '../registry.js';
import { Rng } from '../rng.js';
import { SemsliceError } from '../errors.js';
import { removeNeuronsDetailed } from './remove-neurons.js';

/** What a pre-step is given. */
export interface PreStepContext {
  /** The slice's neuron mask (site -> 0/1), when there is a slice. */
  mask?: Record<string, Float32Array>;
  /** Data the pre-step may look at (profiling / block selection) and data to score candidates on. */
  train: Dataset;
  test: Dataset;
  seed: number;
}

/** What a pre-step returns. */
export interface PreStepOutcome {
  /** The new model (owned by the caller). */
  model: tf.LayersModel;
  /** Per site, the original indices of the neurons removed. */
  neuronsRemoved: Record<string, number[]>;
  /** Names of skipped blocks (DeepArc), if any. */
  blocksRemoved?: string[];
  /** Parameters kept only as zeros (surgery's retainedDead), counted as removed. */
  retainedDead: number;
  /** Per kernel, 1 = live entry, 0 = retained zero (pruning starts from these). */
  liveKernels: Record<string, Float32Array>;
  /** Why nothing was removed, or other remarks for the tables (e.g. "block removal does not apply to chain models"). */
  note?: string;
}

export interface PreStepDef {
  name: string;
  description: string;
  /** True when the pre-step needs a slice. */
  needsSlice: boolean;
  run(model: tf.LayersModel, ctx: PreStepContext): Promise<PreStepOutcome>;
}

async function byMask(model: tf.LayersModel, mask: Record<string, Float32Array>): Promise<PreStepOutcome> {
  const r = await removeNeuronsDetailed(model, mask);
  const neuronsRemoved: Record<string, number[]> = {};
  for (const s of siteReads(model)) {
    const kept = new Set(r.kept[s.site.name]);
    neuronsRemoved[s.site.name] = Array.from({ length: s.site.neurons }, (_, i) => i).filter((i) => !kept.has(i));
  }
  return { model: r.model, neuronsRemoved, retainedDead: r.retainedDead, liveKernels: r.liveKernels };
}

function needMask(ctx: PreStepContext, name: string): Record<string, Float32Array> {
  if (!ctx.mask) throw new SemsliceError('NO_SLICE', `The pre-step "${name}" needs a slice.`, 'Pass a slice (restructure(model, slice, ...)), or use pre "none".');
  return ctx.mask;
}

/** As many neurons per site as the mask removes, chosen at random (seeded). */
export function randomMaskLike(model: tf.LayersModel, mask: Record<string, Float32Array>, seed: number): Record<string, Float32Array> {
  const rng = new Rng(seed);
  const out: Record<string, Float32Array> = {};
  for (const s of siteReads(model)) {
    const m = mask[s.site.name];
    if (!m) continue;
    const removed = m.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
    const order = rng.shuffle(Int32Array.from({ length: s.site.neurons }, (_, i) => i));
    const r = new Float32Array(s.site.neurons).fill(1);
    for (let i = 0; i < removed; i++) r[order[i]!] = 0;
    out[s.site.name] = r;
  }
  return out;
}

const registry = new Registry<PreStepDef>({ kind: 'pre-step', codePrefix: 'PRE_STEP', namePattern: /^[a-z][a-z0-9-]*$/ });

registry.register({ name: 'none', description: 'the pruner alone, from the original model', needsSlice: false, run: (m) => byMask(m, {}) });
registry.register({ name: 'slice', description: 'remove every neuron outside the slice (ours)', needsSlice: true, run: (m, ctx) => byMask(m, needMask(ctx, 'slice')) });
registry.register({
  name: 'random', description: 'remove as many neurons per site as the slice, chosen at random (ablation)', needsSlice: true,
  run: (m, ctx) => byMask(m, randomMaskLike(m, needMask(ctx, 'random'), ctx.seed)),
});

/** Add a pre-step (names unique unless { override: true }). */
export function registerPreStep(def: PreStepDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** A pre-step by name (UNKNOWN_PRE_STEP otherwise). */
export function getPreStep(name: string): PreStepDef { return registry.get(name); }
/** Registered pre-step names. */
export function listPreSteps(): string[] { return registry.names(); }
