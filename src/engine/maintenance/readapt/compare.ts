/**
 * The re-adaptation comparison, the one driver that the study, `semslice readapt`, `%%readapt`, notebook 03 and the
 * demo call: make the workload (FGSM/PGD images from training images to learn from and from test images held out, or a
 * mutant of the model), slice the model once by the slice policy when a method needs a slice (a mutant: its
 * undamaged original), then re-adapt with every method on one budget and the same training set.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { SemsliceError } from '../../errors.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate } from '../../train/index.js';
import { fgsm, mutants, pgd } from '../../workloads/index.js';
import { maintenanceSplits, type MaintenanceData } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import type { SliceChoice, SlicePolicyOptions, TaskSlice } from '../common/task-slice.js';
import { getReadaptMethod, listReadaptMethods } from './methods.js';
import { readapt, readaptSlice, type ReadaptResult, type ReadaptRow } from './readapt.js';

/** The workloads a comparison can make. */
export const READAPT_WORKLOADS = ['fgsm', 'pgd', 'mutant'] as const;
export type ReadaptWorkload = (typeof READAPT_WORKLOADS)[number];

/** Options of {@link compareReadapt}; defaults in MAINTENANCE_DEFAULTS.readapt. */
export interface ReadaptComparisonOptions {
  workload: ReadaptWorkload;
  /** Methods to run, in order. Default: every registered method. */
  methods?: readonly string[];
  /** Attack radius (default per dataset). */
  eps?: number;
  /** New samples to learn from, and held-out ones (each). */
  count?: number;
  /** Mutant: accuracy drop to cause. */
  drop?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  cleanRatio?: number;
  seed?: number;
  /** Held-out new-sample accuracy counted as re-adapted (mutants: default the original's test accuracy - 0.01). */
  target?: number;
  sliceClasses?: 'all' | 'present';
  slicePolicy?: SlicePolicyOptions;
  allowForeignSlice?: boolean;
  methodParams?: Record<string, number | string | boolean>;
  /** Training replicas for every method (see TrainOptions.workers). Default 'auto'. */
  workers?: number | 'auto';
  /** Keep each method's model in its result (the caller disposes them). Default false. */
  keepModels?: boolean;
  onEpoch?: (method: string, row: ReadaptRow) => void;
}

/** One method's outcome (its model only with keepModels). */
export type ReadaptRun = Omit<ReadaptResult, 'model'> & { model?: tf.LayersModel };

/** What {@link compareReadapt} returns. */
export interface ReadaptComparison {
  /** What the workload is: its kind, parameters, sizes and the clean model's accuracy on it. */
  workload: Record<string, unknown>;
  /** Clean images and their new versions (adversarial images; for a mutant, the same images). */
  examples: { clean: Dataset; fresh: Dataset };
  slice: Slice | null;
  choice: SliceChoice | null;
  runs: ReadaptRun[];
  /** One row per method: new/clean accuracy before and after, trainable parameters, seconds per step, epochs to target. */
  summary: aq.ColumnTable;
}

/**
 * Make a workload and run every method on it.
 *
 * @example
 * const r = await ss.compareReadapt(model, { train: data.train, test: data.test }, { workload: 'fgsm', count: 300, epochs: 2 });
 * r.summary.print();
 */
export async function compareReadapt(model: tf.LayersModel, data: MaintenanceData, o: ReadaptComparisonOptions, slice: Slice | TaskSlice | null = null): Promise<ReadaptComparison> {
  if (!(READAPT_WORKLOADS as readonly string[]).includes(o?.workload)) {
    throw new SemsliceError('BAD_READAPT_OPTIONS', `readapt: unknown workload "${String(o?.workload)}".`, `Use workload ${READAPT_WORKLOADS.join(', ')}.`);
  }
  const D = MAINTENANCE_DEFAULTS.readapt;
  const seed = o.seed ?? 0, count = o.count ?? D.count;
  const methods = [...(o.methods ?? listReadaptMethods())];
  for (const m of methods) getReadaptMethod(m);
  const splits = maintenanceSplits(data, seed);
  const pool = splits.train.shuffle(seed);
  const test = splits.test;
  let target = model, fresh: Dataset, heldOut: Dataset, pairs: Dataset | undefined, workload: Record<string, unknown>;
  let targetAcc = o.target ?? D.target;
  if (o.workload === 'mutant') {
    const drop = o.drop ?? D.drop;
    const [m] = await mutants(model, pool.take(Math.max(1000, count)), { drop, count: 1, seed });
    target = m!.model; fresh = pool.take(count); heldOut = test;
    if (o.target === undefined) targetAcc = (await evaluate(model, splits.validation, { confusion: false })).accuracy - 0.01;
    workload = { workload: 'mutant', drop, achievedDrop: m!.achievedDrop, fractionReplaced: m!.fractionReplaced, seed };
  } else {
    const attack = o.workload === 'fgsm' ? fgsm : pgd;
    const a = { count, seed, ...(o.eps !== undefined ? { eps: o.eps } : {}) };
    const learn = await attack(model, pool, a);
    const held = await attack(model, test, { ...a, seed: seed + 1 });
    fresh = learn.data; heldOut = held.data; pairs = learn.sources;
    workload = { workload: o.workload, ...learn.params, learn: learn.data.size, heldOut: held.data.size, accuracyOnLearn: learn.accuracy, accuracyOnHeldOut: held.accuracy };
  }
  const runs: ReadaptRun[] = [];
  try {
    const needsSlice = methods.some((m) => getReadaptMethod(m).needsSlice);
    const sliceClasses = o.sliceClasses ?? D.sliceClasses;
    const used = await readaptSlice(target, slice, needsSlice, fresh, {
      clean: splits.train, validation: splits.validation, ...(target !== model ? { reference: model } : {}), sliceClasses,
      ...(o.slicePolicy ? { slicePolicy: o.slicePolicy } : {}), allowForeignSlice: o.allowForeignSlice ?? false, seed,
    });
    for (const method of methods) {
      const r = await readapt(target, used && getReadaptMethod(method).needsSlice ? { slice: used.slice, choice: used.choice } : null, fresh, {
        method, clean: splits.train, validation: splits.validation, heldOut, test, ...(pairs ? { pairs } : {}), ...(target !== model ? { reference: model } : {}),
        seed, target: targetAcc, workers: o.workers ?? 'auto', sliceClasses, allowForeignSlice: o.allowForeignSlice ?? false,
        ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}), ...(o.cleanRatio !== undefined ? { cleanRatio: o.cleanRatio } : {}),
        ...(o.methodParams ? { methodParams: o.methodParams } : {}), ...(o.onEpoch ? { onEpoch: (row: ReadaptRow) => o.onEpoch!(method, row) } : {}),
      });
      const { model: m, ...kept } = r;
      if (!o.keepModels) m.dispose();
      runs.push({ ...kept, ...(o.keepModels ? { model: m } : {}) });
    }
    const summary = aq.from(runs.map((r) => ({
      method: r.method, newBefore: r.before.newAccuracy, newAfter: r.after.newAccuracy, cleanBefore: r.before.cleanAccuracy, cleanAfter: r.after.cleanAccuracy,
      trainableParams: r.trainableParams, totalParams: r.totalParams, trainedWeights: r.trainedWeights, secondsPerStep: r.secondsPerStep,
      epochsToTarget: r.epochsToTarget, secondsToTarget: r.secondsToTarget, trainSeconds: r.after.cumulativeSeconds, frozenIdentical: r.frozen.identical,
    })));
    return { workload, examples: { clean: pairs ?? fresh, fresh }, slice: used?.slice ?? null, choice: used?.choice ?? null, runs, summary };
  } catch (e) {
    for (const r of runs) r.model?.dispose();
    throw e;
  } finally {
    if (target !== model) target.dispose();
  }
}

const pctText = (x: number, d = 1): string => `${(100 * x).toFixed(d)}%`;

/**
 * The comparison in words: per method, held-out new-sample and clean accuracy before and after and the share of
 * parameters trained, then ours against the best other method, whichever way it falls.
 *
 * @example
 * describeReadapt(cmp);   // "critical: new samples 12.0% -> 81.3%, clean 98.1% -> 97.4%, 30.2% of the parameters trained. ..."
 */
export function describeReadapt(cmp: ReadaptComparison): string {
  const lines = cmp.runs.map((r) => `${r.method}: new samples ${pctText(r.before.newAccuracy)} -> ${pctText(r.after.newAccuracy)}, clean ${pctText(r.before.cleanAccuracy)} -> ${pctText(r.after.cleanAccuracy)}, ${pctText(r.trainableParams / r.totalParams)} of the parameters trained.`);
  const ours = cmp.runs.find((r) => r.method === 'critical');
  const others = cmp.runs.filter((r) => r !== ours);
  if (ours && others.length) {
    const best = others.reduce((a, b) => (b.after.newAccuracy > a.after.newAccuracy ? b : a));
    const d = ours.after.newAccuracy - best.after.newAccuracy;
    const c = ours.after.cleanAccuracy - best.after.cleanAccuracy;
    lines.push(`Critical neurons end ${(100 * Math.abs(d)).toFixed(1)} points ${d >= 0 ? 'above' : 'below'} the best other method (${best.method}) on the new samples and ${(100 * Math.abs(c)).toFixed(1)} points ${c >= 0 ? 'above' : 'below'} it on clean images.`);
  }
  return lines.join(' ');
}
