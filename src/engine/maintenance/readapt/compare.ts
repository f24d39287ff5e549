/**
 * The re-adaptation comparison, the one driver that the study, `semslice readapt`, `%%readapt`, notebook 03 and the
 * demo call: make the workload (FGSM/PGD images from training images to learn from and from test images held out, or a
 * mutant of the model), slice the model once by the slice policy when a method needs a slice (a mutant: its
 * undamaged original), then re-adapt with every method on one budget and the same training set.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate } from '../../train/index.js';
import { logitsModel } from '../../graph/index.js';
import { fgsm, mutants, pgd, type AttackKeep } from '../../workloads/index.js';
import { maintenanceSplits, type MaintenanceData } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import type { SliceOrigin } from '../common/slice-check.js';
import type { SliceChoice, SlicePolicyOptions, TaskSlice } from '../common/task-slice.js';
import { getReadaptMethod, listReadaptMethods } from './methods.js';
import { readapt, readaptSlice, type ReadaptResult, type ReadaptRow } from './readapt.js';

/** The workloads a comparison can make. */
export const READAPT_WORKLOADS = ['fgsm', 'pgd', 'mutant'] as const;
export type ReadaptWorkload = (typeof READAPT_WORKLOADS)[number];

/** A slice the slice-needing methods run with: its name (in results and tables), its classes and its policy. */
export interface ReadaptSliceSpec {
  name: string;
  /** The slice of every class (default) or of the classes present in the new samples. */
  sliceClasses?: 'all' | 'present';
  /** How it is made (default: the comparison's slicePolicy). */
  slicePolicy?: SlicePolicyOptions;
  /** A slice made beforehand (of this model, or of a mutant's original), used as a slice handed in is. */
  slice?: Slice | TaskSlice;
}

/** Options of {@link compareReadapt}; defaults in MAINTENANCE_DEFAULTS.readapt. */
export interface ReadaptComparisonOptions {
  workload: ReadaptWorkload;
  /** Methods to run, in order. Default: every registered method. */
  methods?: readonly string[];
  /** Attack radius (default per dataset). */
  eps?: number;
  /**
   * New samples to learn from, and held-out ones (each; a class-targeted workload may find fewer). Default
   * MAINTENANCE_DEFAULTS.readapt.count, or fewer when the training images cannot mix `cleanRatio` clean ones per new one.
   */
  count?: number;
  /** Attacks: keep only images the model gets wrong ('errors', default) or every attacked image ('all'). */
  keep?: AttackKeep;
  /**
   * A class-targeted workload: attacks are made from images of these classes only; a mutant (exactly one class) is
   * damaged on that class, learns from that class's training images and is measured on its test images.
   */
  classes?: readonly number[];
  /** Mutant: accuracy drop to cause (on the focus class's images with `classes`). */
  drop?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  cleanRatio?: number;
  seed?: number;
  /** Optimiser steps between held-out checkpoints (default MAINTENANCE_DEFAULTS.readapt.evalEvery). */
  evalEvery?: number;
  /**
   * Clean test images measured at every checkpoint (the first n; default all of them), and held-out new samples at
   * most as many (a mutant's held-out images are test images). Before and after: all of both.
   */
  checkpointTestCount?: number;
  /** Held-out new-sample accuracy counted as re-adapted (mutants: default the original's accuracy on the held-out images - 0.01). */
  target?: number;
  sliceClasses?: 'all' | 'present';
  slicePolicy?: SlicePolicyOptions;
  /**
   * Run every slice-needing method once per slice (each made once, by the policy, from the same splits). Default: one
   * slice, `sliceClasses` by `slicePolicy` (or the slice handed in).
   */
  slices?: readonly ReadaptSliceSpec[];
  allowForeignSlice?: boolean;
  methodParams?: Record<string, number | string | boolean>;
  /** Training replicas for every method (see TrainOptions.workers). Default 'auto'. */
  workers?: number | 'auto';
  /** Keep each method's model in its result (the caller disposes them). Default false. */
  keepModels?: boolean;
  onCheckpoint?: (method: string, row: ReadaptRow) => void;
}

/** One method's outcome (its model only with keepModels); `sliceName` says which slice a slice-needing method used. */
export type ReadaptRun = Omit<ReadaptResult, 'model'> & { model?: tf.LayersModel; sliceName: string | null };

/** What {@link compareReadapt} returns. */
export interface ReadaptComparison {
  /** What the workload is: its kind, parameters, sizes, what it holds and the clean model's accuracy on it. */
  workload: Record<string, unknown>;
  /** Clean images and their new versions (adversarial images; for a mutant, the same images). */
  examples: { clean: Dataset; fresh: Dataset };
  /** The (first) slice and how it was made; every slice by name in `slices`. */
  slice: Slice | null;
  choice: SliceChoice | null;
  slices: Record<string, TaskSlice>;
  runs: ReadaptRun[];
  /** One row per run: new/clean accuracy before and after, trainable parameters, seconds per step and in total, steps to target. */
  summary: aq.ColumnTable;
}

/**
 * Make a workload and run every method on it.
 *
 * @example
 * const r = await ss.compareReadapt(model, { train: data.train, test: data.test }, { workload: 'fgsm', count: 300, epochs: 2 });
 * r.summary.print();
 * // A class-targeted PGD workload, ours with the slice of the attacked classes and with the slice of every class:
 * const t = await ss.compareReadapt(model, data, { workload: 'pgd', classes: [3, 5, 8], methods: ['critical', 'full'],
 *   slices: [{ name: 'present', sliceClasses: 'present' }, { name: 'auto' }] });
 */
export async function compareReadapt(model: tf.LayersModel, data: MaintenanceData, o: ReadaptComparisonOptions, slice: Slice | TaskSlice | null = null): Promise<ReadaptComparison> {
  if (!(READAPT_WORKLOADS as readonly string[]).includes(o?.workload)) {
    throw fail('BAD_READAPT_OPTIONS', { case: 'value', option: 'workload', example: 'fgsm', value: o?.workload, choices: READAPT_WORKLOADS });
  }
  const D = MAINTENANCE_DEFAULTS.readapt;
  const seed = o.seed ?? 0;
  const methods = [...(o.methods ?? listReadaptMethods())];
  for (const m of methods) getReadaptMethod(m);
  const units = logitsModel(model).units;
  if (o.classes !== undefined) {
    const c = o.classes;
    if (c.length === 0 || c.some((k) => !Number.isInteger(k) || k < 0 || k >= units) || new Set(c).size !== c.length) {
      throw fail('BAD_READAPT_OPTIONS', { case: 'classes', classes: c, units });
    }
    if (o.workload === 'mutant' && c.length !== 1) throw fail('BAD_READAPT_OPTIONS', { case: 'mutant-classes', classes: c });
  }
  const specs: ReadaptSliceSpec[] = o.slices ? [...o.slices] : [{ name: 'slice', sliceClasses: o.sliceClasses ?? D.sliceClasses }];
  if (specs.length === 0 || new Set(specs.map((x) => x.name)).size !== specs.length) {
    throw fail('BAD_READAPT_OPTIONS', { case: 'slices', names: specs.map((x) => x.name) });
  }
  if (slice && specs.length > 1) throw fail('BAD_READAPT_OPTIONS', { case: 'slice-and-slices' });
  const every = o.evalEvery ?? D.evalEvery;
  const splits = maintenanceSplits(data, seed);
  // The default count shrinks to what the clean training images can pair with (cleanRatio per new one); a count
  // asked for is kept, and readapt refuses it when the clean images are too few.
  const ratio = o.cleanRatio ?? D.cleanRatio;
  const count = o.count ?? (ratio > 0 ? Math.max(1, Math.min(D.count, Math.floor(splits.train.size / ratio))) : D.count);
  const pool = splits.train.shuffle(seed);
  const test = splits.test;
  const focus = o.workload === 'mutant' && o.classes ? o.classes[0]! : undefined;
  let target = model, fresh: Dataset, heldOut: Dataset, pairs: Dataset | undefined, workload: Record<string, unknown>;
  let targetAcc = o.target ?? D.target;
  if (o.workload === 'mutant') {
    const drop = o.drop ?? D.drop;
    const [m] = await mutants(model, pool.take(Math.max(2000, count)), { drop, count: 1, seed, ...(focus !== undefined ? { focusClass: focus } : {}) });
    target = m!.model;
    fresh = (focus === undefined ? pool : pool.subsetClasses([focus])).take(count);
    heldOut = focus === undefined ? test : test.subsetClasses([focus]);
    const original = (await evaluate(model, heldOut, { confusion: false })).accuracy;
    if (o.target === undefined) targetAcc = original - 0.01;
    const others = m!.perClassBefore.map((b, k) => (k === focus ? NaN : b - m!.perClassAfter[k]!)).filter((x) => Number.isFinite(x));
    workload = {
      workload: 'mutant', drop, achievedDrop: m!.achievedDrop, fractionReplaced: m!.fractionReplaced, seed, focusClass: focus ?? null,
      originalHeldOutAccuracy: original, meanOtherClassDrop: others.length ? others.reduce((a, b) => a + b, 0) / others.length : null,
      learn: fresh.size, heldOut: heldOut.size,
    };
  } else {
    const attack = o.workload === 'fgsm' ? fgsm : pgd;
    const a = { count, seed, keep: o.keep ?? 'errors', ...(o.eps !== undefined ? { eps: o.eps } : {}), ...(o.classes ? { classes: o.classes } : {}) } as const;
    const learn = await attack(model, pool, a);
    const held = await attack(model, test, { ...a, seed: seed + 1 });
    fresh = learn.data; heldOut = held.data; pairs = learn.sources;
    workload = {
      workload: o.workload, ...learn.params, keep: learn.keep, classes: learn.classes ? learn.classes.join(' ') : null, requested: count,
      learn: learn.data.size, heldOut: held.data.size, attackedLearn: learn.attacked, attackedHeldOut: held.attacked,
      successRateLearn: learn.successRate, successRateHeldOut: held.successRate, accuracyOnLearn: learn.accuracy, accuracyOnHeldOut: held.accuracy,
    };
  }
  const cap = (d: Dataset): Dataset => (o.checkpointTestCount !== undefined && o.checkpointTestCount < d.size ? d.take(o.checkpointTestCount) : d);
  const checkpointTest = cap(test);
  const checkpointHeldOut = cap(heldOut);
  const runs: ReadaptRun[] = [];
  try {
    if (fresh.size === 0 || heldOut.size === 0) {
      throw fail('BAD_READAPT_OPTIONS', { case: 'empty-workload', fresh: fresh.size, heldOut: heldOut.size });
    }
    const needsSlice = methods.some((m) => getReadaptMethod(m).needsSlice);
    const sliceData = { clean: splits.train, validation: splits.validation, ...(target !== model ? { reference: model } : {}), allowForeignSlice: o.allowForeignSlice ?? false, seed };
    const made: Record<string, TaskSlice & { origin: SliceOrigin }> = {};
    if (needsSlice || slice) {
      for (const spec of specs) {
        const policy = spec.slicePolicy ?? o.slicePolicy;
        const used = await readaptSlice(target, spec.slice ?? slice, true, fresh, { ...sliceData, sliceClasses: spec.sliceClasses ?? 'all', ...(policy ? { slicePolicy: policy } : {}) });
        made[spec.name] = used!;
      }
    }
    const common = {
      clean: splits.train, validation: splits.validation, heldOut, test, checkpointTest, checkpointHeldOut, ...(pairs ? { pairs } : {}), ...(target !== model ? { reference: model } : {}),
      seed, target: targetAcc, workers: o.workers ?? 'auto', allowForeignSlice: o.allowForeignSlice ?? false, evalEvery: every,
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
      ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}), ...(o.cleanRatio !== undefined ? { cleanRatio: o.cleanRatio } : {}),
      ...(o.methodParams ? { methodParams: o.methodParams } : {}),
    };
    for (const method of methods) {
      const withSlice = getReadaptMethod(method).needsSlice;
      for (const spec of withSlice ? specs : [null]) {
        const used = spec ? made[spec.name]! : null;
        const r = await readapt(target, used ? { slice: used.slice, choice: used.choice } : null, fresh, {
          ...common, method, sliceClasses: spec?.sliceClasses ?? o.sliceClasses ?? D.sliceClasses,
          ...(o.onCheckpoint ? { onCheckpoint: (row: ReadaptRow) => o.onCheckpoint!(method, row) } : {}),
        });
        const { model: m, ...kept } = r;
        if (!o.keepModels) m.dispose();
        runs.push({ ...kept, sliceName: spec ? spec.name : null, ...(o.keepModels ? { model: m } : {}) });
      }
    }
    const summary = aq.from(runs.map((r) => ({
      method: r.method, slice: r.sliceName, newBefore: r.before.newAccuracy, newAfter: r.after.newAccuracy, cleanBefore: r.before.cleanAccuracy, cleanAfter: r.after.cleanAccuracy,
      trainableParams: r.trainableParams, totalParams: r.totalParams, trainedWeights: r.trainedWeights, steps: r.steps, secondsPerStep: r.secondsPerStep, trainSeconds: r.trainSeconds,
      stepsToTarget: r.stepsToTarget, secondsToTarget: r.secondsToTarget, frozenIdentical: r.frozen.identical,
    })));
    const first = Object.values(made)[0];
    return { workload, examples: { clean: pairs ?? fresh, fresh }, slice: first?.slice ?? null, choice: first?.choice ?? null, slices: made, runs, summary };
  } catch (e) {
    for (const r of runs) r.model?.dispose();
    throw e;
  } finally {
    if (target !== model) target.dispose();
  }
}

const pctText = (x: number, d = 1): string => `${(100 * x).toFixed(d)}%`;

/** A run's label: its method, and its slice's name when the comparison ran several slices. */
export function readaptRunLabel(r: Pick<ReadaptRun, 'method' | 'sliceName'>, cmp?: ReadaptComparison): string {
  return r.sliceName && (!cmp || Object.keys(cmp.slices).length > 1) ? `${r.method}@${r.sliceName}` : r.method;
}

/**
 * The comparison in words: per run, held-out new-sample and clean accuracy before and after, the share of parameters
 * trained and the milliseconds per step; then ours against the best other method, whichever way it falls.
 *
 * @example
 * describeReadapt(cmp);   // "critical: new samples 0.0% -> 81.3%, clean 98.1% -> 97.4%, 30.2% of the parameters trained, 21.0 ms per step. ..."
 */
export function describeReadapt(cmp: ReadaptComparison): string {
  const lines = cmp.runs.map((r) => `${readaptRunLabel(r, cmp)}: new samples ${pctText(r.before.newAccuracy)} -> ${pctText(r.after.newAccuracy)}, clean ${pctText(r.before.cleanAccuracy)} -> ${pctText(r.after.cleanAccuracy)}, ${pctText(r.trainableParams / r.totalParams)} of the parameters trained, ${(1000 * r.secondsPerStep).toFixed(1)} ms per step.`);
  const ours = cmp.runs.find((r) => r.method === 'critical');
  const others = cmp.runs.filter((r) => r.method !== 'critical');
  if (ours && others.length) {
    const best = others.reduce((a, b) => (b.after.newAccuracy > a.after.newAccuracy ? b : a));
    const d = ours.after.newAccuracy - best.after.newAccuracy;
    const c = ours.after.cleanAccuracy - best.after.cleanAccuracy;
    lines.push(`Critical neurons (${readaptRunLabel(ours, cmp)}) end ${(100 * Math.abs(d)).toFixed(1)} points ${d >= 0 ? 'above' : 'below'} the best other method (${readaptRunLabel(best, cmp)}) on the new samples and ${(100 * Math.abs(c)).toFixed(1)} points ${c >= 0 ? 'above' : 'below'} it on clean images.`);
  }
  return lines.join(' ');
}
