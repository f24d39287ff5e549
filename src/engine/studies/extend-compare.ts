/**
 * Every incremental method on one task pair, from one model that knows the old task (what notebook 04, `%%extend`
 * and the demo run): slice the old task (taylor, theta 'auto' by default: sliceTask), then extend() with each method
 * on the same data, budget and seed. The grown models are disposed unless `keepModels`.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import type { Slice } from '../slicing/slice.js';
import '../baselines/incremental/index.js';
import type { CapacityReport } from '../maintenance/capacity.js';
import { extend, type ExtendResult } from '../maintenance/extend.js';
import { sliceTask, thetaChoiceOf, type ThetaChoice } from '../maintenance/slice-task.js';

/** The methods of the comparison, by label (replay shares are a parameter of `replay`). */
export const INCREMENTAL_COMPARISON: ReadonlyArray<{ label: string; method: string; params: Record<string, number> }> = [
  { label: 'naive', method: 'naive', params: {} },
  { label: 'replay-5%', method: 'replay', params: { replay: 0.05 } },
  { label: 'replay-10%', method: 'replay', params: { replay: 0.1 } },
  { label: 'replay-100%', method: 'replay', params: { replay: 1 } },
  { label: 'ewc', method: 'ewc', params: {} },
  { label: 'deeparc', method: 'deeparc', params: {} },
  { label: 'ours', method: 'ours', params: {} },
  { label: 'ours+replay-10%', method: 'ours+replay', params: { replay: 0.1 } },
];

/** Options of {@link extendCompare}. */
export interface ExtendCompareOptions {
  /** Old task's classes. Default 0-4. */
  old?: readonly number[];
  /** New task's classes. Default 5-9. */
  fresh?: readonly number[];
  /** Method labels of INCREMENTAL_COMPARISON. Default: all. */
  methods?: readonly string[];
  /** Training images per task (seeded draw). Default 2,000. */
  perTask?: number;
  /** Test images measured. Default 1,000. */
  testCount?: number;
  /** Passes over the new task's data. Default 1. */
  epochs?: number;
  /** Slice of the old task's theta: 'auto' (default) or a number. */
  theta?: number | 'auto';
  /** Tolerance of theta 'auto'. Default 0.01. */
  tolerance?: number;
  /** Slicing metric. Default 'taylor'. */
  metric?: string;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  /** Keep each method's grown model in its result (the caller disposes them). Default false. */
  keepModels?: boolean;
}

/** One method's outcome (the ExtendResult; `model` only with keepModels). */
export type ExtendRun = Omit<ExtendResult, 'model'> & { label: string; seconds: number; model?: tf.LayersModel };

/** What {@link extendCompare} returns. */
export interface ExtendComparison {
  /** The old task's slice and how theta was chosen (null when a slice was given or theta was a number). */
  slice: Slice;
  choice: ThetaChoice | null;
  runs: ExtendRun[];
  /** One row per method: task-IL old before/after, new after, class-IL all after, bit-identity, seconds. */
  summary: aq.ColumnTable;
  /** Capacity after ours (null when ours was not run). */
  capacity: CapacityReport | null;
}

/**
 * Run the comparison.
 *
 * @example
 * const cmp = await ss.extendCompare(model, splits, { methods: ['naive', 'replay-10%', 'ours'], epochs: 1 });
 * cmp.summary.print();
 */
export async function extendCompare(model: tf.LayersModel, data: { train: Dataset; test: Dataset }, opts: ExtendCompareOptions = {}, slice: Slice | null = null): Promise<ExtendComparison> {
  const old = [...(opts.old ?? [0, 1, 2, 3, 4])];
  const fresh = [...(opts.fresh ?? [5, 6, 7, 8, 9])];
  const seed = opts.seed ?? 0;
  const perTask = opts.perTask ?? 2000;
  const labels = opts.methods ?? INCREMENTAL_COMPARISON.map((m) => m.label);
  const defs = labels.map((l) => {
    const d = INCREMENTAL_COMPARISON.find((m) => m.label === l);
    if (!d) throw new SemsliceError('BAD_EXTEND_OPTIONS', `extendCompare: unknown method "${l}".`, `Use some of ${INCREMENTAL_COMPARISON.map((m) => m.label).join(', ')}.`);
    return d;
  });
  const pool = data.train.shuffle(seed);
  const poolA = pool.subsetClasses(old);
  const oldData = poolA.take(perTask);
  const newData = pool.subsetClasses(fresh).take(perTask);
  const test = data.test.take(opts.testCount ?? 1000);
  let sl = slice;
  if (!sl) {
    const heldN = Math.min(500, Math.max(0, poolA.size - perTask));
    const held = heldN > 0 ? poolA.select(Int32Array.from({ length: heldN }, (_, i) => perTask + i)) : undefined;
    sl = await sliceTask(model, oldData, old, { metric: opts.metric ?? 'taylor', theta: opts.theta ?? 'auto', ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}), ...(held ? { validation: held } : {}), seed });
  }
  const runs: ExtendRun[] = [];
  for (const d of defs) {
    const t0 = performance.now();
    const r = await extend(model, sl, newData, {
      method: d.method, params: d.params, oldClasses: old, newClasses: fresh, test, oldData, epochs: opts.epochs ?? 1, seed,
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}), ...(opts.learningRate ? { learningRate: opts.learningRate } : {}),
    });
    const { model: grown, ...rest } = r;
    if (!opts.keepModels) grown.dispose();
    runs.push({ ...rest, label: d.label, seconds: (performance.now() - t0) / 1000, ...(opts.keepModels ? { model: grown } : {}) });
  }
  const pct = (x: number) => Math.round(1000 * x) / 10;
  const summary = aq.from(runs.map((r) => ({
    method: r.label, old_before: pct(r.before.old), old_after: pct(r.after.old), new_after: pct(r.after.new), all_classIL: pct(r.after.classIL.all),
    old_logits_identical: r.oldLogits.identical, frozen_pct: pct(r.frozen.frozenEntries / r.frozen.totalEntries), lambda: (r.chosen['lambda'] as number | undefined) ?? null,
    seconds: Math.round(10 * r.seconds) / 10,
  })));
  const ours = runs.find((r) => r.method === 'ours');
  return { slice: sl, choice: thetaChoiceOf(sl), runs, summary, capacity: ours ? ours.capacity : null };
}
