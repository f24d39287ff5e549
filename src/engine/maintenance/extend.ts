/**
 * Incremental development (RQ4, docs/maintenance.md): learn a new task's classes in the neurons the old tasks do not
 * read. With method `ours`, everything the old tasks' inference reads is frozen bit-identically (a weight whose two
 * ends are old-critical, biases / BatchNorm parameters / moving statistics of old-critical neurons, the old
 * classes' output rows restricted to old-critical inputs); old-task inference masks the non-critical neurons and
 * restricts the argmax to the old classes, so its logits do not change at all. The result proves it twice: the old
 * task's logits before and after, byte for byte, and checksums of every frozen weight.
 *
 * The same function runs the baselines (naive, replay, ewc, deeparc, ours+replay: engine/baselines/incremental
 * registers them) with the same data, optimiser, learning rate, seed and number of optimiser steps: `epochs` passes
 * over the new task's data at `batchSize`; a method that trains on more samples (replay) gets proportionally larger
 * batches, so every method takes the same steps (Avalanche's replay likewise appends a memory minibatch).
 *
 * Sequences: pass the grown model, the union slice (`result.slice`) and `tasks` (the earlier tasks' class sets,
 * `result.tasks.map((t) => t.classes)`); see extendSequence().
 */
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { fingerprint } from '../fingerprint.js';
import { forward, logitsModel, siteReads } from '../graph/index.js';
import { logger } from '../log.js';
import { getIncrementalMethod, type IncrementalMethodDef, type IncrementalPlan } from '../masks/incremental-methods.js';
import type { NeuronMask } from '../masks/neuron-mask.js';
import { modelFingerprint } from '../models/fingerprint.js';
import type { Slice } from '../slicing/slice.js';
import { evaluate, train, type TrainHistory } from '../train/index.js';
import { cloneModel } from '../workloads/clone.js';
import { capacityMeter, classLabel, type CapacityReport } from './capacity.js';
import { incrementalAccuracy, type IncrementalAccuracy, type InferenceTask } from './incremental-eval.js';
import { retentionMethod, type Retains } from './retention.js';
import { sliceTask, thetaChoiceOf, type TaskSliceOptions, type ThetaChoice } from './slice-task.js';
import { readTidy } from '../read-tidy.js';

/** Options of {@link extend}. */
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
  /** The earlier tasks' training data (replay, EWC's Fisher, DeepArc's CKA). */
  oldData?: Dataset;
  /** Data a grid knob (EWC's lambda) is chosen on. Default: a seeded 10% held out of the training data. */
  validation?: Dataset;
  /** Passes over the new task's data. Default 1. */
  epochs?: number;
  /** Default 64 (replay methods: proportionally larger, see the file comment). */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seeds training, replay sampling and the grid's hold-out. Default 0. */
  seed?: number;
  /** Method knobs: replay (fraction), lambda (EWC; chosen on the grid when absent), fisherSamples. */
  params?: Record<string, number | string | boolean>;
  /** Capacity warning threshold, a fraction of each site's neurons. Default 0.1. */
  minFree?: number;
  /**
   * Learn even when every site is full (only the new output rows then train, on the frozen features). A site with no
   * free neuron while others have some is always learnt through (a warning). Default false.
   */
  allowFull?: boolean;
  /** Slice the new task after learning it (needed to extend again). Default true for methods that mask old tasks. */
  sliceNew?: boolean;
  /**
   * Options for slicing the new task. Default: the old slice's method, metric, theta and k; when the old slice was
   * made with theta 'auto' (sliceTask), 'auto' again with the same grid and tolerance.
   */
  sliceOptions?: TaskSliceOptions;
  /** Test samples of the old classes whose logits are compared byte for byte. Default 512. */
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

/** Checksums of the weights a method froze, before and after. */
export interface FrozenChecksums {
  /** Per weight: frozen entries and a checksum of their bytes before and after. */
  weights: Array<{ weight: string; frozen: number; before: string; after: string }>;
  /** Every frozen entry is bit-identical. */
  identical: boolean;
  frozenEntries: number;
  totalEntries: number;
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
  /** 'old', 'new' or 'all'. */
  part: string;
  before: number;
  after: number;
}

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
  frozen: FrozenChecksums;
  oldLogits: LogitsCheck;
  /** Free neurons before learning the new task (what it found) and after (what the next task will find). */
  capacity: CapacityReport;
  capacityBefore: CapacityReport | null;
  warnings: string[];
  /** The training budget, the same for every method of a comparison. */
  budget: { epochs: number; steps: number; batchSize: number; baseBatchSize: number; learningRate: number; seed: number; trainSamples: number; newSamples: number };
  /** Knobs the method used (replay fraction, lambda, ...), grid included. */
  chosen: Record<string, unknown>;
  grid: Array<{ value: number; score: number; oldTaskIL: number; newTaskIL: number }>;
  history: TrainHistory;
  /** How theta was chosen for the old task's slice and the new task's (sliceTask 'auto'); null = given. */
  sliceChoice: { old: ThetaChoice | null; new: ThetaChoice | null };
  note?: string;
  manifest: ExtendManifest;
}

/** How the result was made (written beside the grown model). */
export interface ExtendManifest {
  kind: 'semslice-extend';
  version: 1;
  method: string;
  model: { name: string; before: string; after: string };
  tasks: Array<{ classes: number[]; label: string }>;
  budget: ExtendResult['budget'];
  chosen: Record<string, unknown>;
  data: { new: string; old: string | null; test: string };
  oldLogitsIdentical: boolean;
  frozenIdentical: boolean;
  /** The slices' parameters (metric, theta) and, when chosen with 'auto', how. */
  slices: { old: { metric: string; theta: number | null; k: number | null; choice: ThetaChoice | null } | null; new: { metric: string; theta: number | null; k: number | null; choice: ThetaChoice | null } | null };
}

function fail(msg: string, hint: string): SemsliceError { return new SemsliceError('BAD_EXTEND_OPTIONS', `extend: ${msg}`, hint); }

function sortedSet(xs: readonly number[]): number[] { return [...new Set(xs)].sort((a, b) => a - b); }

/** Checks the class sets and the slice against the model (BAD_EXTEND_OPTIONS / SLICE_MODEL_MISMATCH). */
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
    const sites = siteReads(model).map((r) => r.site);
    const theirs = slice.sites;
    const same = theirs.length === sites.length && theirs.every((s, i) => s.name === sites[i]!.name && s.neurons === sites[i]!.neurons);
    if (!same) {
      throw new SemsliceError('SLICE_MODEL_MISMATCH', `The slice was made for another model: its sites are ${theirs.map((s) => `${s.name}(${s.neurons})`).join(', ')}, the model's ${sites.map((s) => `${s.name}(${s.neurons})`).join(', ')}.`,
        'Slice this model on the old task first, then extend it with that slice.');
    }
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
        parts.push(await readTidy(() => {
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

/** Frozen entries (mask 0) of every masked weight, gathered into one buffer per weight. */
async function frozenValues(model: tf.LayersModel, masks: Record<string, Float32Array>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const w of model.weights) {
    const m = masks[w.originalName];
    if (!m) continue;
    const v = (await w.read().data()) as Float32Array;
    const vals: number[] = [];
    for (let i = 0; i < m.length; i++) if (m[i] === 0) vals.push(v[i]!);
    if (vals.length) out.set(w.originalName, Float32Array.from(vals));
  }
  return out;
}

function snapshot(model: tf.LayersModel): tf.Tensor[] { return model.getWeights().map((w) => w.clone()); }
function restore(model: tf.LayersModel, snap: tf.Tensor[]): void { model.setWeights(snap); }

/** Train one plan on the model (the budget is fixed by the new data: see the file comment). */
async function runPlan(model: tf.LayersModel, def: IncrementalMethodDef, ctx: Parameters<IncrementalMethodDef['plan']>[1], o: ExtendOptions, newData: Dataset):
  Promise<{ plan: IncrementalPlan; history: TrainHistory; budget: ExtendResult['budget'] }> {
  const plan = await def.plan(model, ctx);
  const epochs = o.epochs ?? 1;
  const base = o.batchSize ?? 64;
  const data = plan.trainData ?? newData;
  const batchSize = Math.max(base, Math.ceil((base * data.size) / newData.size));
  try {
    const history = await train(model, data, {
      epochs, batchSize, learningRate: o.learningRate ?? 1e-3, seed: o.seed ?? 0, workers: o.workers ?? 'auto',
      ...(plan.masks ? { gradientMasks: plan.masks } : {}),
      ...(plan.extraLoss ? { extraLoss: plan.extraLoss } : {}),
      ...(o.onEpochEnd ? { onEpochEnd: o.onEpochEnd } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const steps = epochs * Math.ceil(data.size / batchSize);
    return { plan, history, budget: { epochs, steps, batchSize, baseBatchSize: base, learningRate: o.learningRate ?? 1e-3, seed: o.seed ?? 0, trainSamples: data.size, newSamples: newData.size } };
  } finally {
    plan.dispose?.();
  }
}

/** A seeded split of a dataset into (train, held-out) with `frac` held out. */
function holdOut(d: Dataset, frac: number, seed: number): [Dataset, Dataset] {
  const s = d.shuffle(seed);
  const k = Math.max(1, Math.round(frac * s.size));
  const idx = Int32Array.from({ length: s.size }, (_, i) => i);
  return [s.select(idx.subarray(k)), s.select(idx.subarray(0, k))];
}

/**
 * Learn a new task in a model that knows earlier ones; with method `ours` the earlier tasks' predictions (logits)
 * stay bit-identical. The input model is not changed.
 *
 * Class-incremental prediction of ours: see incremental-eval.ts (task inference by the highest softmax confidence
 * among the tasks' masked inferences).
 *
 * @example
 * const sliceA = (await ss.slice(model, data.train.subsetClasses([0, 1, 2, 3, 4]))).forClasses([0, 1, 2, 3, 4]);
 * const r = await ss.extend(model, sliceA, data.train.subsetClasses([5, 6, 7, 8, 9]), { test: data.test, epochs: 2 });
 * r.oldLogits.identical;   // true: task A's logits did not move by a bit
 * r.table.print();         // task-IL and class-IL, old / new / all, before and after
 * r.capacity.warnings;     // sites running out of free neurons
 */
export async function extend(model: tf.LayersModel, slice: Slice | null, newTaskData: Dataset, opts: ExtendOptions): Promise<ExtendResult> {
  if (!opts || !opts.test) throw fail('test data is required (accuracy before and after, the bit-identity check).', 'Pass { test: data.test }.');
  const methodName = opts.method ?? 'ours';
  const def = getIncrementalMethod(methodName);
  if (def.needsSlice && !slice) throw new SemsliceError('NO_SLICE', `The incremental method "${methodName}" needs the old task's slice.`, 'Slice the model on the old task first (ss.slice(model, taskA)), or use method "naive".');
  if (def.needsOldData && !opts.oldData) throw fail(`method "${methodName}" needs the old task's training data.`, 'Pass { oldData: data.train.subsetClasses(oldClasses) } (the CLI does this from --old).');
  const epochs = opts.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw fail(`epochs must be a positive integer, got ${opts.epochs}.`, 'Pass e.g. { epochs: 2 } (--epochs 2).');
  const minFree = opts.minFree ?? 0.1;
  if (!(minFree >= 0 && minFree <= 1)) throw fail(`minFree must be in [0, 1], got ${opts.minFree}.`, 'Pass e.g. { minFree: 0.1 }: warn under 10% free neurons.');
  const { old, fresh, tasks: earlier } = resolveClasses(model, slice, newTaskData, opts);
  const newData = opts.newClasses ? newTaskData.subsetClasses(fresh) : newTaskData;
  if (newData.size === 0) throw fail(`the new task's data has no samples of the classes ${fresh.join(', ')}.`, 'Pass the new task\'s training samples.');
  const seed = opts.seed ?? 0;
  const params = { ...(opts.params ?? {}) };
  const warnings: string[] = [];

  // Capacity the new task finds (ours): refuse when a site has no free neuron left.
  const earlierSlices = slice ? earlier.map((t) => ({ classes: t, slice: slice.forClasses(t) })) : [];
  const capacityBefore = slice ? capacityMeter(earlierSlices, minFree) : null;
  // A full site is learnt through: the new task reads the earlier tasks' frozen features there (and the weights from
  // free neurons before it into them) and learns in the free neurons of the other sites. Only when every site is full
  // is there nothing left to learn in but the new output rows: EXTEND_NO_CAPACITY unless allowFull.
  if (capacityBefore && def.masksOldTasks) {
    const allFull = capacityBefore.sites.length > 0 && capacityBefore.full.length === capacityBefore.sites.length;
    if (allFull && !opts.allowFull) {
      throw new SemsliceError('EXTEND_NO_CAPACITY', `extend: no free neurons left in any site (${capacityBefore.full.join(', ')}): every neuron is read by an earlier task.`,
        'Slice the earlier tasks more strictly (a lower theta or a larger tolerance for theta auto), use a wider model, or pass { allowFull: true } to learn the new output rows on the frozen features only.');
    }
    for (const w of capacityBefore.warnings) { warnings.push(w); logger().warn(`extend: ${w}`); }
    if (capacityBefore.full.length && !allFull) {
      const w = `site${capacityBefore.full.length > 1 ? 's' : ''} ${capacityBefore.full.join(', ')} ha${capacityBefore.full.length > 1 ? 've' : 's'} no free neuron: the new task reads the earlier tasks' frozen features there`;
      warnings.push(w); logger().warn(`extend: ${w}`);
    }
  }

  const work = await cloneModel(model);
  try {
    const tasksOld = inferenceTasks(slice, earlier, def.masksOldTasks);
    const newTask: ExtendTask = { classes: fresh, label: classLabel(fresh) };
    const evalTasks = (ts: ExtendTask[]): InferenceTask[] => ts.map((t) => ({ classes: t.classes, ...(t.mask ? { mask: t.mask } : {}) }));
    const accBefore = await incrementalAccuracy(work, opts.test, evalTasks([...tasksOld, newTask]), { confidence: def.masksOldTasks });
    const checkN = opts.checkSamples ?? 512;
    const logitsBefore = await oldTaskLogits(work, opts.test, tasksOld, checkN);
    const ctxBase = { ...(slice ? { mask: slice.forClasses(old).mask() } : {}), oldClasses: old, newClasses: fresh, ...(opts.oldData ? { oldData: opts.oldData } : {}), seed, batchSize: opts.batchSize ?? 64 };

    // A grid knob (EWC's lambda): train a copy per value on 90% of the data, keep the best mean task-IL on the rest.
    const grid: ExtendResult['grid'] = [];
    if (def.grid && params[def.grid.param] === undefined) {
      const [newTrain, newVal] = holdOut(newData, 0.1, seed);
      const [oldTrain, oldVal] = opts.oldData ? holdOut(opts.oldData, 0.1, seed) : [undefined, undefined];
      const start = snapshot(work);
      try {
        for (const value of def.grid.values) {
          await runPlan(work, def, { ...ctxBase, newData: newTrain, ...(oldTrain ? { oldData: oldTrain } : {}), params: { ...params, [def.grid.param]: value } }, opts, newTrain);
          const val = opts.validation;
          const oldAcc = val ?? oldVal ? await evaluatePart(work, (val ?? oldVal)!, old, tasksOld) : NaN;
          const newAcc = await evaluatePart(work, val ?? newVal, fresh, []);
          grid.push({ value, score: (oldAcc + newAcc) / 2, oldTaskIL: oldAcc, newTaskIL: newAcc });
          restore(work, start);
        }
      } finally { start.forEach((t) => t.dispose()); }
      const best = grid.reduce((a, b) => (b.score > a.score ? b : a));
      params[def.grid.param] = best.value;
    }

    const { plan, history, budget } = await runPlan(work, def, { ...ctxBase, newData, params }, opts, newData);
    const masks = plan.masks;
    const frozenBefore = masks ? await frozenValuesOf(model, masks) : new Map<string, Float32Array>();
    const frozenAfter = masks ? await frozenValues(work, masks) : new Map<string, Float32Array>();
    const frozen = checksums(model, frozenBefore, frozenAfter);

    const logitsAfter = await oldTaskLogits(work, opts.test, tasksOld, checkN);
    let maxAbsDiff = 0;
    for (let i = 0; i < logitsAfter.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(logitsAfter[i]! - logitsBefore[i]!));
    const oldLogits: LogitsCheck = {
      samples: tasksOld.reduce((a, t) => a + opts.test.subsetClasses(t.classes).take(checkN).size, 0),
      before: fingerprint(logitsBefore), after: fingerprint(logitsAfter),
      identical: Buffer.from(logitsBefore.buffer).equals(Buffer.from(logitsAfter.buffer)), maxAbsDiff,
    };

    // Slice the new task on the grown model; the union is what the next task must leave alone.
    let taskSlice: Slice | null = null;
    let union: Slice | null = null;
    if ((opts.sliceNew ?? def.masksOldTasks) && slice) {
      const p = slice.params;
      const oc = thetaChoiceOf(slice);
      const so: TaskSliceOptions = opts.sliceOptions ?? (oc
        ? { method: p.method, metric: p.metric, theta: 'auto', tolerance: oc.tolerance, thetaGrid: oc.thetaGrid, onlyCorrect: false, seed }
        : { method: p.method, metric: p.metric, ...(p.theta !== null ? { theta: p.theta } : {}), ...(p.k !== null ? { k: p.k } : {}), onlyCorrect: false, seed });
      taskSlice = await sliceTask(work, newData, fresh, so);
      union = slice.forClasses(old).union(taskSlice);
    }
    const newTaskAfter: ExtendTask = { ...newTask, ...(def.masksOldTasks && union ? { mask: union.forClasses([...old, ...fresh]).mask() } : {}) };
    // The new task is measured through the whole model (its mask is what later tasks will see; D: the whole model
    // is what it was trained as, and its neurons outside its slice are free only from the next task on).
    const accAfter = await incrementalAccuracy(work, opts.test, evalTasks([...tasksOld, newTask]), { confidence: def.masksOldTasks });
    const capacity = union ? capacityMeter([...earlierSlices, { classes: fresh, slice: taskSlice! }], minFree) : capacityBefore ?? { tasks: [], sites: [], minFree, warnings: [], full: [] };

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
    const sliceChoice = { old: thetaChoiceOf(slice), new: thetaChoiceOf(taskSlice) };
    const sliceInfo = (s: Slice | null, c: ThetaChoice | null) => (s ? { metric: s.params.metric, theta: s.params.theta, k: s.params.k, choice: c } : null);
    const manifest: ExtendManifest = {
      kind: 'semslice-extend', version: 1, method: methodName,
      model: { name: model.name, before: await modelFingerprint(model), after: await modelFingerprint(work) },
      tasks: allTasks.map((t) => ({ classes: t.classes, label: t.label })), budget, chosen,
      data: { new: newData.fingerprint(), old: opts.oldData ? opts.oldData.fingerprint() : null, test: opts.test.fingerprint() },
      oldLogitsIdentical: oldLogits.identical, frozenIdentical: frozen.identical,
      slices: { old: sliceInfo(slice, sliceChoice.old), new: sliceInfo(taskSlice, sliceChoice.new) },
    };
    return {
      model: work, method: methodName, tasks: allTasks, taskSlice, slice: union, before: accBefore, after: accAfter,
      table: aq.from(rows), rows, perClass, frozen, oldLogits, capacity, capacityBefore, warnings, budget, chosen, grid, history, sliceChoice,
      ...(plan.note ? { note: plan.note } : {}), manifest,
      assertRetention: retentionMethod(accBefore.perClass.taskIL, accAfter.perClass.taskIL),
    };
  } catch (e) {
    work.dispose();
    throw e;
  }
}

/** Task-IL accuracy on `data` for `classes`: the new task through the whole model, old tasks through their masks (mean over tasks). */
async function evaluatePart(model: tf.LayersModel, data: Dataset, classes: number[], tasks: readonly ExtendTask[]): Promise<number> {
  if (data.subsetClasses(classes).size === 0) return NaN;
  if (tasks.length === 0) return (await evaluate(model, data, { classes, confusion: false })).accuracy;
  const accs: number[] = [];
  for (const t of tasks) accs.push((await evaluate(model, data, { classes: t.classes, confusion: false, ...(t.mask ? { mask: t.mask } : {}) })).accuracy);
  return accs.reduce((x, y) => x + y, 0) / accs.length;
}

/** The input model's frozen entries (same layout as frozenValues). */
function frozenValuesOf(model: tf.LayersModel, masks: Record<string, Float32Array>): Promise<Map<string, Float32Array>> { return frozenValues(model, masks); }

function checksums(model: tf.LayersModel, before: Map<string, Float32Array>, after: Map<string, Float32Array>): FrozenChecksums {
  const weights: FrozenChecksums['weights'] = [];
  let identical = true, frozenEntries = 0;
  for (const [name, b] of before) {
    const a = after.get(name)!;
    const same = Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    identical &&= same;
    frozenEntries += b.length;
    weights.push({ weight: name, frozen: b.length, before: fingerprint(b), after: fingerprint(a) });
  }
  const totalEntries = model.weights.reduce((s, w) => s + w.shape.reduce<number>((x, d) => x * (d ?? 1), 1), 0);
  return { weights, identical, frozenEntries, totalEntries };
}
