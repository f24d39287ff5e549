/**
 * Re-adaptation (RQ3, docs/maintenance.md): retrain a model on new samples (adversarial images, or the training data
 * of a damaged model) while changing only the weights a method chooses; ours changes only the weights of the slice's
 * critical neurons. Every method runs with the same budget (epochs, batch size, Adam learning rate, seed) on the same
 * training set: the new samples plus `cleanRatio` times as many clean training samples (a seeded draw; D). Frozen
 * entries stay bit-identical (one training loop, per-weight gradient masks; a weight with no trainable entry is left
 * out of the optimiser, so it costs no weight gradient); the result carries a checksum of every weight's frozen
 * entries before and after to show it.
 *
 * Measured before training (step 0), every `evalEvery` optimiser steps and after the last one (the checkpoints):
 * accuracy on held-out new samples (adversarial images made from test images, or the mutant's test images;
 * `checkpointHeldOut` may be a subset) and on clean images (`checkpointTest`, default the clean test set), overall and
 * per class; both are measured whole before and after. Training seconds are wall time with every evaluation left out. Time to target = the first
 * checkpoint whose held-out new-sample accuracy reaches `target`, in steps and training seconds.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { fromArrays } from '../../data/from-arrays.js';
import { SemsliceError } from '../../errors.js';
import { fail } from '../../messages/index.js';
import { layersOfKind, logitsModel } from '../../graph/index.js';
import { modelFingerprint } from '../../models/fingerprint.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate, train } from '../../train/index.js';
import { cloneModel } from '../../workloads/clone.js';
import { dataRecord } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import { compareFrozen, frozenValues, type FrozenCheck } from '../common/frozen.js';
import { manifestBase, sliceRecord, type ManifestBase } from '../common/manifest.js';
import { countParams, onesOf } from '../common/params.js';
import { retentionMethod, type Retains } from '../common/retention.js';
import { checkSliceFits, type SliceOrigin } from '../common/slice-check.js';
import { givenSliceChoice, taskSlice, type SliceChoice, type SlicePolicyOptions, type TaskSlice } from '../common/task-slice.js';
import { getReadaptMethod } from './methods.js';

/** Options of {@link readapt}; defaults in MAINTENANCE_DEFAULTS.readapt. */
export interface ReadaptOptions {
  /** 'critical' (ours), 'full', 'last-layer', 'deeparc', 'random', or a registered method. */
  method?: string;
  /** Clean training data: `cleanRatio` clean samples per new sample join the training set; the slice policy profiles it. */
  clean: Dataset;
  /** Held-out new samples (adversarial images from test images; a mutant's test set). */
  heldOut: Dataset;
  /** The clean test set (measured before and after). */
  test: Dataset;
  /** Clean images measured at every checkpoint (default `test`; a subset keeps frequent checkpoints cheap). */
  checkpointTest?: Dataset;
  /** Held-out new samples measured at every checkpoint (default `heldOut`; e.g. a subset of a mutant's test set). */
  checkpointHeldOut?: Dataset;
  /** Optimiser steps between checkpoints. Default MAINTENANCE_DEFAULTS.readapt.evalEvery (20). */
  evalEvery?: number;
  /** Held-out clean training samples theta 'auto' is chosen on (default: a split of `clean`). */
  validation?: Dataset;
  /** Clean counterparts of `newData` in the same order (an attack's `sources`): DeepArc's ranking. */
  pairs?: Dataset;
  /** The undamaged model (a mutant's original): DeepArc's ranking, and what the slice is of. */
  reference?: tf.LayersModel;
  /** Which classes the slice covers: every class (default) or those present in the new data. */
  sliceClasses?: 'all' | 'present';
  /** How the strategy slices when the method needs a slice and none is given (the slice policy). */
  slicePolicy?: SlicePolicyOptions;
  /** Use a slice of another model with the same sites on purpose (see checkSliceFits). Default false. */
  allowForeignSlice?: boolean;
  epochs?: number;
  batchSize?: number;
  /** Adam learning rate. */
  learningRate?: number;
  /** Clean training samples per new sample. */
  cleanRatio?: number;
  /** Seeds the clean draw, shuffling, dropout and the random subset. Default 0. */
  seed?: number;
  /** Training replicas (train()'s `workers`): 'auto' (default) uses both cores where it pays, 1 forces one thread. */
  workers?: number | 'auto';
  /** Held-out new-sample accuracy that counts as re-adapted (epochs and seconds to it). */
  target?: number;
  /** Method knobs (DeepArc: topK, samples). */
  methodParams?: Record<string, number | string | boolean>;
  /**
   * How BatchNormalization layers normalise while re-adapting: 'batch' (default: batch statistics, moving statistics
   * updated, as training does) or 'moving' (their moving statistics, kept as they are: the layers run as in inference;
   * an ablation, trained on one thread).
   */
  batchNormStatistics?: 'batch' | 'moving';
  /** Evaluation batch size. Default 256. */
  evalBatchSize?: number;
  /** Called at every checkpoint (the row's loss is filled in after training; NaN here). */
  onCheckpoint?: (row: ReadaptRow) => void;
  signal?: AbortSignal;
}

/** One row per checkpoint: before training (steps 0), every `evalEvery` steps, and after the last step. */
export interface ReadaptRow {
  /** Optimiser steps done. */
  steps: number;
  /** Passes over the training set done (steps / steps per epoch). */
  epoch: number;
  /** Accuracy on the held-out new samples, overall and per class (NaN for a class without samples). */
  newAccuracy: number;
  newPerClass: number[];
  /** Accuracy on the clean images of the checkpoints (the clean test set unless `checkpointTest` was given). */
  cleanAccuracy: number;
  cleanPerClass: number[];
  /** Mean training loss of the steps since the previous checkpoint (NaN at steps 0). */
  loss: number;
  /** Training seconds since the previous checkpoint and up to this one (evaluation excluded). */
  seconds: number;
  cumulativeSeconds: number;
}

/** What {@link readapt} returns. */
export interface ReadaptResult extends Retains {
  /** The re-adapted copy (the input model is unchanged; the caller owns it). */
  model: tf.LayersModel;
  method: string;
  table: aq.ColumnTable;
  rows: ReadaptRow[];
  /** Parameters the method may change (mask entries of trainable weights), and the model's trainable parameters. */
  trainableParams: number;
  totalParams: number;
  /** Weights (variables) the optimiser updates, of all trainable weights: a weight left out costs no weight gradient. */
  trainedWeights: number;
  totalWeights: number;
  target: number;
  /** The first checkpoint whose held-out new-sample accuracy >= target, in steps, epochs and training seconds (null: not reached; 0: already before). */
  stepsToTarget: number | null;
  epochsToTarget: number | null;
  secondsToTarget: number | null;
  /** Optimiser steps run, their training seconds (evaluation excluded) and the mean per step. */
  steps: number;
  trainSeconds: number;
  secondsPerStep: number;
  /** Before and after training, measured on the whole clean test set and the held-out new samples. */
  before: ReadaptRow;
  after: ReadaptRow;
  frozen: FrozenCheck;
  /** What the method chose (neurons per site, layers, DeepArc's ranked units). */
  chosen: Record<string, unknown>;
  /** The slice the method used (null for methods without one) and how it was made. */
  slice: Slice | null;
  sliceChoice: SliceChoice | null;
  manifest: ReadaptManifest;
}

/** How the result was made (the fair-comparison record). */
export interface ReadaptManifest extends ManifestBase {
  kind: 'semslice-readapt';
  /** The classes the slice covers ('all' or the classes present in the new data). */
  sliceClasses: 'all' | 'present';
  cleanRatio: number;
  batchNormStatistics: 'batch' | 'moving';
  result: {
    trainableParams: number; trainedWeights: number; target: number; stepsToTarget: number | null; epochsToTarget: number | null; secondsToTarget: number | null;
    steps: number; trainSeconds: number; secondsPerStep: number; newAccuracy: number; cleanAccuracy: number; frozenIdentical: boolean; fingerprint: string;
  };
}

function checkOptions(o: ReadaptOptions, newData: Dataset): void {
  if (!o || !o.clean || !o.heldOut || !o.test) throw fail('BAD_READAPT_OPTIONS', { case: 'missing-data' });
  if (!newData || newData.size < 1) throw fail('BAD_READAPT_OPTIONS', { case: 'empty-new' });
  const D = MAINTENANCE_DEFAULTS.readapt;
  const e = o.epochs ?? D.epochs;
  if (!Number.isInteger(e) || e < 1) throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'epochs', expected: 'a positive integer', value: e, example: 5 });
  const every = o.evalEvery ?? D.evalEvery;
  if (!Number.isInteger(every) || every < 1) throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'evalEvery', expected: 'a positive integer', value: every, example: 20 });
  const t = o.target ?? D.target;
  if (!(t >= 0 && t <= 1)) throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'target', value: t, range: [0, 1], example: 0.8 });
  const r = o.cleanRatio ?? D.cleanRatio;
  if (!(r >= 0 && Number.isFinite(r))) throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'cleanRatio', expected: 'a non-negative number', value: r, example: 1 });
  if (o.batchNormStatistics !== undefined && o.batchNormStatistics !== 'batch' && o.batchNormStatistics !== 'moving') throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'batchNormStatistics', example: 'batch', or: 'moving', value: o.batchNormStatistics, choices: ['batch', 'moving'] });
  if (o.sliceClasses !== undefined && o.sliceClasses !== 'all' && o.sliceClasses !== 'present') throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'sliceClasses', example: 'all', or: 'present', value: o.sliceClasses, choices: ['all', 'present'] });
  if (o.clean.size < Math.round(r * newData.size)) throw fail('BAD_READAPT_OPTIONS', { case: 'clean-short', clean: o.clean.size, need: Math.round(r * newData.size) });
  const shape = newData.sampleShape.join('x');
  for (const [name, d] of [['clean', o.clean], ['heldOut', o.heldOut], ['test', o.test], ['checkpointTest', o.checkpointTest ?? o.test], ['checkpointHeldOut', o.checkpointHeldOut ?? o.heldOut]] as const) {
    if (d.sampleShape.join('x') !== shape) throw fail('BAD_READAPT_OPTIONS', { case: 'shape', split: name, shape: d.sampleShape, newShape: newData.sampleShape });
  }
}

/** The classes the slice covers: every class, or those present in the new data. */
function sliceClassesOf(model: tf.LayersModel, newData: Dataset, which: 'all' | 'present'): number[] {
  const units = logitsModel(model).units;
  if (which === 'all') return Array.from({ length: units }, (_, c) => c);
  const counts = newData.classCounts();
  const present = Array.from({ length: units }, (_, c) => c).filter((c) => (counts[c] ?? 0) > 0);
  if (present.length === 0) throw fail('BAD_READAPT_OPTIONS', { case: 'none-present' });
  return present;
}

/**
 * The slice a re-adaptation method uses: the given one (checked against the model, or the reference model of a
 * mutant), restricted to the classes present with sliceClasses 'present'; else the policy's slice of the reference
 * (or the model) on the clean data. Null for methods that need none.
 */
export async function readaptSlice(model: tf.LayersModel, given: Slice | TaskSlice | null | undefined, needsSlice: boolean, newData: Dataset,
  o: { clean: Dataset; validation?: Dataset; reference?: tf.LayersModel; sliceClasses: 'all' | 'present'; slicePolicy?: SlicePolicyOptions; allowForeignSlice?: boolean; seed: number }): Promise<(TaskSlice & { origin: SliceOrigin }) | null> {
  if (!needsSlice && !given) return null;
  const classes = sliceClassesOf(model, newData, o.sliceClasses);
  if (given) {
    const ts = 'choice' in given ? given : { slice: given, choice: givenSliceChoice(o.reference ?? model, given) };
    const origin = await checkSliceFits(model, ts.slice, { ...(o.reference ? { reference: o.reference } : {}), allowForeignSlice: o.allowForeignSlice ?? false });
    const have = classes.filter((c) => ts.slice.classes.includes(c));
    if (o.sliceClasses === 'all' || have.join() === ts.slice.classes.join()) return { ...ts, origin };
    if (have.length === 0) throw fail('BAD_READAPT_OPTIONS', { case: 'slice-none-present' });
    const sub = ts.slice.forClasses(have);
    return { slice: sub, choice: { ...ts.choice, ...givenSliceChoice(o.reference ?? model, sub), rule: ts.choice.rule }, origin };
  }
  const ts = await taskSlice(o.reference ?? model, o.clean, classes, { seed: o.seed, ...o.slicePolicy, ...(o.validation ? { validation: o.validation } : {}) });
  return { ...ts, origin: o.reference ? 'reference' : 'this-model' };
}

/**
 * Make the model's BatchNormalization layers normalise with their moving statistics (and leave them as they are) in
 * training mode too, until the returned function is called. Per layer instance, on this thread only (a data-parallel
 * worker rebuilds the layers: the caller trains on one thread).
 */
function batchNormOnMovingStatistics(model: tf.LayersModel): () => void {
  type Call = (inputs: unknown, kwargs: Record<string, unknown>) => unknown;
  const patched: Array<{ call?: Call }> = [];
  for (const l of layersOfKind(model, 'batch-norm')) {
    const layer = l as unknown as { call?: Call };
    const stock = Object.getPrototypeOf(l) as { call: Call };
    layer.call = function (this: unknown, inputs, kwargs) { return stock.call.call(this, inputs, { ...kwargs, training: false }); };
    patched.push(layer);
  }
  return () => { for (const layer of patched) delete layer.call; };
}

/** New samples followed by `ratio` times as many clean ones (seeded choice), as one dataset. */
function trainingSet(newData: Dataset, clean: Dataset, ratio: number, seed: number): { data: Dataset; cleanPart: Dataset } {
  const cleanPart = clean.shuffle(seed).take(Math.round(ratio * newData.size));
  const all = (d: Dataset) => d.gather(Int32Array.from({ length: d.size }, (_, i) => i));
  const a = all(newData), b = all(cleanPart);
  const images = new Float32Array(a.images.length + b.images.length);
  images.set(a.images); images.set(b.images, a.images.length);
  const labels = new Int32Array(a.labels.length + b.labels.length);
  labels.set(a.labels); labels.set(b.labels, a.labels.length);
  const data = fromArrays({ name: `${newData.name}+clean`, split: 'readapt', images, labels, sampleShape: newData.sampleShape, classNames: clean.classNames });
  return { data, cleanPart };
}

/**
 * Re-adapt a copy of `model` to `newData` with one method; the input model is not changed. Without a slice, a method
 * that needs one slices the model (a mutant: its reference) by the slice policy on the clean data.
 *
 * @example
 * const adv = await fgsm(model, data.train, { count: 1000 });             // to learn from
 * const advTest = await fgsm(model, data.test, { count: 1000 });         // held out
 * const r = await readapt(model, null, adv.data, { method: 'critical', clean: data.train, heldOut: advTest.data,
 *   test: data.test, pairs: adv.sources, epochs: 5, seed: 0 });
 * r.after.newAccuracy; r.after.cleanAccuracy; r.trainableParams; r.secondsPerStep; r.frozen.identical;
 * r.assertRetention({ classes: [3, 5], maxDrop: 0.02 });
 */
export async function readapt(model: tf.LayersModel, slice: Slice | TaskSlice | null, newData: Dataset, opts: ReadaptOptions): Promise<ReadaptResult> {
  checkOptions(opts, newData);
  const D = MAINTENANCE_DEFAULTS.readapt;
  const method = opts.method ?? D.method;
  const def = getReadaptMethod(method);
  const seed = opts.seed ?? 0;
  const sliceClasses = opts.sliceClasses ?? D.sliceClasses;
  const used = await readaptSlice(model, slice, def.needsSlice, newData, {
    clean: opts.clean, ...(opts.validation ? { validation: opts.validation } : {}), ...(opts.reference ? { reference: opts.reference } : {}),
    sliceClasses, ...(opts.slicePolicy ? { slicePolicy: opts.slicePolicy } : {}), allowForeignSlice: opts.allowForeignSlice ?? false, seed,
  });
  const budget = { epochs: opts.epochs ?? D.epochs, batchSize: opts.batchSize ?? D.batchSize, learningRate: opts.learningRate ?? D.learningRate, optimizer: 'adam' as const, seed };
  const cleanRatio = opts.cleanRatio ?? D.cleanRatio;
  const target = opts.target ?? D.target;
  const evalBs = opts.evalBatchSize ?? 256;

  const choice = await def.select(model, {
    ...(used ? { mask: used.slice.mask() } : {}), fresh: newData, ...(opts.pairs ? { pairs: opts.pairs } : {}), ...(opts.reference ? { reference: opts.reference } : {}),
    seed, ...(opts.methodParams ? { params: opts.methodParams } : {}),
  });
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  let trainableParams = 0;
  const gradientMasks: Record<string, Float32Array> = {};
  const allowed = new Set<string>();
  for (const [name, m] of Object.entries(choice.masks)) {
    const w = byName.get(name);
    if (!w) continue;
    const ones = onesOf(m);
    if (w.trainable) trainableParams += ones;
    if (ones > 0) allowed.add(name);
    if (ones > 0 && ones < m.length) gradientMasks[name] = m;
  }
  if (trainableParams === 0) {
    throw fail('NOTHING_TO_TRAIN', { case: 'method-chose-none', method, model: model.name });
  }
  // Weights a method leaves out entirely are frozen whole (BatchNorm moving statistics included).
  const masksFull: Record<string, Float32Array> = {};
  for (const w of model.weights) masksFull[w.originalName] = choice.masks[w.originalName] ?? new Float32Array(w.shape.reduce<number>((a, d) => a * (d ?? 1), 1));

  const work = await cloneModel(model);
  const { data: trainData, cleanPart } = trainingSet(newData, opts.clean, cleanRatio, seed);
  const perEpoch = Math.ceil(trainData.size / budget.batchSize);
  const totalSteps = budget.epochs * perEpoch;
  const every = opts.evalEvery ?? D.evalEvery;
  const checkpointTest = opts.checkpointTest ?? opts.test;
  const checkpointHeldOut = opts.checkpointHeldOut ?? opts.heldOut;
  const whole = checkpointTest === opts.test && checkpointHeldOut === opts.heldOut;
  try {
    const measure = async (sets: 'checkpoint' | 'whole', steps: number, cumulative: number, seconds: number): Promise<ReadaptRow> => {
      const n = await evaluate(work, sets === 'whole' ? opts.heldOut : checkpointHeldOut, { batchSize: evalBs, confusion: false });
      const c = await evaluate(work, sets === 'whole' ? opts.test : checkpointTest, { batchSize: evalBs, confusion: false });
      return { steps, epoch: steps / perEpoch, newAccuracy: n.accuracy, newPerClass: n.perClass, cleanAccuracy: c.accuracy, cleanPerClass: c.perClass, loss: NaN, seconds, cumulativeSeconds: cumulative };
    };
    const first = await measure('checkpoint', 0, 0, 0);
    const before = whole ? first : await measure('whole', 0, 0, 0);
    const rows: ReadaptRow[] = [first];
    opts.onCheckpoint?.(first);
    const frozenBefore = await frozenValues(work, masksFull);
    // Training seconds: wall time between evaluations (the checkpoints run inside train()'s step loop).
    let trainSeconds = 0, mark = performance.now(), lastSeconds = 0;
    const lap = (): void => { const now = performance.now(); trainSeconds += (now - mark) / 1000; mark = now; };
    const checkpoint = async (steps: number): Promise<void> => {
      lap();
      const row = await measure('checkpoint', steps, trainSeconds, trainSeconds - lastSeconds);
      lastSeconds = trainSeconds;
      rows.push(row);
      opts.onCheckpoint?.(row);
      mark = performance.now();
    };
    const moving = opts.batchNormStatistics === 'moving';
    const release = moving ? batchNormOnMovingStatistics(work) : () => undefined;
    let history: Awaited<ReturnType<typeof train>>;
    try {
      history = await train(work, trainData, {
        epochs: budget.epochs, batchSize: budget.batchSize, learningRate: budget.learningRate, seed,
        gradientMasks, trainable: (name) => allowed.has(name), evalBatchSize: evalBs, workers: moving ? 1 : opts.workers ?? 'auto',
        everySteps: { every, run: checkpoint },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } finally {
      release();
    }
    lap();
    if (rows.at(-1)!.steps !== totalSteps) await checkpoint(totalSteps);
    // Each checkpoint's loss: the mean training loss of the steps since the previous one.
    const stepLoss = (history.steps ?? []).map((x) => x.loss);
    for (let i = 1; i < rows.length; i++) {
      const seg = stepLoss.slice(rows[i - 1]!.steps, rows[i]!.steps);
      rows[i]!.loss = seg.length ? seg.reduce((a, b) => a + b, 0) / seg.length : NaN;
    }
    const last = rows.at(-1)!;
    const after = whole ? last : { ...(await measure('whole', last.steps, last.cumulativeSeconds, last.seconds)), loss: last.loss };
    const frozen = compareFrozen(work, frozenBefore, await frozenValues(work, masksFull));
    const hit = rows.find((r) => r.newAccuracy >= target);
    const totalParams = countParams(model, 'trainable');
    const secondsPerStep = trainSeconds / Math.max(1, totalSteps);
    const trainable = model.trainableWeights.length;
    const trainedWeights = model.trainableWeights.filter((w) => allowed.has(w.originalName)).length;
    const record = used ? sliceRecord(used.slice, used.origin, used.choice) : null;
    const manifest: ReadaptManifest = {
      ...await manifestBase('semslice-readapt', method, model, record, { ...budget, steps: totalSteps }, {
        new: dataRecord(newData), clean: dataRecord(cleanPart), train: dataRecord(trainData), heldOut: dataRecord(opts.heldOut), test: dataRecord(opts.test),
        ...(checkpointTest !== opts.test ? { checkpointTest: dataRecord(checkpointTest) } : {}),
        ...(checkpointHeldOut !== opts.heldOut ? { checkpointHeldOut: dataRecord(checkpointHeldOut) } : {}),
      }, choice.note),
      kind: 'semslice-readapt', sliceClasses, cleanRatio, batchNormStatistics: opts.batchNormStatistics ?? 'batch',
      result: {
        trainableParams, trainedWeights, target, stepsToTarget: hit ? hit.steps : null, epochsToTarget: hit ? hit.epoch : null, secondsToTarget: hit ? hit.cumulativeSeconds : null,
        steps: totalSteps, trainSeconds, secondsPerStep, newAccuracy: after.newAccuracy, cleanAccuracy: after.cleanAccuracy, frozenIdentical: frozen.identical,
        fingerprint: await modelFingerprint(work),
      },
    };
    const table = aq.from(rows.map((r) => ({ ...r, newPerClass: [...r.newPerClass], cleanPerClass: [...r.cleanPerClass] })));
    return {
      model: work, method, table, rows, trainableParams, totalParams, trainedWeights, totalWeights: trainable, target,
      stepsToTarget: manifest.result.stepsToTarget, epochsToTarget: manifest.result.epochsToTarget, secondsToTarget: manifest.result.secondsToTarget,
      steps: totalSteps, trainSeconds, secondsPerStep,
      before, after, frozen, chosen: choice.chosen, slice: used?.slice ?? null, sliceChoice: used?.choice ?? null, manifest,
      assertRetention: retentionMethod(before.cleanPerClass, after.cleanPerClass),
    };
  } catch (e) {
    work.dispose();
    throw e;
  }
}
