/**
 * Any number of tasks in sequence (beyond the paper): train task 1 (the caller's model is assumed untrained on the
 * tasks, or pass `firstEpochs: 0` when it already knows task 1), slice it, then extend() with each next task in
 * turn, the union of the earlier tasks' slices frozen. Split-MNIST is 5 tasks of 2 digits.
 * After every task the task-IL and class-IL accuracy over the tasks so far is recorded; the last row gives the
 * split-MNIST "average accuracy" (mean over tasks) of docs/maintenance.md
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import { stratifiedSplit } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import type { Slice } from '../../slicing/slice.js';
import { train } from '../../train/index.js';
import { cloneModel } from '../../workloads/clone.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import { taskSlice, type SliceChoice, type TaskSlice } from '../common/task-slice.js';
import type { CapacityReport } from './capacity.js';
import { extend, type ExtendOptions } from './extend.js';
import { getExtendMethod } from './methods.js';

/** Options of {@link extendSequence}. */
export interface ExtendSequenceOptions extends Omit<ExtendOptions, 'oldClasses' | 'newClasses' | 'tasks' | 'oldData'> {
  /** Training data of all tasks (each task's share is taken by class). */
  train: Dataset;
  /** Epochs on the first task (0 = the model already knows it). Default: `epochs`. */
  firstEpochs?: number;
  /** Called after each task. */
  onTask?: (row: SequenceRow) => void;
}

/** One row per task learnt. */
export interface SequenceRow {
  task: number;
  classes: number[];
  method: string;
  /** Task-IL accuracy of every task so far (task order). */
  perTask: number[];
  taskILAverage: number;
  classILAll: number;
  /** Mean over the tasks so far of each task's class-IL accuracy (the split-MNIST class-IL number). */
  classILAverage: number;
  /** Methods that mask old tasks: the class-IL accuracy over every seen class of the plain unmasked argmax (null otherwise). */
  classILPlainArgmax: number | null;
  /** Training of this task: seconds, seconds per optimiser step, parameters the method could change. */
  seconds: number;
  secondsPerStep: number;
  trainableParams: number;
  /** The old tasks' logits stayed bit-identical (true trivially for the first task). */
  oldLogitsIdentical: boolean;
  /** Fewest free neurons in any site after this task (ours; NaN for methods without slices). */
  minFree: number;
  /** Theta of this task's slice (ours; chosen by the slice policy), null without slices. */
  theta: number | null;
  /** How this task's slice was made (null without slices). */
  choice: SliceChoice | null;
}

/** What {@link extendSequence} returns. */
export interface SequenceResult {
  model: tf.LayersModel;
  rows: SequenceRow[];
  table: aq.ColumnTable;
  /** Union of all tasks' slices (ours). */
  slice: Slice | null;
  capacity: CapacityReport | null;
  /** Theta of the first task's slice (ours), null without slices. */
  firstTheta: number | null;
  /** The last row's averages: the split-MNIST numbers. */
  taskILAverage: number;
  classILAverage: number;
}

/**
 * Learn tasks one after another with one method.
 *
 * @example
 * const split = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]];
 * const r = await ss.extendSequence(model, split, { train: data.train, test: data.test, epochs: 1, method: 'ours' });
 * r.taskILAverage; r.classILAverage; r.table.print();
 */
export async function extendSequence(model: tf.LayersModel, tasks: ReadonlyArray<readonly number[]>, opts: ExtendSequenceOptions): Promise<SequenceResult> {
  if (tasks.length < 2) throw fail('BAD_EXTEND_OPTIONS', { case: 'too-few-tasks', count: tasks.length });
  const method = opts.method ?? MAINTENANCE_DEFAULTS.extend.method;
  const def = getExtendMethod(method);
  const seed = opts.seed ?? 0;
  // Choices (each task's slice, EWC's lambda) are made on held-out samples: the given validation split, else a
  // seeded, stratified 10% of the training data, held out of every task's training.
  const [trainSet, validation] = opts.validation ? [opts.train, opts.validation] : ((s) => [s.first, s.second] as const)(stratifiedSplit(opts.train, { fraction: 0.1, seed }));
  // Room for the tasks after each one (D): task t of T may take at most 1 / (T - t + 1) of the neurons still free at
  // every site, i.e. its slice leaves (T - t) / (T - t + 1) of them free: an equal share for it and each task after
  // it; the last task may take what is left.
  const roomAfter = (t: number): number => opts.minFreeAfter ?? (tasks.length - t) / (tasks.length - t + 1);
  let work = await cloneModel(model);
  const first = [...tasks[0]!];
  const firstEpochs = opts.firstEpochs ?? opts.epochs ?? 1;
  if (firstEpochs > 0) {
    // One softmax over the first task's classes: its head (task set-up) or every class seen so far (shared set-up).
    await train(work, trainSet.subsetClasses(first), {
      lossGroups: [first],
      epochs: firstEpochs, batchSize: opts.batchSize ?? MAINTENANCE_DEFAULTS.extend.batchSize, learningRate: opts.learningRate ?? MAINTENANCE_DEFAULTS.extend.learningRate, seed, workers: opts.workers ?? 'auto',
    });
  }
  const rows: SequenceRow[] = [];
  const minFree = opts.minFree ?? MAINTENANCE_DEFAULTS.extend.minFree;
  const firstSlice: TaskSlice | null = def.needsSlice ? await taskSlice(work, trainSet.subsetClasses(first), first, { seed, ...opts.slicePolicy, minFree: roomAfter(1), validation: validation.subsetClasses(first) }) : null;
  let current: Slice | TaskSlice | null = firstSlice;
  let slice: Slice | null = null;
  let capacity: CapacityReport | null = null;
  /** Theta of the first task's slice (the others are in their rows). */
  const firstTheta = firstSlice ? firstSlice.choice.theta : null;
  const done: number[][] = [first];
  for (let t = 1; t < tasks.length; t++) {
    const classes = [...tasks[t]!];
    const old = done.flat();
    const r = await extend(work, current, trainSet.subsetClasses(classes), {
      ...opts, method, tasks: done, oldClasses: old, newClasses: classes, oldData: trainSet.subsetClasses(old), seed: seed + t,
      validation: validation.subsetClasses([...old, ...classes]), minFreeAfter: roomAfter(t + 1),
    });
    work.dispose();
    work = r.model;
    slice = r.slice;
    current = slice;
    capacity = slice ? r.capacity : null;
    done.push(classes);
    const row: SequenceRow = {
      task: t + 1, classes, method, perTask: r.after.perTask, taskILAverage: r.after.taskILAverage, classILAll: r.after.classIL.all, classILAverage: r.after.classIL.average,
      classILPlainArgmax: r.after.classIL.plainArgmax ?? null, seconds: r.seconds, secondsPerStep: r.secondsPerStep, trainableParams: r.trained.trainableParams,
      oldLogitsIdentical: r.oldLogits.identical, minFree: capacity ? Math.min(...capacity.sites.map((s) => s.free)) : NaN,
      theta: r.sliceChoice.new?.theta ?? null, choice: r.sliceChoice.new,
    };
    rows.push(row);
    opts.onTask?.(row);
  }
  const last = rows.at(-1)!;
  return { model: work, rows, firstTheta, table: aq.from(rows.map((r) => ({ ...r, classes: r.classes.join(','), perTask: r.perTask.map((a) => a.toFixed(4)).join(' ') }))), slice, capacity, taskILAverage: last.taskILAverage, classILAverage: last.classILAverage };
}
