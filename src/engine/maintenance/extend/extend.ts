/**
 * Incremental development (RQ4, docs/incremental.md): learn a new task's classes in the neurons the old tasks do not
 * read. With method `ours`, everything the old tasks' inference reads is frozen bit-identically (engine/masks'
 * oldTaskFreezeMasks), the free neurons start fresh (fresh-neurons.ts) and the new task trains on its own head
 * (`heads`); old-task inference masks the non-critical neurons and restricts the argmax to the old classes, so its
 * logits do not change at all. The result proves it twice: the old task's logits before and after, byte for byte,
 * and checksums of every frozen weight. Every result reports what it trained and what a step cost.
 *
 * The same function runs the baselines of the method list with the same data, optimiser, learning rate, seed and
 * number of optimiser steps: `epochs` passes over the new task's data at `batchSize`; a method that trains on more
 * samples (replay) gets proportionally larger batches, so every method takes the same steps (Avalanche's replay
 * likewise appends a memory minibatch).
 *
 * Without a slice, a method that needs one slices the old task by the slice policy (theta 'auto' with the capacity
 * condition `minFree`: the old task keeps its accuracy on held-out old-task samples and leaves room for the next).
 * After learning, the new task is sliced through the mask its inference will read (its slice with the earlier ones)
 * on held-out samples of it, leaving `minFreeAfter` of the free neurons to the tasks after it.
 * Sequences: pass the grown model, the union slice (`result.slice`) and `tasks` (the earlier tasks' class sets,
 * `result.tasks.map((t) => t.classes)`); see extendSequence().
 */
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { stratifiedSplit } from '../../data/split.js';
import { fail } from '../../messages/index.js';
import { fingerprint } from '../../fingerprint.js';
import { forward, logitsModel } from '../../graph/index.js';
import { logger } from '../../log.js';
import type { NeuronMask } from '../../masks/index.js';
import { modelFingerprint } from '../../models/fingerprint.js';
import { readTidy } from '../../read-tidy.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate, train, type EpochMetrics, type TrainHistory } from '../../train/index.js';
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
import { getExtendMethod, type ExtendHeads, type ExtendMethodContext, type ExtendMethodDef, type ExtendPlan } from './methods.js';

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
  /** Method knobs: replay (fraction) or memory (samples), lambda (EWC; chosen on the grid when absent), fisherSamples, fresh (ours). */
  params?: Record<string, number | string | boolean>;
  /** Values of the method's grid knob to try (EWC's lambda). Default: the method's grid (EWC_LAMBDA_GRID). */
  gridValues?: readonly number[];
  /**
   * Capacity: the share of every site the old task's slice must leave free (slice policy, when extend slices) and the
   * threshold under which the capacity meter warns.
   */
  minFree?: number;
  /**
   * Room the new task's slice leaves for the tasks after it: the share of the neurons free before it (outside the
   * earlier tasks' slices) that its slice must leave free at every site (theta auto; capacity wins over accuracy, as
   * for the old task). Default: `minFree`; extendSequence passes a share per remaining task.
   */
  minFreeAfter?: number;
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
  /**
   * How the loss reads the output layer (ExtendHeads). Default: the method's (`task` for ours, whose inference reads a
   * head per task; `shared` for the others).
   */
  heads?: ExtendHeads;
  /** Samples of the old and new classes measured after every epoch (task-IL, as `after`): `result.curve`. */
  curve?: Dataset;
  /** Called after every epoch of the final run (outside its timing); training waits for a returned promise. */
  onEpochEnd?: (m: EpochMetrics) => unknown;
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
export interface ExtendBudget {
  epochs: number; steps: number; batchSize: number; baseBatchSize: number; learningRate: number; optimizer: 'adam'; seed: number; trainSamples: number; newSamples: number;
  /** How the loss read the output layer (ExtendOptions.heads). */
  heads: ExtendHeads;
}


/** Task-IL accuracy after an epoch of training, on the `curve` samples. */
export interface ExtendCurvePoint { epoch: number; steps: number; seconds: number; loss: number; oldTaskIL: number; newTaskIL: number }

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
  /** Training seconds of the final run (the grid's runs excluded; evaluation excluded). */
  seconds: number;
  /** Seconds per optimiser step of the final run. */
  secondsPerStep: number;
  /**
   * Parameters the method may change (mask entries of trainable weights, or whole weights), of all trainable ones,
   * and the weights (variables) the optimiser updates: a weight with no trainable entry is left out of it and costs
   * no weight gradient.
   */
  trained: TrainedShare;
  /** Task-IL of the old and the new task after every epoch, on `opts.curve` (empty without it). */
  curve: ExtendCurvePoint[];
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

function sortedSet(xs: readonly number[]): number[] { return [...new Set(xs)].sort((a, b) => a - b); }

/** Checks the class sets against the model (BAD_EXTEND_OPTIONS). */
function resolveClasses(model: tf.LayersModel, slice: Slice | null, newData: Dataset, o: ExtendOptions): { old: number[]; fresh: number[]; tasks: number[][] } {
  const units = logitsModel(model).units;
  const old = sortedSet(o.oldClasses ?? o.tasks?.flat() ?? slice?.classes ?? []);
  const present = newData.classCounts().map((n, c) => (n > 0 ? c : -1)).filter((c) => c >= 0);
  const fresh = sortedSet(o.newClasses ?? present);
  if (old.length === 0) throw fail('BAD_EXTEND_OPTIONS', { case: 'empty-old' });
  if (fresh.length === 0) throw fail('BAD_EXTEND_OPTIONS', { case: 'empty-new' });
  for (const [what, set] of [['old', old], ['new', fresh]] as const) {
    const bad = set.filter((c) => !Number.isInteger(c) || c < 0 || c >= units);
    if (bad.length) throw fail('BAD_EXTEND_OPTIONS', { case: 'not-outputs', which: what, classes: bad, units });
  }
  const overlap = old.filter((c) => fresh.includes(c));
  if (overlap.length) throw fail('BAD_EXTEND_OPTIONS', { case: 'overlap', old, fresh, overlap });
  if (slice && old.length === units) throw fail('BAD_EXTEND_OPTIONS', { case: 'all-old' });
  if (slice) {
    const sc = new Set(slice.classes);
    const missing = old.filter((c) => !sc.has(c));
    if (missing.length) throw fail('BAD_EXTEND_OPTIONS', { case: 'slice-lacks', missing });
  }
  const wrong = newData.labels().some((l) => !fresh.includes(l));
  if (wrong && o.newClasses === undefined) throw fail('BAD_EXTEND_OPTIONS', { case: 'new-data-has-old' });
  const tasks = (o.tasks ?? [old]).map((t) => sortedSet(t));
  const covered = sortedSet(tasks.flat());
  if (covered.join() !== old.join()) throw fail('BAD_EXTEND_OPTIONS', { case: 'tasks-cover', tasks, old });
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

/** What a plan trains: parameters it may change, of all trainable ones, and the weights (variables) the optimiser updates. */
export interface TrainedShare { trainableParams: number; totalParams: number; trainedWeights: number; totalWeights: number }

/**
 * Split a plan's masks into whole weights left out of the optimiser (no trainable entry: no weight gradient is
 * computed for them) and per-entry masks for the rest; count what trains.
 */
function trainedShare(model: tf.LayersModel, masks: Record<string, Float32Array> | undefined): { frozenWhole: Set<string>; gradientMasks: Record<string, Float32Array>; share: TrainedShare } {
  const frozenWhole = new Set<string>();
  const gradientMasks: Record<string, Float32Array> = {};
  let trainableParams = 0, totalParams = 0, trainedWeights = 0, totalWeights = 0;
  for (const w of model.weights) {
    const m = masks?.[w.originalName];
    const size = w.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
    const ones = m ? m.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0) : size;
    if (m && ones === 0) frozenWhole.add(w.originalName);
    else if (m && ones < size) gradientMasks[w.originalName] = m;
    if (!w.trainable) continue;
    totalParams += size; totalWeights++;
    trainableParams += ones;
    if (ones > 0) trainedWeights++;
  }
  return { frozenWhole, gradientMasks, share: { trainableParams, totalParams, trainedWeights, totalWeights } };
}

/** One training run of a plan. */
interface PlanRun { plan: ExtendPlan; history: TrainHistory; budget: ExtendBudget; seconds: number; secondsPerStep: number; share: TrainedShare; curve: ExtendCurvePoint[] }

/** The softmax groups of the loss (ExtendOptions.heads): a head per task, or one over every class seen. */
function lossGroupsOf(heads: ExtendHeads, tasks: readonly (readonly number[])[]): number[][] {
  return heads === 'task' ? tasks.map((t) => [...t]) : [sortedSet(tasks.flat())];
}

/** Train one plan on the model (the budget is fixed by the new data: see the file comment). */
async function runPlan(model: tf.LayersModel, def: ExtendMethodDef, ctx: ExtendMethodContext, o: ExtendOptions, newData: Dataset, heads: ExtendHeads, tasks: number[][],
  measure?: () => Promise<{ oldTaskIL: number; newTaskIL: number }>): Promise<PlanRun> {
  const D = MAINTENANCE_DEFAULTS.extend;
  const plan = await def.plan(model, ctx);
  const epochs = o.epochs ?? D.epochs;
  const base = o.batchSize ?? D.batchSize;
  const learningRate = o.learningRate ?? D.learningRate;
  const data = plan.trainData ?? newData;
  // The steps of an epoch over the new data alone; more data (replay) gets the batch size that keeps them.
  const batchSize = Math.max(base, Math.ceil(data.size / Math.ceil(newData.size / base)));
  const { frozenWhole, gradientMasks, share } = trainedShare(model, plan.masks);
  const lossGroups = lossGroupsOf(heads, tasks);
  const perEpoch = Math.ceil(data.size / batchSize);
  const curve: ExtendCurvePoint[] = [];
  let elapsed = 0;
  const onEpochEnd = measure ? async (m: EpochMetrics): Promise<void> => {
    elapsed += m.seconds;
    curve.push({ epoch: m.epoch, steps: m.epoch * perEpoch, seconds: elapsed, loss: m.loss, ...(await measure()) });
  } : undefined;
  try {
    const history = await train(model, data, {
      epochs, batchSize, learningRate, seed: o.seed ?? 0, workers: o.workers ?? 'auto', lossGroups,
      ...(plan.masks ? { gradientMasks, trainable: (name: string) => !frozenWhole.has(name) } : {}),
      ...(plan.extraLoss ? { extraLoss: plan.extraLoss } : {}),
      ...(onEpochEnd || o.onEpochEnd ? { onEpochEnd: async (m: EpochMetrics) => { await onEpochEnd?.(m); await o.onEpochEnd?.(m); } } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const steps = history.epochs.length * perEpoch;
    const seconds = history.epochs.reduce((a, e) => a + e.seconds, 0);
    return {
      plan, history, seconds, secondsPerStep: seconds / Math.max(1, steps), share, curve,
      budget: { epochs, steps, batchSize, baseBatchSize: base, learningRate, optimizer: 'adam', seed: o.seed ?? 0, trainSamples: data.size, newSamples: newData.size, heads },
    };
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
    const origin = await checkSliceFits(model, ts.slice, { allowForeignSlice: o.allowForeignSlice ?? false });
    if (ts.slice.classes.join() === old.join()) return { ...ts, origin };
    const missing = old.filter((c) => !ts.slice.classes.includes(c));
    if (missing.length) throw fail('BAD_EXTEND_OPTIONS', { case: 'slice-lacks', missing });
    const sub = ts.slice.forClasses(old);
    return { slice: sub, choice: { ...givenSliceChoice(model, sub), rule: ts.choice.rule }, origin };
  }
  if (!o.oldData) {
    throw fail('NO_SLICE', { strategy: 'extend', case: 'no-old-data' });
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
  if (!opts || !opts.test) throw fail('BAD_EXTEND_OPTIONS', { case: 'no-test' });
  const D = MAINTENANCE_DEFAULTS.extend;
  const methodName = opts.method ?? D.method;
  const def = getExtendMethod(methodName);
  if (def.needsOldData && !opts.oldData) throw fail('BAD_EXTEND_OPTIONS', { case: 'needs-old-data', method: methodName });
  const epochs = opts.epochs ?? D.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw fail('BAD_EXTEND_OPTIONS', { case: 'value', option: 'epochs', expected: 'a positive integer', value: epochs, example: 2 });
  const minFree = opts.minFree ?? D.minFree;
  if (!(minFree >= 0 && minFree < 1)) throw fail('BAD_EXTEND_OPTIONS', { case: 'value', option: 'minFree', open: 'high', value: minFree, range: [0, 1], example: 0.25 });
  const givenSlice = slice ? ('choice' in slice ? slice.slice : slice) : null;
  const { old, fresh, tasks: earlier } = resolveClasses(model, givenSlice, newTaskData, opts);
  const allNew = opts.newClasses ? newTaskData.subsetClasses(fresh) : newTaskData;
  if (allNew.size === 0) throw fail('BAD_EXTEND_OPTIONS', { case: 'no-new-samples', classes: fresh });
  const seed = opts.seed ?? 0;
  const minFreeAfter = opts.minFreeAfter ?? opts.slicePolicy?.minFree ?? minFree;
  if (!(minFreeAfter >= 0 && minFreeAfter < 1)) throw fail('BAD_EXTEND_OPTIONS', { case: 'value', option: 'minFreeAfter', open: 'high', value: minFreeAfter, range: [0, 1], example: 0.5 });
  // The new task's slice is chosen on held-out samples of it: the given validation split, else a seeded 10% of its
  // data held out of training (a slice chosen on samples the model trained on keeps too few neurons).
  const slicesNew = (opts.sliceNew ?? def.masksOldTasks) && def.needsSlice;
  const givenNewVal = opts.validation ? opts.validation.subsetClasses(fresh) : undefined;
  const [newData, newVal] = !slicesNew ? [allNew, undefined] : givenNewVal && givenNewVal.size > 0 ? [allNew, givenNewVal] : holdOut(allNew, seed);
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
      throw fail('EXTEND_NO_CAPACITY', { sites: capacityBefore.full });
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

    const heads = opts.heads ?? def.heads ?? 'shared';
    const allTaskClasses = [...earlier, fresh];
    // The learning curve: task-IL on the `curve` samples after every epoch (outside the epochs' timing).
    const curveSet = opts.curve;
    const measure = curveSet ? async () => ({ oldTaskIL: await evaluatePart(work, curveSet, old, tasksOld), newTaskIL: await evaluatePart(work, curveSet, fresh, []) }) : undefined;

    // A grid knob (EWC's lambda): train a copy per value, keep the best mean task-IL of old and new task on the
    // validation split; without one, each value trains on 90% of the data and is scored on the rest, then the chosen
    // value trains on all of it. With a validation split the best run is the final run (same data, same seed).
    const grid: ExtendResult['grid'] = [];
    let run: PlanRun | undefined;
    if (def.grid && params[def.grid.param] === undefined) {
      const given = opts.validation;
      const [newTrain, newHeld] = given ? [newData, undefined] : holdOut(newData, seed);
      const [oldTrain, oldHeld] = given || !opts.oldData ? [opts.oldData, undefined] : holdOut(opts.oldData, seed);
      const start = snapshot(work);
      let best: { score: number; weights: tf.Tensor[]; run: PlanRun } | undefined;
      try {
        const values = opts.gridValues ?? def.grid.values;
        if (values.length === 0) throw fail('BAD_EXTEND_OPTIONS', { case: 'value', option: 'gridValues', expected: 'a non-empty list', value: values, example: [100, 10000, 1000000] });
        for (const value of values) {
          const r = await runPlan(work, def, { ...ctxBase, newData: newTrain, ...(oldTrain ? { oldData: oldTrain } : {}), params: { ...params, [def.grid.param]: value } }, opts, newTrain, heads, allTaskClasses, given ? measure : undefined);
          const oldSet = given ?? oldHeld;
          const oldAcc = oldSet ? await evaluatePart(work, oldSet, old, tasksOld) : NaN;
          const newAcc = await evaluatePart(work, given ?? newHeld!, fresh, []);
          const score = Number.isNaN(oldAcc) ? newAcc : (oldAcc + newAcc) / 2;
          grid.push({ value, score, oldTaskIL: oldAcc, newTaskIL: newAcc });
          if (given && (!best || score > best.score)) {
            best?.weights.forEach((t) => t.dispose());
            best = { score, weights: snapshot(work), run: r };
          }
          work.setWeights(start);
        }
        if (best) { work.setWeights(best.weights); run = best.run; }
      } finally {
        start.forEach((t) => t.dispose());
        best?.weights.forEach((t) => t.dispose());
      }
      params[def.grid.param] = grid.reduce((a, b) => (b.score > a.score ? b : a)).value;
    }
    run ??= await runPlan(work, def, { ...ctxBase, newData, params }, opts, newData, heads, allTaskClasses, measure);
    const { plan, history, budget, seconds, secondsPerStep, share, curve } = run;
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
      // The new task is sliced as the old one was (a slice passed in: by the policy's defaults), through the mask its
      // inference will read (its slice and the earlier tasks'), leaving `minFreeAfter` of every site to later tasks.
      const policy: SlicePolicyOptions = {
        ...(used.choice.rule === 'given' ? {} : policyOf(used.choice)), ...opts.slicePolicy, seed,
        minFree: minFreeAfter, keep: sl.forClasses(old).mask(), ...(newVal ? { validation: newVal } : {}),
      };
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
      ...await manifestBase('semslice-extend', methodName, model, used ? sliceRecord(used.slice, used.origin, used.choice) : null, budget, {
        new: dataRecord(newData), old: opts.oldData ? dataRecord(opts.oldData) : null, validation: opts.validation ? dataRecord(opts.validation) : null, test: dataRecord(opts.test),
      }, plan.note),
      kind: 'semslice-extend', after: await modelFingerprint(work),
      tasks: allTasks.map((t) => ({ classes: t.classes, label: t.label })), chosen,
      oldLogitsIdentical: oldLogits.identical, frozenIdentical: frozen.identical,
      newSlice: newSlice ? { classes: newSlice.slice.classes, params: { ...newSlice.slice.params } as Record<string, unknown>, choice: newSlice.choice } : null,
    };
    return {
      model: work, method: methodName, tasks: allTasks, taskSlice: newSlice?.slice ?? null, slice: union, before: accBefore, after: accAfter,
      table: aq.from(rows), rows, perClass, frozen, oldLogits, capacity, capacityBefore, warnings, budget, chosen, grid, history, sliceChoice, seconds, secondsPerStep, trained: share, curve,
      ...(plan.note ? { note: plan.note } : {}), manifest,
      assertRetention: retentionMethod(accBefore.perClass.taskIL, accAfter.perClass.taskIL),
    };
  } catch (e) {
    work.dispose();
    throw e;
  }
}
