/**
 * Re-adaptation (RQ3, docs/maintenance.md): retrain a model on new samples (adversarial images, or the training data
 * of a damaged model) while changing only the weights a method chooses; ours changes only the weights of the slice's
 * critical neurons. Every method runs with the same budget (epochs, batch size, Adam learning rate, seed) on the same
 * training set: the new samples plus as many clean training samples (the first `newData.size` of `clean` shuffled by
 * the seed; D). Frozen entries stay bit-identical (one training loop, per-weight gradient masks); the result carries a
 * checksum of every weight's frozen entries before and after to show it.
 *
 * Measured before training (epoch 0) and after every epoch: accuracy on held-out new samples (adversarial images made
 * from test images, or the mutant's test set) and on the clean test set, overall and per class. Time to target = the
 * first epoch whose held-out new-sample accuracy reaches `target`, and the training seconds up to it.
 */
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fromArrays } from '../data/from-arrays.js';
import { SemsliceError } from '../errors.js';
import { fingerprint } from '../fingerprint.js';
import { siteReads } from '../graph/index.js';
import { getTrainSet, type NeuronMask } from '../masks/index.js';
import { modelFingerprint } from '../models/fingerprint.js';
import { Slice } from '../slicing/slice.js';
import { evaluate, train } from '../train/index.js';
import { cloneModel } from '../workloads/clone.js';
import { retentionMethod, type Retains } from './retention.js';

/** Options of {@link readapt}. */
export interface ReadaptOptions {
  /** 'critical' (ours, default with a slice), 'full', 'last-layer', 'deeparc', 'random', or a registered method. */
  method?: string;
  /** Clean training data; as many of its samples as there are new samples join the training set. */
  clean: Dataset;
  /** Held-out new samples (adversarial images from test images; a mutant's test set). */
  heldOut: Dataset;
  /** The clean test set. */
  test: Dataset;
  /** Clean counterparts of `newData` in the same order (an attack's `sources`): DeepArc's ranking. */
  pairs?: Dataset;
  /** The undamaged model (a mutant's original): DeepArc's ranking. */
  reference?: tf.LayersModel;
  /** Which slice: every class of the slice (default) or only the classes present in the new data. */
  sliceClasses?: 'all' | 'present';
  /** Default 5. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seeds the clean sample, shuffling, dropout and the random subset. Default 0. */
  seed?: number;
  /** Training replicas (train()'s `workers`): 'auto' (default) uses both cores where it pays, 1 forces one thread. */
  workers?: number | 'auto';
  /** Held-out new-sample accuracy that counts as re-adapted (epochs and seconds to it). Default 0.8. */
  target?: number;
  /** Method knobs (DeepArc: topK, samples). */
  methodParams?: Record<string, number | string | boolean>;
  /** Evaluation batch size. Default 256. */
  evalBatchSize?: number;
  onEpoch?: (row: ReadaptRow) => void;
  signal?: AbortSignal;
}

/** One row per epoch (0 = before training). */
export interface ReadaptRow {
  epoch: number;
  newAccuracy: number;
  newPerClass: number[];
  cleanAccuracy: number;
  cleanPerClass: number[];
  /** Training loss of the epoch (NaN at epoch 0). */
  loss: number;
  /** Training seconds of this epoch (evaluation excluded) and up to it. */
  seconds: number;
  cumulativeSeconds: number;
}

/** Checksum of one weight's frozen entries before and after. */
export interface FrozenChecksum {
  weight: string;
  /** Frozen entries (mask 0) out of all entries. */
  frozen: number;
  size: number;
  before: string;
  after: string;
  identical: boolean;
}

/** What {@link readapt} returns. */
export interface ReadaptResult extends Retains {
  /** The re-adapted copy (the input model is unchanged; the caller owns it). */
  model: tf.LayersModel;
  method: string;
  table: aq.ColumnTable;
  rows: ReadaptRow[];
  /** Trainable parameters under the method (mask entries of trainable weights that may change), and of the model. */
  trainableParams: number;
  totalParams: number;
  target: number;
  /** First epoch whose held-out new-sample accuracy >= target (null: not reached; 0: already before). */
  epochsToTarget: number | null;
  secondsToTarget: number | null;
  before: ReadaptRow;
  after: ReadaptRow;
  checksums: FrozenChecksum[];
  /** True when every weight's frozen entries are bit-identical after training. */
  frozenIdentical: boolean;
  /** What the method chose (neurons per site, layers, DeepArc's ranked units). */
  chosen: Record<string, unknown>;
  manifest: ReadaptManifest;
}

/** How the result was made (the fair-comparison record). */
export interface ReadaptManifest {
  kind: 'semslice-readapt';
  version: 1;
  method: string;
  note?: string;
  model: { name: string; fingerprint: string; params: number };
  slice: { classes: number[]; used: number[]; params: Record<string, unknown>; modelMatches: boolean } | null;
  budget: { epochs: number; batchSize: number; learningRate: number; optimizer: 'adam'; seed: number };
  data: { newSamples: string; newSize: number; cleanSamples: string; cleanSize: number; trainFingerprint: string; heldOut: string; heldOutSize: number; test: string; testSize: number };
  result: { trainableParams: number; target: number; epochsToTarget: number | null; secondsToTarget: number | null; newAccuracy: number; cleanAccuracy: number; frozenIdentical: boolean; fingerprint: string };
}

function checkOptions(o: ReadaptOptions, newData: Dataset): void {
  const bad = (msg: string, hint: string) => new SemsliceError('BAD_READAPT_OPTIONS', `readapt: ${msg}`, hint);
  if (!o || !o.clean || !o.heldOut || !o.test) throw bad('clean, heldOut and test data are required.', 'Pass { clean: data.train, heldOut: advTest.data, test: data.test }.');
  if (!newData || newData.size < 1) throw bad('the new data is empty.', 'Pass the new samples (e.g. fgsm(model, data.train).data).');
  const e = o.epochs ?? 5;
  if (!Number.isInteger(e) || e < 1) throw bad(`epochs must be a positive integer, got ${o.epochs}.`, 'Pass e.g. { epochs: 5 }.');
  const t = o.target ?? 0.8;
  if (!(t >= 0 && t <= 1)) throw bad(`target must be in [0, 1], got ${o.target}.`, 'Pass e.g. { target: 0.8 }.');
  if (o.sliceClasses !== undefined && o.sliceClasses !== 'all' && o.sliceClasses !== 'present') throw bad(`sliceClasses must be "all" or "present", got "${o.sliceClasses}".`, 'Pass { sliceClasses: "all" } or "present".');
  if (o.clean.size < newData.size) throw bad(`the clean data has ${o.clean.size} samples, fewer than the ${newData.size} new ones.`, 'Pass more clean training data, or fewer new samples.');
  const shape = newData.sampleShape.join('x');
  for (const [name, d] of [['clean', o.clean], ['heldOut', o.heldOut], ['test', o.test]] as const) {
    if (d.sampleShape.join('x') !== shape) throw bad(`${name} data has samples of ${d.sampleShape.join('x')}, the new data ${shape}.`, 'Use data of the same dataset.');
  }
}

/** The slice's mask (its sites must be the model's); the slice's own classes or those present in the new data. */
async function sliceMask(model: tf.LayersModel, slice: Slice | null, newData: Dataset, which: 'all' | 'present'): Promise<{ mask?: NeuronMask; used: number[]; matches: boolean }> {
  if (!slice) return { used: [], matches: false };
  const sites = siteReads(model).map((r) => r.site);
  const theirs = slice.sites;
  if (theirs.length !== sites.length || theirs.some((s, i) => s.name !== sites[i]!.name || s.neurons !== sites[i]!.neurons)) {
    throw new SemsliceError('SLICE_MODEL_MISMATCH',
      `The slice was made for another model: its sites are ${theirs.map((s) => `${s.name}(${s.neurons})`).join(', ')}, the model's ${sites.map((s) => `${s.name}(${s.neurons})`).join(', ')}.`,
      'Slice this model (or, for a mutant, its undamaged original) first, then re-adapt with that slice.');
  }
  const fp = slice.fingerprints.model;
  // A mutant's slice is its original's: same sites, another fingerprint. Recorded, not refused.
  const matches = fp === await modelFingerprint(model);
  if (which === 'all') return { mask: slice.mask(), used: slice.classes, matches };
  const counts = newData.classCounts();
  const present = slice.classes.filter((c) => (counts[c] ?? 0) > 0);
  if (present.length === 0) throw new SemsliceError('BAD_READAPT_OPTIONS', 'readapt: none of the slice\'s classes is present in the new data.', 'Use sliceClasses "all", or a slice of the classes in the new data.');
  return { mask: slice.forClasses(present).mask(), used: present, matches };
}

/** New samples followed by as many clean ones (seeded choice), as one dataset. */
function trainingSet(newData: Dataset, clean: Dataset, seed: number): { data: Dataset; cleanPart: Dataset } {
  const cleanPart = clean.shuffle(seed).take(newData.size);
  const all = (d: Dataset) => d.gather(Int32Array.from({ length: d.size }, (_, i) => i));
  const a = all(newData), b = all(cleanPart);
  const images = new Float32Array(a.images.length + b.images.length);
  images.set(a.images); images.set(b.images, a.images.length);
  const labels = new Int32Array(a.labels.length + b.labels.length);
  labels.set(a.labels); labels.set(b.labels, a.labels.length);
  const data = fromArrays({ name: `${newData.name}+clean`, split: 'readapt', images, labels, sampleShape: newData.sampleShape, classNames: clean.classNames });
  return { data, cleanPart };
}

/** Frozen entries (mask 0) of every weight, hashed. */
async function frozenHashes(model: tf.LayersModel, masks: Record<string, Float32Array>): Promise<Map<string, { hash: string; frozen: number; size: number }>> {
  const out = new Map<string, { hash: string; frozen: number; size: number }>();
  for (const w of model.weights) {
    const v = (await w.read().data()) as Float32Array;
    const m = masks[w.originalName];
    const kept: number[] = [];
    const frozen = new Float32Array(v.length);
    let n = 0;
    for (let i = 0; i < v.length; i++) if (!m || m[i] === 0) { frozen[n++] = v[i]!; kept.push(i); }
    out.set(w.originalName, { hash: fingerprint(frozen.subarray(0, n), Int32Array.from(kept)), frozen: n, size: v.length });
  }
  return out;
}

function countParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((a, w) => a + w.shape.reduce<number>((x, d) => x * (d ?? 1), 1), 0);
}

/**
 * Re-adapt a copy of `model` to `newData` with one method; the input model is not changed.
 *
 * @example
 * const adv = await fgsm(model, data.train, { count: 1000 });             // to learn from
 * const advTest = await fgsm(model, data.test, { count: 1000 });         // held out
 * const r = await readapt(model, slice, adv.data, { method: 'critical', clean: data.train, heldOut: advTest.data,
 *   test: data.test.take(2000), pairs: adv.sources, epochs: 5, seed: 0 });
 * r.after.newAccuracy; r.after.cleanAccuracy; r.trainableParams; r.epochsToTarget; r.frozenIdentical;
 * r.assertRetention({ classes: [3, 5], maxDrop: 0.02 });
 */
export async function readapt(model: tf.LayersModel, slice: Slice | null, newData: Dataset, opts: ReadaptOptions): Promise<ReadaptResult> {
  checkOptions(opts, newData);
  const method = opts.method ?? (slice ? 'critical' : 'full');
  const def = getTrainSet(method);
  const seed = opts.seed ?? 0;
  const { mask, used, matches } = await sliceMask(model, slice, newData, opts.sliceClasses ?? 'all');
  if (def.needsSlice && !mask) throw new SemsliceError('NO_SLICE', `readapt: method "${method}" needs a slice.`, 'Pass a slice of this model, or use method "full", "last-layer" or "deeparc".');
  const budget = { epochs: opts.epochs ?? 5, batchSize: opts.batchSize ?? 64, learningRate: opts.learningRate ?? 1e-3, optimizer: 'adam' as const, seed };
  const target = opts.target ?? 0.8;
  const evalBs = opts.evalBatchSize ?? 256;

  const set = await def.select(model, {
    ...(mask ? { mask } : {}), fresh: newData, ...(opts.pairs ? { pairs: opts.pairs } : {}), ...(opts.reference ? { reference: opts.reference } : {}),
    seed, ...(opts.methodParams ? { params: opts.methodParams } : {}),
  });
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  let trainableParams = 0;
  const gradientMasks: Record<string, Float32Array> = {};
  const allowed = new Set<string>();
  for (const [name, m] of Object.entries(set.masks)) {
    const w = byName.get(name);
    if (!w) continue;
    const ones = m.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
    if (w.trainable) trainableParams += ones;
    if (ones > 0) allowed.add(name);
    if (ones > 0 && ones < m.length) gradientMasks[name] = m;
  }
  if (trainableParams === 0) {
    throw new SemsliceError('NOTHING_TO_TRAIN', `readapt: method "${method}" chose no weight of model "${model.name}" to train.`, 'Use a slice with critical neurons, or another method.');
  }
  // Weights a method leaves out entirely are frozen whole (BatchNorm moving statistics included).
  const masksFull: Record<string, Float32Array> = {};
  for (const w of model.weights) masksFull[w.originalName] = set.masks[w.originalName] ?? new Float32Array(w.shape.reduce<number>((a, d) => a * (d ?? 1), 1));

  const work = await cloneModel(model);
  const { data: trainData, cleanPart } = trainingSet(newData, opts.clean, seed);
  try {
    const measure = async (epoch: number, loss: number, seconds: number, cumulative: number): Promise<ReadaptRow> => {
      const n = await evaluate(work, opts.heldOut, { batchSize: evalBs, confusion: false });
      const c = await evaluate(work, opts.test, { batchSize: evalBs, confusion: false });
      return { epoch, newAccuracy: n.accuracy, newPerClass: n.perClass, cleanAccuracy: c.accuracy, cleanPerClass: c.perClass, loss, seconds, cumulativeSeconds: cumulative };
    };
    const before = await measure(0, NaN, 0, 0);
    const rows: ReadaptRow[] = [before];
    opts.onEpoch?.(before);
    const hashesBefore = await frozenHashes(work, masksFull);
    let cumulative = 0;
    await train(work, trainData, {
      epochs: budget.epochs, batchSize: budget.batchSize, learningRate: budget.learningRate, seed,
      gradientMasks, trainable: (name) => allowed.has(name), evalBatchSize: evalBs, workers: opts.workers ?? 'auto',
      ...(opts.signal ? { signal: opts.signal } : {}),
      onEpochEnd: async (m) => {
        cumulative += m.seconds;
        const row = await measure(m.epoch, m.loss, m.seconds, cumulative);
        rows.push(row);
        opts.onEpoch?.(row);
      },
    });
    const hashesAfter = await frozenHashes(work, masksFull);
    const checksums: FrozenChecksum[] = [...hashesBefore].map(([weight, b]) => {
      const a = hashesAfter.get(weight)!;
      return { weight, frozen: b.frozen, size: b.size, before: b.hash, after: a.hash, identical: a.hash === b.hash };
    });
    const frozenIdentical = checksums.every((c) => c.identical);
    const hit = rows.find((r) => r.newAccuracy >= target);
    const after = rows.at(-1)!;
    const totalParams = countParams(model);
    const manifest: ReadaptManifest = {
      kind: 'semslice-readapt', version: 1, method, ...(set.note ? { note: set.note } : {}),
      model: { name: model.name, fingerprint: await modelFingerprint(model), params: totalParams },
      slice: slice ? { classes: slice.classes, used, params: { ...slice.params } as Record<string, unknown>, modelMatches: matches } : null,
      budget,
      data: {
        newSamples: `${newData.name}/${newData.split}`, newSize: newData.size, cleanSamples: `${opts.clean.name}/${opts.clean.split}`, cleanSize: cleanPart.size,
        trainFingerprint: trainData.fingerprint(), heldOut: `${opts.heldOut.name}/${opts.heldOut.split}`, heldOutSize: opts.heldOut.size,
        test: `${opts.test.name}/${opts.test.split}`, testSize: opts.test.size,
      },
      result: {
        trainableParams, target, epochsToTarget: hit ? hit.epoch : null, secondsToTarget: hit ? hit.cumulativeSeconds : null,
        newAccuracy: after.newAccuracy, cleanAccuracy: after.cleanAccuracy, frozenIdentical, fingerprint: await modelFingerprint(work),
      },
    };
    const table = aq.from(rows.map((r) => ({ ...r, newPerClass: [...r.newPerClass], cleanPerClass: [...r.cleanPerClass] })));
    return {
      model: work, method, table, rows, trainableParams, totalParams, target,
      epochsToTarget: manifest.result.epochsToTarget, secondsToTarget: manifest.result.secondsToTarget,
      before, after, checksums, frozenIdentical, chosen: set.chosen, manifest,
      assertRetention: retentionMethod(before.cleanPerClass, after.cleanPerClass),
    };
  } catch (e) {
    work.dispose();
    throw e;
  }
}
