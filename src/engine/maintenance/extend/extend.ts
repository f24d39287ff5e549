/**
 * Incremental development (RQ4, docs/maintenance.md): learn a new task's classes in the neurons the old tasks do not
 * read. With method `ours`, everything the old tasks' inference reads is frozen bit-identically (engine/masks'
 * oldTaskFreezeMasks); old-task inference masks the non-critical neurons and restricts the argmax to the old
 * classes, so its logits do not change at all. The result proves it twice: the old task's logits before and after,
 * byte for byte, and checksums of every frozen weight.
 *
 * The same function runs the baselines of the method list with the same data, optimiser, learning rate, seed and
 * number of optimiser steps: `epochs` passes over the new task's data at `batchSize`; a method that trains on more
 * samples (replay) gets proportionally larger batches, so every method takes the same steps (Avalanche's replay
 * likewise appends a memory minibatch).
 *
 * Without a slice, a method that needs one slices the old task by the slice policy (theta 'auto' with the capacity
 * condition `minFree`: the old task keeps its accuracy on held-out old-task samples and leaves room for the next).
 * Sequences: pass the grown model, the union slice (`result.slice`) and `tasks` (the earlier tasks' class sets,
 * `result.tasks.map((t) => t.classes)`); see extendSequence().
 */
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { stratifiedSplit } from '../../data/split.js';
import { SemsliceError } from '../../errors.js';
import { fingerprint } from '../../fingerprint.js';
import { forward, logitsModel } from '../../graph/index.js';
import { logger } from '../../log.js';
import type { NeuronMask } from '../../masks/index.js';
import { modelFingerprint } from '../../models/fingerprint.js';
import { readTidy } from '../../read-tidy.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate, train, type TrainHistory } from '../../train/index.js';
import { cloneModel } from '../../workloads/clone.js';
import { dataRecord } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import { compareFrozen, frozenValues, type FrozenCheck } from '../common/frozen.js';
import { manifestBase, sliceRecord, type ManifestBase } from '../common/manifest.js';
import { retentionMethod, type Retains } from '../common/retention.js';
import { checkSliceFits, type SliceOrigin } from '../common/slice-check.js';
import { givenSliceChoice, policyOf, taskSlice, type SliceChoice, type SlicePolicyOptions, type TaskSlice } from '../common/task-slice.js';
import { capacityMeter, classLabel, type CapacityReport } from './capacity.js';
import { incrementalAccuracy, type IncrementalAccuracy, type InferenceTask } from './incremental-eval.js';
import { getExtendMethod, type ExtendMethodContext, type ExtendMethodDef, type ExtendPlan } from './methods.js';

/** Options of {@link extend}; defaults in MAINTENANCE_DEFAULTS.extend. */
export interface ExtendOptions {
  /** Registered incremental method: ours (default), ours+replay, naive, replay, ewc, deeparc. */
  method?: string;
  /** Classes of the earlier tasks together. Default: the slice's classes. */
  oldClasses?: readonly number[];
  /** Classes of the new task. Default: the classes present in the new task's data. */
  newClasses?: readonly number[];
  /** The earlier tasks' class sets in the order learnt (sequences). Default: [oldClasses]. */
  tasks?: ReadonlyArray<readonly number[]>;
  /** Test data holding every class (accuracy before and after, the bit-identity check). Required. */
  test: Dataset;
  /** The earlier tasks' training data (replay, EWC's Fisher, DeepArc's CKA, and the slice policy when no slice is given). */
  oldData?: Dataset;
  /**
   * Held-out training samples of the old and new classes: EWC's lambda and the slice policy's theta are chosen on
   * them. Default: seeded, stratified 10% of the old and of the new data, held out of that choice's training.
   */
  validation?: Dataset;
  /** Passes over the new task's data. */
  epochs?: number;
  /** Batch size (replay methods: proportionally larger, see the file comment). */
  batchSize?: number;
  /** Adam learning rate. */
  learningRate?: number;
  /** Seeds training, replay sampling, the validation split and the slice policy's draw. Default 0. */
  seed?: number;
  /** Method knobs: replay (fraction), lambda (EWC; chosen on the grid when absent), fisherSamples. */
  params?: Record<string, number | string | boolean>;
  /**
   * Capacity: the share of every site the old task's slice must leave free (slice policy, when extend slices) and the
   * threshold under which the capacity meter warns.
   */
  minFree?: number;
  /** How extend slices the old task (when no slice is given) and the new task (after learning it): the slice policy. */
  slicePolicy?: SlicePolicyOptions;
  /** Use a slice of another model with the same sites on purpose (see checkSliceFits). Default false. */
  allowForeignSlice?: boolean;
  /**
   * Learn even when every site is full (only the new output rows then train, on the frozen features). A site with no
   * free neuron while others have some is always learnt through (a warning). Default false.
   */
  allowFull?: boolean;
  /** Slice the new task after learning it (needed to extend again). Default true for methods that mask old tasks. */
  sliceNew?: boolean;
  /** Test samples of the old classes whose logits are compared byte for byte. */
  checkSamples?: number;
  workers?: number | 'auto';
  onEpochEnd?: (m: { epoch: number; loss: number; accuracy: number }) => void;
  signal?: AbortSignal;
}

/** One task of the result. */
export interface ExtendTask {
  classes: number[];
  label: string;
  /** Inference mask of the task (ours); absent = the whole model. */
  mask?: NeuronMask;
}

/** The old tasks' logits before and after, byte for byte. */
export interface LogitsCheck {
  samples: number;
  before: string;
  after: string;
  identical: boolean;
  /** Largest absolute difference (0 when identical). */
  maxAbsDiff: number;
}

/** One row of the result table. */
export interface ExtendRow {
  method: string;
  scenario: 'task-IL' | 'class-IL';
  /** 'old', 'new', 'average' or 'all'. */
  part: string;
  before: number;
  after: number;
}

/** The training budget, the same for every method of a comparison. */
export interface ExtendBudget { epochs: number; steps: number; batchSize: number; baseBatchSize: number; learningRate: number; optimizer: 'adam'; seed: number; trainSamples: number; newSamples: number }

/** What {@link extend} returns. */
export interface ExtendResult extends Retains {
  /** The grown model (a copy: the input is unchanged). The caller owns it. */
  model: tf.LayersModel;
  method: string;
  /** Every task, the new one last. */
  tasks: ExtendTask[];
  /** The new task's slice (when sliced), over the new classes. */
  taskSlice: Slice | null;
  /** The union of all tasks' slices (the `slice` argument of the next extend), when the method slices. */
  slice: Slice | null;
  before: IncrementalAccuracy;
  after: IncrementalAccuracy;
  /** Rows: method, scenario, part (old/new/all), before, after. */
  table: aq.ColumnTable;
  rows: ExtendRow[];
  /** Per class: task, task-IL and class-IL accuracy before and after. */
  perClass: aq.ColumnTable;
  frozen: FrozenCheck;
  oldLogits: LogitsCheck;
  /** Free neurons before learning the new task (what it found) and after (what the next task will find). */
  capacity: CapacityReport;
  capacityBefore: CapacityReport | null;
  warnings: string[];
  budget: ExtendBudget;
  /** Knobs the method used (replay fraction, lambda, ...), grid included. */
  chosen: Record<string, unknown>;
  grid: Array<{ value: number; score: number; oldTaskIL: number; newTaskIL: number }>;
  history: TrainHistory;
  /** How the old task's slice and the new task's were made (null: no slice). */
  sliceChoice: { old: SliceChoice | null; new: SliceChoice | null };
  /** Training seconds of the final run (the grid's runs excluded). */
  seconds: number;
  note?: string;
  manifest: ExtendManifest;
}

/** How the result was made (written beside the grown model). */
export interface ExtendManifest extends ManifestBase {
  kind: 'semslice-extend';
  after: string;
  tasks: Array<{ classes: number[]; label: string }>;
  chosen: Record<string, unknown>;
  oldLogitsIdentical: boolean;
  frozenIdentical: boolean;
  /** The new task's slice (the old one is `slice`). */
  newSlice: { classes: number[]; params: Record<string, unknown>; choice: SliceChoice | null } | null;
}

function fail(msg: string, hint: string): SemsliceError { return new SemsliceError('BAD_EXTEND_OPTIONS', `extend: ${msg}`, hint); }

function sortedSet(xs: readonly number[]): number[] { return [...new Set(xs)].sort((a, b) => a - b); }

/** Checks the class sets against the model (BAD_EXTEND_OPTIONS). */
function resolveClasses(model: tf.LayersModel, slice: Slice | null, newData: Dataset, o: ExtendOptions): { old: number[]; fresh: number[]; tasks: number[][] } {
  const units = logitsModel(model).units;
  const old = sortedSet(o.oldClasses ?? o.tasks?.flat() ?? slice?.classes ?? []);
  const present = newData.classCounts().map((n, c) => (n > 0 ? c : -1)).filter((c) => c >= 0);
  const fresh = sortedSet(o.newClasses ?? present);
  if (old.length === 0) throw fail('the old class set is empty.', 'Name the old task\'s classes: { oldClasses: [0, 1, 2, 3, 4] } (--old 0-4), or pass its slice.');
  if (fresh.length === 0) throw fail('the new class set is empty (the new task\'s data has no samples).', 'Pass the new task\'s data and classes: { newClasses: [5, 6, 7, 8, 9] } (--new 5-9).');
  for (const [what, set] of [['old', old], ['new', fresh]] as const) {
    const bad = set.filter((c) => !Number.isInteger(c) || c < 0 || c >= units);
    if (bad.length) throw fail(`the ${what} classes ${bad.join(', ')} are not classes the model can output (it has ${units} outputs: 0..${units - 1}).`, `Name classes in 0..${units - 1}; the model needs the full output head (semslice train --classes 0-4 keeps it).`);
  }
  const overlap = old.filter((c) => fresh.includes(c));
  if (overlap.length) throw fail(`the old and new class sets overlap in ${overlap.join(', ')}.`, 'Make the tasks disjoint, e.g. --old 0-4 --new 5-9.');
  if (slice && old.length === units) throw fail('the old classes are every class of the model: no output is left for a new task.', 'Pass the old task\'s slice (slice.forClasses([0, 1, 2, 3, 4])) or { oldClasses }.');
  if (slice) {
    const sc = new Set(slice.classes);
    const missing = old.filter((c) => !sc.has(c));
    if (missing.length) throw fail(`the slice has no critical sets for the old classes ${missing.join(', ')}.`, 'Slice the old task\'s data (all its classes) and pass that slice.');
  }
  const wrong = newData.labels().some((l) => !fresh.includes(l));
  if (wrong && o.newClasses === undefined) throw fail('the new task\'s data holds classes of the old task.', 'Pass only the new task\'s samples: data.train.subsetClasses(newClasses).');
  const tasks = (o.tasks ?? [old]).map((t) => sortedSet(t));
  const covered = sortedSet(tasks.flat());
  if (covered.join() !== old.join()) throw fail(`the earlier tasks [${tasks.map((t) => t.join(',')).join(' | ')}] do not cover the old classes ${old.join(',')}.`, 'Pass tasks whose union is oldClasses.');
  return { old, fresh, tasks };
}

/** Inference masks of the earlier tasks: the union slice restricted to tasks 1..t. */
function inferenceTasks(slice: Slice | null, tasks: number[][], masks: boolean): ExtendTask[] {
  let acc: number[] = [];
  return tasks.map((t) => {
    acc = sortedSet([...acc, ...t]);
    return { classes: t, label: classLabel(t), ...(masks && slice ? { mask: slice.forClasses(acc).mask() } : {}) };
  });
}

/** The old tasks' logits (their classes' columns, through their masks) on up to n test samples each. */
async function oldTaskLogits(model: tf.LayersModel, test: Dataset, tasks: readonly ExtendTask[], n: number): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const t of tasks) {
    const view = test.subsetClasses(t.classes).take(n);
    for (const b of view.batches(256)) {
      try {
        parts.push(await readTidy<Float32Array>(() => {
          const z = t.mask ? forward(model, b.xs, { masks: t.mask }).logits : logitsModel(model).apply(b.xs, false);
          return tf.gather(z, tf.tensor1d(t.classes, 'int32'), 1);
        }));
      } finally { b.xs.dispose(); b.ys.dispose(); }
    }
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

function snapshot(model: tf.LayersModel): tf.Tensor[] { return model.getWeights().map((w) => w.clone()); }

/** Train one plan on the model (the budget is fixed by the new data: see the file comment). */
async function runPlan(model: tf.LayersModel, def: ExtendMethodDef, ctx: ExtendMethodContext, o: ExtendOptions, newData: Dataset):
  Promise<{ plan: ExtendPlan; history: TrainHistory; budget: ExtendBudget; seconds: number }> {
  const D = MAINTENANCE_DEFAULTS.extend;
  const plan = await def.plan(model, ctx);
  const epochs = o.epochs ?? D.epochs;
  const base = o.batchSize ?? D.batchSize;
  const learningRate = o.learningRate ?? D.learningRate;
  const data = plan.trainData ?? newData;
  const batchSize = Math.max(base, Math.ceil((base * data.size) / newData.size));
  try {
    const history = await train(model, data, {
      epochs, batchSize, learningRate, seed: o.seed ?? 0, workers: o.workers ?? 'auto',
      ...(plan.masks ? { gradientMasks: plan.masks } : {}),
      ...(plan.extraLoss ? { extraLoss: plan.extraLoss } : {}),
      ...(o.onEpochEnd ? { onEpochEnd: o.onEpochEnd } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const steps = epochs * Math.ceil(data.size / batchSize);
    const seconds = history.epochs.reduce((a, e) => a + e.seconds, 0);
    return { plan, history, seconds, budget: { epochs, steps, batchSize, baseBatchSize: base, learningRate, optimizer: 'adam', seed: o.seed ?? 0, trainSamples: data.size, newSamples: newData.size } };
  } finally {
    plan.dispose?.();
  }
}

/** Task-IL accuracy on `data` for `classes`: the new task through the whole model, old tasks through their masks (mean over tasks). */
async function evaluatePart(model: tf.LayersModel, data: Dataset, classes: number[], tasks: readonly ExtendTask[]): Promise<number> {
  if (data.subsetClasses(classes).size === 0) return NaN;
  if (tasks.length === 0) return (await evaluate(model, data, { classes, confusion: false })).accuracy;
  let sum = 0;
  for (const t of tasks) sum += (await evaluate(model, data, { classes: t.classes, confusion: false, ...(t.mask ? { mask: t.mask } : {}) })).accuracy;
  return sum / tasks.length;
}

/** A stratified, seeded 10% of `d` held out: [rest, held]. */
function holdOut(d: Dataset, seed: number): [Dataset, Dataset] {
  const { first, second } = stratifiedSplit(d, { fraction: 0.1, seed });
  return [first, second];
}

/**
 * The old task's slice: the given one (checked against the model, restricted to the old classes), or the slice
 * policy's on the old task's data (theta 'auto' with `minFree` by default). Null for methods that need none.
 */
export async function extendSlice(model: tf.LayersModel, given: Slice | TaskSlice | null | undefined, needsSlice: boolean, old: number[],
  o: { oldData?: Dataset; validation?: Dataset; minFree: number; slicePolicy?: SlicePolicyOptions; allowForeignSlice?: boolean; seed: number }): Promise<(TaskSlice & { origin: SliceOrigin }) | null> {
  if (!given && !needsSlice) return null;
  if (given) {
    const ts = 'choice' in given ? given : { slice: given, choice: givenSliceChoice(model, given) };
    const origin = checkSliceFits(model, ts.slice, { allowForeignSlice: o.allowForeignSlice ?? false });
    if (ts.slice.classes.join() === old.join()) return { ...ts, origin };
    const missing = old.filter((c) => !ts.slice.classes.includes(c));
    if (missing.length) throw fail(`the slice has no critical sets for the old classes ${missing.join(', ')}.`, 'Slice the old task\'s data (all its classes) and pass that slice.');
    const sub = ts.slice.forClasses(old);
    return { slice: sub, choice: { ...givenSliceChoice(model, sub), rule: ts.choice.rule }, origin };
  }
  if (!o.oldData) {
    throw new SemsliceError('NO_SLICE', 'extend: the method needs the old task\'s slice, and there is neither a slice nor old-task data to make one.',
      'Pass the old task\'s slice, or { oldData: data.train.subsetClasses(oldClasses) } so that extend slices it (the CLI does this from --old).');
  }
  const ts = await taskSlice(model, o.oldData, old, { seed: o.seed, minFree: o.minFree, ...o.slicePolicy, ...(o.validation ? { validation: o.validation } : {}) });
  return { ...ts, origin: 'this-model' };
}

/**
 * Learn a new task in a model that knows earlier ones; with method `ours` the earlier tasks' predictions (logits)
 * stay bit-identical. The input model is not changed.
 *
 * Class-incremental prediction of ours: see incremental-eval.ts (task inference by the highest softmax confidence
 * among the tasks' masked inferences).
 *
 * @example
 * const taskA = data.train.subsetClasses([0, 1, 2, 3, 4]), taskB = data.train.subsetClasses([5, 6, 7, 8, 9]);
 * const r = await ss.extend(model, null, taskB, { oldData: taskA, oldClasses: [0, 1, 2, 3, 4], test: data.test, epochs: 2 });
 * r.oldLogits.identical;   // true: task A's logits did not move by a bit
 * r.sliceChoice.old;       // theta chosen for task A's slice, on held-out task-A images
 * r.table.print();         // task-IL and class-IL, old / new / all, before and after
 * r.capacity.warnings;     // sites running out of free neurons
 */
export async function extend(model: tf.LayersModel, slice: Slice | TaskSlice | null, newTaskData: Dataset, opts: ExtendOptions): Promise<ExtendResult> {
  if (!opts || !opts.test) throw fail('test data is required (accuracy before and after, the bit-identity check).', 'Pass { test: data.test }.');
  const D = MAINTENANCE_DEFAULTS.extend;
  const methodName = opts.method ?? D.method;
  const def = getExtendMethod(methodName);
  if (def.needsOldData && !opts.oldData) throw fail(`method "${methodName}" needs the old task's training data.`, 'Pass { oldData: data.train.subsetClasses(oldClasses) } (the CLI does this from --old).');
  const epochs = opts.epochs ?? D.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw fail(`epochs must be a positive integer, got ${opts.epochs}.`, 'Pass e.g. { epochs: 2 } (--epochs 2).');
  const minFree = opts.minFree ?? D.minFree;
  if (!(minFree >= 0 && minFree < 1)) throw fail(`minFree must be in [0, 1), got ${opts.minFree}.`, 'Pass e.g. { minFree: 0.25 }: leave a quarter of every site free.');
  const givenSlice = slice ? ('choice' in slice ? slice.slice : slice) : null;
  const { old, fresh, tasks: earlier } = resolveClasses(model, givenSlice, newTaskData, opts);
  const newData = opts.newClasses ? newTaskData.subsetClasses(fresh) : newTaskData;
  if (newData.size === 0) throw fail(`the new task's data has no samples of the classes ${fresh.join(', ')}.`, 'Pass the new task\'s training samples.');
  const seed = opts.seed ?? 0;
  const params = { ...(opts.params ?? {}) };
  const warnings: string[] = [];
  const used = await extendSlice(model, slice, def.needsSlice, old, {
    ...(opts.oldData ? { oldData: opts.oldData } : {}), ...(opts.validation ? { validation: opts.validation } : {}), minFree,
    ...(opts.slicePolicy ? { slicePolicy: opts.slicePolicy } : {}), allowForeignSlice: opts.allowForeignSlice ?? false, seed,
  });
  const sl = used?.slice ?? null;

  // Capacity the new task finds (ours): refuse when every site is full.
  const earlierSlices = sl ? earlier.map((t) => ({ classes: t, slice: sl.forClasses(t) })) : [];
  const capacityBefore = sl ? capacityMeter(earlierSlices, minFree) : null;
  // A full site is learnt through: the new task reads the earlier tasks' frozen features there (and the weights from
  // free neurons before it into them) and learns in the free neurons of the other sites. Only when every site is full
  // is there nothing left to learn in but the new output rows: EXTEND_NO_CAPACITY unless allowFull.
  if (capacityBefore && def.masksOldTasks) {
    const allFull = capacityBefore.sites.length > 0 && capacityBefore.full.length === capacityBefore.sites.length;
    if (allFull && !opts.allowFull) {
      throw new SemsliceError('EXTEND_NO_CAPACITY', `extend: no free neurons left in any site (${capacityBefore.full.join(', ')}): every neuron is read by an earlier task.`,
        'Slice the earlier tasks more strictly (a lower theta, or minFree for theta auto), use a wider model, or pass { allowFull: true } to learn the new output rows on the frozen features only.');
    }
    for (const w of capacityBefore.warnings) { warnings.push(w); logger().warn(`extend: ${w}`); }
    if (capacityBefore.full.length && !allFull) {
      const w = `site${capacityBefore.full.length > 1 ? 's' : ''} ${capacityBefore.full.join(', ')} ha${capacityBefore.full.length > 1 ? 've' : 's'} no free neuron: the new task reads the earlier tasks' frozen features there`;
      warnings.push(w); logger().warn(`extend: ${w}`);
    }
  }

  const work = await cloneModel(model);
  try {
    const tasksOld = inferenceTasks(sl, earlier, def.masksOldTasks);
    const newTask: ExtendTask = { classes: fresh, label: classLabel(fresh) };
    const evalTasks = (ts: ExtendTask[]): InferenceTask[] => ts.map((t) => ({ classes: t.classes, ...(t.mask ? { mask: t.mask } : {}) }));
    const accBefore = await incrementalAccuracy(work, opts.test, evalTasks([...tasksOld, newTask]), { confidence: def.masksOldTasks });
    const checkN = opts.checkSamples ?? D.checkSamples;
    const logitsBefore = await oldTaskLogits(work, opts.test, tasksOld, checkN);
    const ctxBase = { ...(sl ? { mask: sl.forClasses(old).mask() } : {}), oldClasses: old, newClasses: fresh, ...(opts.oldData ? { oldData: opts.oldData } : {}), seed, batchSize: opts.batchSize ?? D.batchSize };

    // A grid knob (EWC's lambda): train a copy per value on 90% of the data, keep the best mean task-IL on the rest.
    const grid: ExtendResult['grid'] = [];
    if (def.grid && params[def.grid.param] === undefined) {
      const [newTrain, newVal] = holdOut(newData, seed);
      const [oldTrain, oldVal] = opts.oldData ? holdOut(opts.oldData, seed) : [undefined, undefined];
      const start = snapshot(work);
      try {
        for (const value of def.grid.values) {
          await runPlan(work, def, { ...ctxBase, newData: newTrain, ...(oldTrain ? { oldData: oldTrain } : {}), params: { ...params, [def.grid.param]: value } }, opts, newTrain);
          const val = opts.validation;
          const oldAcc = val ?? oldVal ? await evaluatePart(work, (val ?? oldVal)!, old, tasksOld) : NaN;
          const newAcc = await evaluatePart(work, val ?? newVal, fresh, []);
          grid.push({ value, score: (oldAcc + newAcc) / 2, oldTaskIL: oldAcc, newTaskIL: newAcc });
          work.setWeights(start);
        }
      } finally { start.forEach((t) => t.dispose()); }
      const best = grid.reduce((a, b) => (b.score > a.score ? b : a));
      params[def.grid.param] = best.value;
    }

    const { plan, history, budget, seconds } = await runPlan(work, def, { ...ctxBase, newData, params }, opts, newData);
    const masks = plan.masks ?? {};
    const frozen = compareFrozen(work, await frozenValues(model, masks), await frozenValues(work, masks));

    const logitsAfter = await oldTaskLogits(work, opts.test, tasksOld, checkN);
    let maxAbsDiff = 0;
    for (let i = 0; i < logitsAfter.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(logitsAfter[i]! - logitsBefore[i]!));
    const oldLogits: LogitsCheck = {
      samples: tasksOld.reduce((a, t) => a + opts.test.subsetClasses(t.classes).take(checkN).size, 0),
      before: fingerprint(logitsBefore), after: fingerprint(logitsAfter),
      identical: Buffer.from(logitsBefore.buffer).equals(Buffer.from(logitsAfter.buffer)), maxAbsDiff,
    };

    // Slice the new task on the grown model, the same way as the old; the union is what the next task must leave alone.
    let newSlice: TaskSlice | null = null;
    let union: Slice | null = null;
    if ((opts.sliceNew ?? def.masksOldTasks) && sl && used) {
      // The new task is sliced as the old one was (a slice passed in: by the policy's defaults), with the same capacity condition.
      const policy: SlicePolicyOptions = { minFree, ...(used.choice.rule === 'given' ? {} : policyOf(used.choice)), ...opts.slicePolicy, seed };
      newSlice = await taskSlice(work, newData, fresh, policy);
      // The new slice first: the union describes the grown model (its fingerprint and params), the old rows unchanged.
      union = newSlice.slice.union(sl.forClasses(old));
    }
    const newTaskAfter: ExtendTask = { ...newTask, ...(def.masksOldTasks && union ? { mask: union.forClasses([...old, ...fresh]).mask() } : {}) };
    // The new task is measured through the whole model (its mask is what later tasks will see; D: the whole model
    // is what it was trained as, and its neurons outside its slice are free only from the next task on).
    const accAfter = await incrementalAccuracy(work, opts.test, evalTasks([...tasksOld, newTask]), { confidence: def.masksOldTasks });
    const capacity = union && newSlice
      ? capacityMeter([...earlierSlices, { classes: fresh, slice: newSlice.slice }], minFree)
      : capacityBefore ?? { tasks: [], sites: [], minFree, warnings: [], full: [] };

    const rows: ExtendRow[] = [
      { method: methodName, scenario: 'task-IL', part: 'old', before: accBefore.old, after: accAfter.old },
      { method: methodName, scenario: 'task-IL', part: 'new', before: accBefore.new, after: accAfter.new },
      { method: methodName, scenario: 'task-IL', part: 'average', before: accBefore.taskILAverage, after: accAfter.taskILAverage },
      { method: methodName, scenario: 'class-IL', part: 'old', before: accBefore.classIL.old, after: accAfter.classIL.old },
      { method: methodName, scenario: 'class-IL', part: 'new', before: accBefore.classIL.new, after: accAfter.classIL.new },
      { method: methodName, scenario: 'class-IL', part: 'all', before: accBefore.classIL.all, after: accAfter.classIL.all },
    ];
    const allTasks = [...tasksOld, newTaskAfter];
    const seen = sortedSet([...old, ...fresh]);
    const taskOf = (c: number): string => allTasks.find((t) => t.classes.includes(c))!.label;
    const perClass = aq.from(seen.map((c) => ({
      class: c, task: taskOf(c),
      taskILBefore: accBefore.perClass.taskIL[c]!, taskILAfter: accAfter.perClass.taskIL[c]!,
      classILBefore: accBefore.perClass.classIL[c]!, classILAfter: accAfter.perClass.classIL[c]!,
    })));
    const chosen = { ...(plan.chosen ?? {}), ...params };
    const sliceChoice = { old: used?.choice ?? null, new: newSlice?.choice ?? null };
    const manifest: ExtendManifest = {
      ...manifestBase('semslice-extend', methodName, model, used ? sliceRecord(used.slice, used.origin, used.choice) : null, budget, {
        new: dataRecord(newData), old: opts.oldData ? dataRecord(opts.oldData) : null, validation: opts.validation ? dataRecord(opts.validation) : null, test: dataRecord(opts.test),
      }, plan.note),
      kind: 'semslice-extend', after: modelFingerprint(work),
      tasks: allTasks.map((t) => ({ classes: t.classes, label: t.label })), chosen,
      oldLogitsIdentical: oldLogits.identical, frozenIdentical: frozen.identical,
      newSlice: newSlice ? { classes: newSlice.slice.classes, params: { ...newSlice.slice.params } as Record<string, unknown>, choice: newSlice.choice } : null,
    };
    return {
      model: work, method: methodName, tasks: allTasks, taskSlice: newSlice?.slice ?? null, slice: union, before: accBefore, after: accAfter,
      table: aq.from(rows), rows, perClass, frozen, oldLogits, capacity, capacityBefore, warnings, budget, chosen, grid, history, sliceChoice, seconds,
      ...(plan.note ? { note: plan.note } : {}), manifest,
      assertRetention: retentionMethod(accBefore.perClass.taskIL, accAfter.perClass.taskIL),
    };
  } catch (e) {
    work.dispose();
    throw e;
  }
}
