/**
 * THE slice policy of maintenance: which neurons a strategy treats as the ones that matter for a task (a class set).
 * Every strategy and every entry point (API, CLI, magics, notebooks, demo, studies) that is not handed a slice gets
 * it here, so a result always says the same thing about how its slice was made.
 *
 * Samples, drawn one way: the task's classes of the training data; a stratified, seeded validation split
 * (`validationFraction`, at most `maxValidation` samples) is held out unless `validation` is given; the slice is
 * profiled on at most `profilePerClass` samples per class of the rest.
 *
 * Theta (D): `theta: 'auto'` (the default) slices at every theta of a grid from one profile and keeps the smallest
 * theta whose masked accuracy on the validation samples (argmax over the task's classes) is within `tolerance` of
 * the unmasked model's on the same samples: the fewest neurons at no measurable cost to the task, chosen on data
 * that is neither the test set nor profiled. With `minFree` (extend: room for a next task) the chosen theta must
 * also leave at least that share of every site's neurons free; when no theta meets both, capacity wins (the
 * largest theta that leaves `minFree` free) and `withinTolerance` is false; when no theta of the grid leaves
 * `minFree` free, or without `minFree`, accuracy decides (the smallest theta within tolerance, else the best masked
 * accuracy), and `capacityMet` says so. A number fixes theta (the paper's 0.95 is a row of every study);
 * the same measurements are recorded for it.
 *
 * Earlier tasks (`keep`, incremental development): a later task's inference reads the union of its slice and the
 * earlier tasks' slices, so each candidate is measured through that union, and `minFree` counts as free only the
 * neurons neither holds (what the tasks after it will find). Measuring the slice alone chose masks whose union
 * with the earlier slices lost the task (a 99% slice whose inference mask gave 55%).
 *
 * A class subset (a task of incremental development) is profiled as follows (D): profiling needs samples of every
 * class the model outputs, and a model trained on task A never predicts other classes, so every class outside the
 * task gets ten placeholder samples (copies of a task sample, relabelled) whose statistics `forClasses(task)`
 * discards, and `onlyCorrect` defaults to false there (the placeholders are misclassified by construction). For
 * the slice of every class, `onlyCorrect` keeps the slicing default (true).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { fromArrays } from '../../data/from-arrays.js';
import { stratifiedSplit } from '../../data/split.js';
import { fail } from '../../messages/index.js';
import { logitsModel } from '../../graph/index.js';
import { logger, type ProgressCallback } from '../../log.js';
import { compressionRate } from '../../masks/compression.js';
import type { NeuronMask } from '../../masks/neuron-mask.js';
import { resolveSliceOptions } from '../../slicing/options.js';
import { profile } from '../../slicing/profile/index.js';
import { metricsToProfile, sliceFromStats } from '../../slicing/slice-entry.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate } from '../../train/index.js';

/** The theta grid `theta: 'auto'` searches (ascending: the first theta that qualifies wins). */
export const THETA_GRID: readonly number[] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99];

/** The policy's defaults, in one place (also read by the CLI flags, magics and docs). */
export const SLICE_POLICY_DEFAULTS = {
  metric: 'taylor', theta: 'auto', tolerance: 0.01, minFree: 0, validationFraction: 0.1, maxValidation: 1000, profilePerClass: 500,
} as const;

/** Placeholder samples per class outside a task (the small-sample warning starts under 10). */
const PLACEHOLDERS = 10;

/** Options of {@link taskSlice}. */
export interface SlicePolicyOptions {
  /** Contribution metric. Default 'taylor'. */
  metric?: string;
  /** A cumulative share in (0, 1], or 'auto' (file comment). Default 'auto'. */
  theta?: number | 'auto';
  /** Thetas 'auto' tries, any order. Default THETA_GRID. */
  thetaGrid?: readonly number[];
  /** Largest drop of the masked task accuracy below the unmasked one that 'auto' accepts. Default 0.01 (one point). */
  tolerance?: number;
  /**
   * Share of every site's free neurons (those outside `keep`; every neuron without it) the slice must leave free
   * ('auto'), in [0, 1). Default 0 (no condition). Asked of the sites where the smallest theta of the grid meets it.
   */
  minFree?: number;
  /**
   * Neurons the task's inference reads besides its own slice (the earlier tasks' slices, site -> 0/1 per neuron):
   * every candidate is measured through its union with them, and free shares count what neither holds.
   */
  keep?: NeuronMask;
  /** Held-out task samples theta is chosen on. Default: a stratified split of `data` (validationFraction, maxValidation). */
  validation?: Dataset;
  /** Share of each task class held out for validation when `validation` is not given. Default 0.1. */
  validationFraction?: number;
  /** At most this many validation samples. Default 1000. */
  maxValidation?: number;
  /** Profiling samples per class (a seeded draw of the rest). Default 500. */
  profilePerClass?: number;
  /** Profile only correctly classified samples. Default: true for every class, false for a class subset. */
  onlyCorrect?: boolean;
  /** Seeds the validation split and the profiling draw. Default 0. */
  seed?: number;
  batchSize?: number;
  workers?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** How a strategy's slice was made: recorded in every result and manifest. */
export interface SliceChoice {
  /** 'auto' and 'fixed' were sliced here by the policy; 'given' was passed in. */
  rule: 'auto' | 'fixed' | 'given';
  metric: string;
  theta: number | null;
  k: number | null;
  /** The task's classes (the slice covers exactly these). */
  classes: number[];
  tolerance: number | null;
  minFree: number | null;
  /** Accuracy of the unmasked and the masked model on the validation samples (argmax over `classes`). */
  unmasked: number | null;
  masked: number | null;
  withinTolerance: boolean | null;
  /** Every deciding site keeps at least `minFree` of its free neurons free (null without the condition). */
  capacityMet: boolean | null;
  /**
   * The sites capacity was asked of: those where the smallest theta of the grid meets it (a site that even the
   * freest candidate fills, e.g. 6 convolution channels shared by five tasks, is read by later tasks, not kept
   * free); null without the condition.
   */
  capacitySites: string[] | null;
  validationSamples: number;
  profileSamples: number;
  /** Share of the neurons of all sites the slice keeps, and the compression rate of its mask. */
  kept: number;
  cr: number;
  /** Per site: share of its neurons outside the slice (and outside `keep` when given: what a next task finds). */
  freeShare: Record<string, number>;
  /** The grid searched ('auto'), ascending, with what each theta gave (the search stops at the one chosen). */
  thetaGrid: number[] | null;
  grid: Array<{ theta: number; masked: number; kept: number; minFreeShare: number; cr: number }>;
}

/** A slice and how it was made. */
export interface TaskSlice {
  slice: Slice;
  choice: SliceChoice;
}


function sortedSet(xs: readonly number[]): number[] { return [...new Set(xs)].sort((a, b) => a - b); }

/** The task's samples padded with placeholder samples of every other class (file comment). */
function padded(view: Dataset, task: number[], units: number): Dataset {
  const others = Array.from({ length: units }, (_, c) => c).filter((c) => !task.includes(c));
  if (others.length === 0) return view;
  const all = view.gather(Int32Array.from({ length: view.size }, (_, i) => i));
  const per = all.images.length / view.size;
  const pad = others.flatMap((c) => new Array<number>(PLACEHOLDERS).fill(c));
  const images = new Float32Array(all.images.length + pad.length * per);
  images.set(all.images, 0);
  for (let k = 0; k < pad.length; k++) images.set(all.images.subarray(0, per), all.images.length + k * per);
  const labels = Int32Array.from([...all.labels, ...pad]);
  const classNames = Array.from({ length: units }, (_, c) => view.classNames[c] ?? String(c));
  return fromArrays({ name: view.name, split: view.split, images, labels, sampleShape: view.sampleShape, classNames });
}

/** The neurons either mask keeps (sites of `a`; a site `b` does not name adds nothing). */
function unionMask(a: NeuronMask, b: NeuronMask | undefined): NeuronMask {
  if (!b) return a;
  const out: NeuronMask = {};
  for (const [site, v] of Object.entries(a)) {
    const w = b[site];
    out[site] = w ? v.map((x, i) => (x || w[i] ? 1 : 0)) : v;
  }
  return out;
}

/**
 * Per site, the share of the neurons `keep` leaves free that `mask` (which includes `keep`) still leaves free; every
 * neuron counts as free without `keep`. A site `keep` fills is left out (nothing there to leave).
 */
function leftFree(mask: NeuronMask, keep: NeuronMask | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [site, v] of Object.entries(mask)) {
    const k = keep?.[site];
    let before = 0, after = 0;
    for (let i = 0; i < v.length; i++) {
      if (k && k[i]) continue;
      before++;
      if (!v[i]) after++;
    }
    if (before > 0) out[site] = after / before;
  }
  return out;
}

/** Share of neurons kept over all sites, the smallest free share of any site, and each site's free share. */
function shares(mask: Record<string, Float32Array>): { kept: number; minFree: number; free: Record<string, number> } {
  let kept = 0, total = 0, minFree = 1;
  const free: Record<string, number> = {};
  for (const [site, v] of Object.entries(mask)) {
    let k = 0;
    for (const x of v) k += x ? 1 : 0;
    kept += k; total += v.length;
    free[site] = v.length ? (v.length - k) / v.length : 0;
    minFree = Math.min(minFree, free[site]);
  }
  return { kept: total ? kept / total : 1, minFree, free };
}

/** The task's validation and profiling samples, drawn as the file comment says. */
function drawSamples(view: Dataset, o: { validation?: Dataset; validationFraction: number; maxValidation: number; profilePerClass: number; seed: number }, task: number[]): { val: Dataset; prof: Dataset } {
  let rest = view;
  let val = o.validation?.subsetClasses(task);
  if (!val) {
    const fraction = Math.min(o.validationFraction, o.maxValidation / view.size);
    const split = stratifiedSplit(view, { fraction, seed: o.seed });
    rest = split.first;
    val = split.second;
  }
  if (val.size === 0) throw fail('BAD_SLICE_POLICY', { case: 'no-validation', classes: task, size: view.size });
  return { val, prof: rest.shuffle(o.seed).perClassCap(o.profilePerClass) };
}

/**
 * The slice of a task (a class set, or every class) by the one policy of maintenance (file comment).
 *
 * @example
 * const { slice, choice } = await taskSlice(model, data.train, [0, 1, 2, 3, 4]);          // theta 'auto'
 * choice.theta; choice.masked; choice.unmasked; choice.kept;
 * const paper = await taskSlice(model, data.train, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { theta: 0.95 });
 */
export async function taskSlice(model: tf.LayersModel, data: Dataset, classes: readonly number[], opts: SlicePolicyOptions = {}): Promise<TaskSlice> {
  const units = logitsModel(model).units;
  const task = sortedSet(classes);
  if (task.length === 0 || task.some((c) => !Number.isInteger(c) || c < 0 || c >= units)) {
    throw fail('BAD_SLICE_POLICY', { case: 'classes', classes, units });
  }
  const D = SLICE_POLICY_DEFAULTS;
  const theta = opts.theta ?? D.theta;
  const tolerance = opts.tolerance ?? D.tolerance;
  if (!(tolerance >= 0 && tolerance <= 1)) throw fail('BAD_SLICE_POLICY', { case: 'value', option: 'tolerance', value: tolerance, range: [0, 1], example: 0.01 });
  const minFree = opts.minFree ?? D.minFree;
  if (!(minFree >= 0 && minFree < 1)) throw fail('BAD_SLICE_POLICY', { case: 'value', option: 'minFree', open: 'high', value: minFree, range: [0, 1], example: 0.25 });
  const grid = theta === 'auto' ? sortedSet(opts.thetaGrid ?? THETA_GRID) : [theta];
  if (grid.length === 0) throw fail('BAD_SLICE_POLICY', { case: 'value', option: 'thetaGrid', expected: 'a non-empty list', value: grid, example: [0.6, 0.8, 0.9, 0.95], orOmit: true });
  const validationFraction = opts.validationFraction ?? D.validationFraction;
  if (!(validationFraction > 0 && validationFraction < 1)) throw fail('BAD_SLICE_POLICY', { case: 'value', option: 'validationFraction', open: 'both', value: validationFraction, range: [0, 1], example: 0.1 });
  const maxValidation = opts.maxValidation ?? D.maxValidation;
  const profilePerClass = opts.profilePerClass ?? D.profilePerClass;
  for (const [name, v] of [['maxValidation', maxValidation], ['profilePerClass', profilePerClass]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw fail('BAD_SLICE_POLICY', { case: 'value', expected: 'a positive integer', option: name, value: v, example: 500 });
  }
  const whole = task.length === units;
  const { validation, keep, thetaGrid: _g, tolerance: _t, minFree: _m, validationFraction: _f, maxValidation: _x, profilePerClass: _p, theta: _th, ...sliceOpts } = opts;
  const o = resolveSliceOptions({ ...sliceOpts, onlyCorrect: opts.onlyCorrect ?? (whole ? true : false), theta: grid[0]! });
  for (const t of grid) resolveSliceOptions({ theta: t });

  const view = data.subsetClasses(task);
  const missing = task.filter((c) => (view.classCounts()[c] ?? 0) === 0);
  if (missing.length) throw fail('BAD_SLICE_POLICY', { case: 'no-samples', missing });
  const { val, prof } = drawSamples(view, { ...(validation ? { validation } : {}), validationFraction, maxValidation, profilePerClass, seed: o.seed }, task);
  const profiled = whole ? prof : padded(prof, task, units);
  const stats = await profile(model, profiled, {
    metrics: metricsToProfile([o.metric]), onlyCorrect: o.onlyCorrect, maxPerClass: null, batchSize: o.batchSize, workers: o.workers,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}),
  });
  const unmasked = (await evaluate(model, val, { classes: task, confusion: false })).accuracy;
  const tried: SliceChoice['grid'] = [];
  type Candidate = { theta: number; slice: Slice; masked: number; capacity: boolean };
  let chosen: Candidate | undefined, bestAcc: Candidate | undefined, bestCap: Candidate | undefined;
  // The sites capacity is asked of: those where the freest candidate (the smallest theta) meets it.
  let deciding: string[] | undefined;
  for (const t of grid) {
    const s = sliceFromStats(stats, { ...sliceOpts, metric: o.metric, theta: t, data: profiled }).forClasses(task);
    const mask = s.mask();
    const infer = unionMask(mask, keep);
    const masked = (await evaluate(model, val, { classes: task, mask: infer, confusion: false })).accuracy;
    const left = leftFree(infer, keep);
    deciding ??= Object.keys(left).filter((site) => left[site]! >= minFree - 1e-12);
    const minLeft = deciding.length ? Math.min(...deciding.map((site) => left[site]!)) : NaN;
    tried.push({ theta: t, masked, kept: shares(mask).kept, minFreeShare: minLeft, cr: compressionRate(model, mask) });
    const c: Candidate = { theta: t, slice: s, masked, capacity: deciding.length > 0 && minLeft >= minFree - 1e-12 };
    if (!bestAcc || masked > bestAcc.masked) bestAcc = c;
    if (c.capacity) bestCap = c;
    if (masked >= unmasked - tolerance - 1e-12) { chosen = c; break; }
  }
  const within = chosen !== undefined;
  let pick = chosen ?? bestAcc!;
  if (minFree > 0 && !pick.capacity && bestCap) pick = bestCap;
  if (theta === 'auto' && (!within || pick !== chosen)) {
    logger().warn(`taskSlice: ${!within ? `no theta of [${grid.join(', ')}] keeps the masked task accuracy within ${tolerance} of ${unmasked.toFixed(4)}` : `theta ${chosen!.theta} is within tolerance but leaves less than ${minFree} of some site free`}; kept theta ${pick.theta} (masked ${pick.masked.toFixed(4)}).`);
  }
  const mask = pick.slice.mask();
  const sh = shares(mask);
  const free = shares(unionMask(mask, keep)).free;
  const row = tried.find((g) => g.theta === pick.theta)!;
  const choice: SliceChoice = {
    rule: theta === 'auto' ? 'auto' : 'fixed', metric: o.metric, theta: pick.theta, k: null, classes: task,
    tolerance, minFree: minFree > 0 ? minFree : null, unmasked, masked: pick.masked,
    withinTolerance: pick.masked >= unmasked - tolerance - 1e-12, capacityMet: minFree > 0 ? pick.capacity : null,
    capacitySites: minFree > 0 ? deciding ?? [] : null,
    validationSamples: val.size, profileSamples: prof.size, kept: sh.kept, cr: row.cr, freeShare: free,
    thetaGrid: theta === 'auto' ? grid : null, grid: tried,
  };
  return { slice: pick.slice, choice };
}

/**
 * The record of a slice the caller passed in (no validation numbers: nothing was chosen here).
 *
 * @example
 * givenSliceChoice(model, slice).kept;   // share of neurons the slice keeps
 */
export function givenSliceChoice(model: tf.LayersModel, slice: Slice): SliceChoice {
  const mask = slice.mask();
  const sh = shares(mask);
  const p = slice.params;
  return {
    rule: 'given', metric: p.metric, theta: p.theta, k: p.k, classes: slice.classes, tolerance: null, minFree: null,
    unmasked: null, masked: null, withinTolerance: null, capacityMet: null, capacitySites: null, validationSamples: 0, profileSamples: slice.counts.reduce((a, b) => a + b, 0),
    kept: sh.kept, cr: compressionRate(model, mask), freeShare: sh.free, thetaGrid: null, grid: [],
  };
}

/** The policy options that reproduce a choice (to slice the next task of a sequence the same way). */
export function policyOf(choice: SliceChoice): SlicePolicyOptions {
  if (choice.rule === 'auto') {
    return { metric: choice.metric, theta: 'auto', tolerance: choice.tolerance ?? undefined, ...(choice.thetaGrid ? { thetaGrid: choice.thetaGrid } : {}), ...(choice.minFree !== null ? { minFree: choice.minFree } : {}) } as SlicePolicyOptions;
  }
  return { metric: choice.metric, ...(choice.theta !== null ? { theta: choice.theta } : {}) };
}
