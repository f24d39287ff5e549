/**
 * How an incremental-development method learns a new task: a registry of "plans" (which weights may change, which
 * extra loss, which training data). It lives here, below both maintenance and baselines, so that `extend()` can run
 * a baseline (naive, replay, EWC, DeepArc: registered from engine/baselines) without the two importing each other,
 * as the re-adaptation train sets (train-sets.ts) and surgery's pre-steps do.
 *
 * Also here: the rule that decides what task-A inference reads, `oldTaskFreezeMasks` (docs/maintenance.md, HAT's
 * rule at neuron level). The built-in method `ours` is that rule alone.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { Registry, type RegisterOptions } from '../registry.js';
import type { NeuronMask } from './neuron-mask.js';
import { weightMasksFor, type EndInfo } from './weight-masks.js';

/** What a plan is given. */
export interface IncrementalContext {
  /** Neurons the earlier tasks' inference reads (union of their slices), when there is a slice. */
  mask?: NeuronMask;
  /** Classes of every earlier task together. */
  oldClasses: readonly number[];
  /** Classes of the task being learnt. */
  newClasses: readonly number[];
  /** The new task's training data. */
  newData: Dataset;
  /** Training data of the earlier tasks (replay, EWC's Fisher, DeepArc's CKA), when given. */
  oldData?: Dataset;
  seed: number;
  batchSize: number;
  /** Method knobs (replay fraction, EWC lambda, ...). */
  params: Record<string, number | string | boolean>;
}

/** A method's answer. Every field is optional: the empty plan is naive fine-tuning on the new data. */
export interface IncrementalPlan {
  /** 0/1 per weight entry (by originalName, row-major): 1 = may change. Absent weights train freely. */
  masks?: Record<string, Float32Array>;
  /** Added to the cross-entropy of every step (EWC's penalty); must build its scalar inside the call. */
  extraLoss?: () => tf.Scalar;
  /** The data to train on (new data plus replayed old samples). Default: the new data. */
  trainData?: Dataset;
  /** What the method chose, for tables (replayed samples, redundant layers, ...). */
  chosen?: Record<string, unknown>;
  note?: string;
  /** Frees what the plan holds (EWC's anchors and Fisher). */
  dispose?: () => void;
}

/** A registered method. */
export interface IncrementalMethodDef {
  name: string;
  description: string;
  /** Needs the earlier tasks' slice (ours). */
  needsSlice: boolean;
  /** Needs the earlier tasks' training data (replay, EWC, DeepArc). */
  needsOldData: boolean;
  /**
   * Earlier tasks are inferred through their slices' masks (ours): their logits are then bit-identical by
   * construction, and the class-incremental prediction picks a task first (see extend.ts).
   */
  masksOldTasks: boolean;
  /** A knob chosen on a small grid when not given (EWC's lambda): the best by validation accuracy is kept. */
  grid?: { param: string; values: readonly number[] };
  plan(model: tf.LayersModel, ctx: IncrementalContext): IncrementalPlan | Promise<IncrementalPlan>;
}

/**
 * 0/1 per weight entry, 1 = may change, 0 = read by the old tasks' inference and frozen (docs/maintenance.md):
 * a weight is frozen when both its ends are old-critical (model inputs count as critical), so are biases,
 * BatchNormalization parameters and moving statistics of old-critical neurons, and the classifier rows of the old
 * classes restricted to old-critical inputs (their bias entries too). The new classes' classifier rows train whole.
 *
 * @example
 * const masks = oldTaskFreezeMasks(model, sliceA.mask(), [0, 1, 2, 3, 4]);
 * await train(model, taskB, { gradientMasks: masks });   // task A's inference reads nothing that changed
 */
export function oldTaskFreezeMasks(model: tf.LayersModel, neuronMask: NeuronMask, oldClasses: readonly number[]): Record<string, Float32Array> {
  const old = new Set(oldClasses);
  const frozen = weightMasksFor(model, neuronMask, (out: EndInfo, inp: EndInfo | undefined) => {
    // The classifier: its units are logits, i.e. classes. Only the old classes' rows are read by old inference.
    if (out.origins.every((o) => o.kind === 'layer')) {
      const readsOld = out.origins.some((o) => o.kind === 'layer' && old.has(o.neuron));
      return readsOld && (inp === undefined || inp.critical);
    }
    return out.critical && (inp === undefined || inp.critical);
  });
  for (const m of Object.values(frozen)) for (let i = 0; i < m.length; i++) m[i] = 1 - m[i]!;
  return frozen;
}

/** Number of 0 (frozen) entries per weight. */
export function frozenCounts(masks: Record<string, Float32Array>): Record<string, number> {
  return Object.fromEntries(Object.entries(masks).map(([k, m]) => [k, m.reduce((a, v) => a + (v === 0 ? 1 : 0), 0)]));
}

const registry = new Registry<IncrementalMethodDef>({ kind: 'incremental method', codePrefix: 'EXTEND_METHOD', namePattern: /^[a-z][a-z0-9+-]*$/ });

registry.register({
  name: 'ours', description: "ours: freeze what the old tasks' inference reads (both ends critical); learn in the free neurons",
  needsSlice: true, needsOldData: false, masksOldTasks: true,
  plan: (model, ctx) => {
    if (!ctx.mask) throw new SemsliceError('NO_SLICE', 'The incremental method "ours" needs the old task\'s slice.', 'Pass the slice of the old task (slice.forClasses(oldClasses)), or use method "naive".');
    return { masks: oldTaskFreezeMasks(model, ctx.mask, ctx.oldClasses) };
  },
});

/** Add an incremental method (names unique unless { override: true }). */
export function registerIncrementalMethod(def: IncrementalMethodDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** An incremental method by name (UNKNOWN_EXTEND_METHOD otherwise, with a did-you-mean). */
export function getIncrementalMethod(name: string): IncrementalMethodDef { return registry.get(name); }
/** Registered incremental method names. */
export function listIncrementalMethods(): string[] { return registry.names(); }
