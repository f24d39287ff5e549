/**
 * The slice of one task: the critical neurons of a class subset, profiled on that task's data only.
 *
 * Profiling needs samples of every class the model outputs, and with `onlyCorrect` at least one correctly
 * classified sample per class; a model trained on task A never predicts task B's classes, so neither holds. Two
 * decisions (D):
 * - every class outside the task gets ten placeholder samples (ten: no small-sample warning) (a copy of a task sample, relabelled); its statistics
 *   are discarded by forClasses(task), so they never reach the slice;
 * - `onlyCorrect` defaults to false here (the placeholders are misclassified by construction), so the task's own
 *   misclassified samples are profiled too: a few percent of a well-trained task.
 *
 * Choosing theta (`theta: 'auto'`, the default of extend's callers, D): the slice of a task is also the mask its
 * inference reads from then on, so a slice that drops accuracy costs the old task that accuracy for good. `auto`
 * profiles once, slices at every theta of a grid (default TASK_THETA_GRID) and keeps the smallest theta whose masked
 * task accuracy on held-out task data (default: a seeded 20% of `data`, at most 1,000 samples, not profiled) is
 * within `tolerance` (default 0.01, one point) of the unmasked model's on the same samples: the most free neurons at
 * no measurable cost to the task. When no theta of the grid is within tolerance, the one with the best masked
 * accuracy is kept and `choice.withinTolerance` is false. The choice is in `thetaChoiceOf(slice)` and the slice's
 * params record the theta chosen.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fromArrays } from '../data/from-arrays.js';
import { SemsliceError } from '../errors.js';
import { logitsModel } from '../graph/index.js';
import { logger } from '../log.js';
import type { SliceOptions } from '../slicing/options.js';
import { profile } from '../slicing/profile/index.js';
import { metricsToProfile, slice, sliceFromStats } from '../slicing/slice-entry.js';
import type { Slice } from '../slicing/slice.js';
import { resolveSliceOptions } from '../slicing/options.js';
import { evaluate } from '../train/index.js';

/** Placeholder samples per class outside the task (the small-sample warning starts under 10). */
const PLACEHOLDERS = 10;

/** The theta grid `theta: 'auto'` searches (ascending: the first within tolerance wins). */
export const TASK_THETA_GRID: readonly number[] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99];

/** Options of {@link sliceTask}: SliceOptions, with theta 'auto' and its knobs. */
export interface TaskSliceOptions extends Omit<SliceOptions, 'theta'> {
  /** A cumulative share in (0, 1], or 'auto' (see the file comment). Default: the slicing default (0.95). */
  theta?: number | 'auto';
  /** Thetas 'auto' tries, any order. Default TASK_THETA_GRID. */
  thetaGrid?: readonly number[];
  /** Largest drop of the masked task accuracy below the unmasked one that 'auto' accepts. Default 0.01. */
  tolerance?: number;
  /** Held-out task data 'auto' measures on. Default: a seeded 20% (at most 1,000) of `data`, left out of profiling. */
  validation?: Dataset;
}

/** How 'auto' chose theta (recorded in the extend result and manifest). */
export interface ThetaChoice {
  rule: 'auto';
  metric: string;
  theta: number;
  tolerance: number;
  /** Accuracy of the unmasked model on the held-out task samples (argmax over the task's classes). */
  unmasked: number;
  /** Masked accuracy at the chosen theta. */
  masked: number;
  withinTolerance: boolean;
  validationSamples: number;
  /** The grid searched (ascending); the search stops at the first theta within tolerance. */
  thetaGrid: number[];
  /** Every theta tried: masked accuracy and the share of neurons the slice keeps (over all sites). */
  grid: Array<{ theta: number; masked: number; kept: number }>;
}

const choices = new WeakMap<Slice, ThetaChoice>();

/** The theta choice of a slice made by sliceTask(..., { theta: 'auto' }); null for any other slice. */
export function thetaChoiceOf(s: Slice | null | undefined): ThetaChoice | null {
  return s ? choices.get(s) ?? null : null;
}

function badOption(msg: string, hint: string): SemsliceError { return new SemsliceError('BAD_EXTEND_OPTIONS', `sliceTask: ${msg}`, hint); }

/** The task's data padded with placeholder samples of every other class (see the file comment). */
function padded(data: Dataset, task: number[], units: number): Dataset {
  const view = data.subsetClasses(task);
  const others = Array.from({ length: units }, (_, c) => c).filter((c) => !task.includes(c));
  const all = view.gather(Int32Array.from({ length: view.size }, (_, i) => i));
  const per = all.images.length / view.size;
  const pad = others.flatMap((c) => new Array<number>(PLACEHOLDERS).fill(c));
  const images = new Float32Array(all.images.length + pad.length * per);
  images.set(all.images, 0);
  for (let k = 0; k < pad.length; k++) images.set(all.images.subarray(0, per), all.images.length + k * per);
  const labels = Int32Array.from([...all.labels, ...pad]);
  const classNames = Array.from({ length: units }, (_, c) => data.classNames[c] ?? String(c));
  return fromArrays({ name: data.name, split: data.split, images, labels, sampleShape: data.sampleShape, classNames });
}

function keptShare(s: Slice): number {
  const m = s.mask();
  let kept = 0, total = 0;
  for (const v of Object.values(m)) { for (const x of v) kept += x ? 1 : 0; total += v.length; }
  return total ? kept / total : 1;
}

/**
 * Slice a model on one task's data, restricted to the task's classes; `theta: 'auto'` chooses theta so that the
 * masked task keeps its accuracy (file comment).
 *
 * @example
 * const sliceA = await ss.sliceTask(model, data.train.subsetClasses([0, 1, 2, 3, 4]).take(2000), [0, 1, 2, 3, 4], { metric: 'taylor', theta: 'auto' });
 * ss.thetaChoiceOf(sliceA); // { theta: 0.9, unmasked: 0.97, masked: 0.965, ... }
 */
export async function sliceTask(model: tf.LayersModel, data: Dataset, classes: readonly number[], opts: TaskSliceOptions = {}): Promise<Slice> {
  const units = logitsModel(model).units;
  const task = [...new Set(classes)].sort((a, b) => a - b);
  if (task.length === 0 || task.some((c) => !Number.isInteger(c) || c < 0 || c >= units)) {
    throw badOption(`the task's classes must be a non-empty subset of 0..${units - 1}, got [${classes.join(', ')}].`, 'Pass e.g. [0, 1, 2, 3, 4].');
  }
  const view = data.subsetClasses(task);
  if (view.size === 0) throw badOption(`the data has no samples of the classes ${task.join(', ')}.`, 'Pass the task\'s training data.');
  const { theta, thetaGrid, tolerance, validation, ...rest } = opts;
  if (theta !== 'auto') {
    const s = await slice(model, padded(view, task, units), { onlyCorrect: false, ...rest, ...(theta !== undefined ? { theta } : {}) });
    return s.forClasses(task);
  }
  const grid = [...new Set(thetaGrid ?? TASK_THETA_GRID)].sort((a, b) => a - b);
  if (grid.length === 0) throw badOption('thetaGrid is empty.', 'Pass e.g. thetaGrid: [0.6, 0.8, 0.9, 0.95].');
  const tol = tolerance ?? 0.01;
  if (!(tol >= 0 && tol <= 1)) throw badOption(`tolerance must be in [0, 1], got ${tolerance}.`, 'Pass e.g. tolerance: 0.01 (one point).');
  const o = resolveSliceOptions({ onlyCorrect: false, ...rest, theta: grid[0]! });
  for (const t of grid) resolveSliceOptions({ ...rest, theta: t });
  let profiled = view;
  let val = validation?.subsetClasses(task);
  if (!val) {
    if (view.size < 10) throw badOption(`theta 'auto' holds out task data to measure on, but there are only ${view.size} samples.`, 'Pass more task data, { validation }, or a numeric theta.');
    const s = view.shuffle(o.seed);
    const k = Math.min(1000, Math.max(1, Math.round(0.2 * s.size)));
    const idx = Int32Array.from({ length: s.size }, (_, i) => i);
    val = s.select(idx.subarray(0, k));
    profiled = s.select(idx.subarray(k));
  }
  if (val.size === 0) throw badOption('the validation data has no samples of the task\'s classes.', 'Pass held-out samples of the task.');
  const pd = padded(profiled, task, units);
  const stats = await profile(model, pd, {
    metrics: metricsToProfile([o.metric]), onlyCorrect: o.onlyCorrect, maxPerClass: o.maxPerClass, batchSize: o.batchSize, workers: o.workers,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}),
  });
  const unmasked = (await evaluate(model, val, { classes: task, confusion: false })).accuracy;
  const tried: ThetaChoice['grid'] = [];
  let chosen: { theta: number; slice: Slice; masked: number } | null = null;
  let best: { theta: number; slice: Slice; masked: number } | null = null;
  for (const t of grid) {
    const s = sliceFromStats(stats, { ...rest, theta: t, data: pd }).forClasses(task);
    const masked = (await evaluate(model, val, { classes: task, mask: s.mask(), confusion: false })).accuracy;
    tried.push({ theta: t, masked, kept: keptShare(s) });
    if (!best || masked > best.masked) best = { theta: t, slice: s, masked };
    if (masked >= unmasked - tol - 1e-12) { chosen = { theta: t, slice: s, masked }; break; }
  }
  const within = chosen !== null;
  const pick = chosen ?? best!;
  if (!within) logger().warn(`sliceTask: no theta of [${grid.join(', ')}] keeps the masked task accuracy within ${tol} of ${unmasked.toFixed(4)}; kept theta ${pick.theta} (${pick.masked.toFixed(4)}).`);
  choices.set(pick.slice, {
    rule: 'auto', metric: o.metric, theta: pick.theta, tolerance: tol, unmasked, masked: pick.masked, withinTolerance: within, validationSamples: val.size, thetaGrid: grid, grid: tried,
  });
  return pick.slice;
}
