/**
 * The incremental-development comparison, the one driver that the study, `semslice extend`, `%%extend`, notebook 04
 * and the demo call: from one model that knows the old task, draw each task's training images (a seeded draw of the
 * training split, validation held out first), slice the old task once by the slice policy (theta 'auto' with the
 * capacity condition), then extend() with each arm on the same data, budget and seed.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import type { Slice } from '../../slicing/slice.js';
import { maintenanceSplits, type MaintenanceData } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import type { SliceChoice, SlicePolicyOptions, TaskSlice } from '../common/task-slice.js';
import type { CapacityReport } from './capacity.js';
import { extend, extendSlice, type ExtendResult } from './extend.js';
import { extendArm, getExtendMethod, INCREMENTAL_COMPARISON, type ExtendArm, type ExtendHeads } from './methods.js';

/** Options of {@link compareExtend}; defaults in MAINTENANCE_DEFAULTS.extend. */
export interface ExtendComparisonOptions {
  /** Old task's classes. Default 0-4. */
  old?: readonly number[];
  /** New task's classes. Default 5-9. */
  fresh?: readonly number[];
  /** Arms: labels of INCREMENTAL_COMPARISON, registered method names, or arms with their own knobs. Default: every arm of INCREMENTAL_COMPARISON. */
  methods?: ReadonlyArray<string | ExtendArm>;
  /** Training images per task (seeded draw). */
  perTask?: number;
  /** Passes over the new task's data. */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Share of every site the old task's slice leaves free (theta 'auto'); also the capacity warning threshold. */
  minFree?: number;
  /** The slice policy (theta, tolerance, metric, ...). */
  slicePolicy?: SlicePolicyOptions;
  allowForeignSlice?: boolean;
  /** Learn even when every site is full (see ExtendOptions.allowFull). Default false. */
  allowFull?: boolean;
  seed?: number;
  workers?: number | 'auto';
  /** Keep each arm's grown model in its result (the caller disposes them). Default false. */
  keepModels?: boolean;
  /** How every arm's loss reads the output layer (ExtendHeads); default: each arm's, else its method's. */
  heads?: ExtendHeads;
  /** Record each arm's learning curve (task-IL on the validation split after every epoch): `run.curve`. Default false. */
  curve?: boolean;
  /** Test data for the reported numbers; default the test split of `data` (all of it). */
  test?: Dataset;
  /** Slice the new task after learning it (what a next task would find). Default true (extend's default). */
  sliceNew?: boolean;
  /** Values of a method's grid knob to try (EWC's lambda); default the method's grid. */
  gridValues?: readonly number[];
}

/** One arm's outcome (the ExtendResult; `model` only with keepModels). */
export type ExtendRun = Omit<ExtendResult, 'model'> & { label: string; model?: tf.LayersModel };

/** What {@link compareExtend} returns. */
export interface ExtendComparison {
  /** The old task's slice and how it was made (null when no arm needed one). */
  slice: Slice | null;
  choice: SliceChoice | null;
  runs: ExtendRun[];
  /**
   * One row per arm: heads, task-IL old before/after, new after, class-IL all after, bit-identity, frozen share,
   * trainable parameters and trained weights, steps, seconds per step and in total.
   */
  summary: aq.ColumnTable;
  /** Capacity after ours (null when ours was not run). */
  capacity: CapacityReport | null;
}

/**
 * Run the comparison.
 *
 * @example
 * const cmp = await ss.compareExtend(model, { train: data.train, test: data.test }, { methods: ['naive', 'replay-10%', 'ours'], epochs: 1 });
 * cmp.summary.print();
 * cmp.choice?.theta;   // theta chosen for task A's slice on held-out task-A images
 */
export async function compareExtend(model: tf.LayersModel, data: MaintenanceData, opts: ExtendComparisonOptions = {}, slice: Slice | TaskSlice | null = null): Promise<ExtendComparison> {
  const D = MAINTENANCE_DEFAULTS.extend;
  const old = [...(opts.old ?? [0, 1, 2, 3, 4])].sort((a, b) => a - b);
  const fresh = [...(opts.fresh ?? [5, 6, 7, 8, 9])].sort((a, b) => a - b);
  const seed = opts.seed ?? 0;
  const perTask = opts.perTask ?? D.perTask;
  if (!Number.isInteger(perTask) || perTask < 1) throw fail('BAD_EXTEND_OPTIONS', { case: 'value', where: 'compareExtend', option: 'perTask', expected: 'a positive integer', value: perTask, example: 2000 });
  const arms = (opts.methods ?? INCREMENTAL_COMPARISON).map((m) => (typeof m === 'string' ? extendArm(m) : { ...m, params: { ...m.params } }));
  for (const a of arms) getExtendMethod(a.method);
  const minFree = opts.minFree ?? D.minFree;
  const splits = maintenanceSplits(data, seed);
  const pool = splits.train.shuffle(seed);
  const oldData = pool.subsetClasses(old).take(perTask);
  const newData = pool.subsetClasses(fresh).take(perTask);
  const validation = splits.validation.subsetClasses([...old, ...fresh]);
  const needsSlice = arms.some((a) => getExtendMethod(a.method).needsSlice);
  const used = await extendSlice(model, slice, needsSlice, old, {
    oldData, validation: validation.subsetClasses(old), minFree, ...(opts.slicePolicy ? { slicePolicy: opts.slicePolicy } : {}), allowForeignSlice: opts.allowForeignSlice ?? false, seed,
  });
  const runs: ExtendRun[] = [];
  try {
    for (const arm of arms) {
      const r = await extend(model, used && getExtendMethod(arm.method).needsSlice ? { slice: used.slice, choice: used.choice } : null, newData, {
        method: arm.method, params: arm.params, oldClasses: old, newClasses: fresh, test: opts.test ?? splits.test, oldData, validation, seed, minFree,
        ...(opts.heads ?? arm.heads ? { heads: opts.heads ?? arm.heads } : {}), ...(opts.curve ? { curve: validation } : {}),
        ...(opts.sliceNew !== undefined ? { sliceNew: opts.sliceNew } : {}), ...(opts.gridValues ? { gridValues: opts.gridValues } : {}),
        allowForeignSlice: opts.allowForeignSlice ?? false, allowFull: opts.allowFull ?? false,
        ...(opts.slicePolicy ? { slicePolicy: opts.slicePolicy } : {}),
        ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}), ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
        ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}), ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      });
      const { model: grown, ...rest } = r;
      if (!opts.keepModels) grown.dispose();
      runs.push({ ...rest, label: arm.label, ...(opts.keepModels ? { model: grown } : {}) });
    }
  } catch (e) {
    for (const r of runs) r.model?.dispose();
    throw e;
  }
  const summary = aq.from(runs.map((r) => ({
    method: r.label, heads: r.budget.heads, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, classILAll: r.after.classIL.all,
    oldLogitsIdentical: r.oldLogits.identical, frozenShare: r.frozen.frozenEntries / r.frozen.totalEntries,
    trainableParams: r.trained.trainableParams, trainedWeights: r.trained.trainedWeights, lambda: (r.chosen['lambda'] as number | undefined) ?? null,
    steps: r.budget.steps, secondsPerStep: r.secondsPerStep, seconds: r.seconds,
  })));
  const ours = runs.find((r) => r.method === 'ours');
  return { slice: used?.slice ?? null, choice: used?.choice ?? null, runs, summary, capacity: ours ? ours.capacity : null };
}

const pctText = (x: number, d = 1): string => `${(100 * x).toFixed(d)}%`;

/**
 * The comparison in words: per arm, the old task before and after, the new task and all classes after, then ours
 * against the best other arm on each, whichever way it falls. Ours reads the old task through its slice, so its
 * "before" is the masked model's; the unmasked model's is said beside it (what the slice costs).
 *
 * @example
 * describeExtend(cmp);   // "naive: old task 99.7% -> 85.6%, new task 99.1%, all classes 48.2%. ..."
 */
export function describeExtend(cmp: ExtendComparison): string {
  const unmasked = cmp.runs.find((r) => !getExtendMethod(r.method).masksOldTasks)?.before.old;
  const lines = cmp.runs.map((r) => `${r.label}: old task ${pctText(r.before.old)} -> ${pctText(r.after.old)}${r.oldLogits.identical ? ' (logits bit-identical)' : ''}, new task ${pctText(r.after.new)}, all classes ${pctText(r.after.classIL.all)}.`);
  const ours = cmp.runs.find((r) => r.label === 'ours');
  const others = cmp.runs.filter((r) => r !== ours);
  if (ours && others.length) {
    const part = (name: string, get: (r: ExtendRun) => number): string => {
      const best = others.reduce((a, b) => (get(b) > get(a) ? b : a));
      const d = get(ours) - get(best);
      return `${name} ${(100 * Math.abs(d)).toFixed(1)} points ${d >= 0 ? 'above' : 'below'} the best other method (${best.label})`;
    };
    const cost = unmasked !== undefined ? `, read through its slice (${pctText(ours.before.old)} against ${pctText(unmasked)} unmasked before the new task)` : '';
    const share = ours.trained.totalParams ? `; it trained ${pctText(ours.trained.trainableParams / ours.trained.totalParams, 0)} of the parameters` : '';
    lines.push(`Ours keeps the old task ${ours.oldLogits.identical ? 'bit-identical' : 'NOT bit-identical'}${cost}, and is on ${part('the old task', (r) => r.after.old)}, on ${part('the new task', (r) => r.after.new)}, and on ${part('all classes', (r) => r.after.classIL.all)}${share}.`);
  }
  return lines.join(' ');
}
