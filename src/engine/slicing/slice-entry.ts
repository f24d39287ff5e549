/**
 * The slicing pipeline (docs/algorithm.md):
 *
 *   profile (one pass, per-class statistics) -> scoresFrom (metric, normalised) -> selectCritical (method)
 *     -> categorise + similarity -> average-linkage merge -> Slice
 *
 * sliceFromStats runs everything after the profile, so one profile serves many thetas, ks and metrics.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { logger } from '../log.js';
import { modelFingerprint } from '../models/fingerprint.js';
import { getMetric } from './metrics.js';
import { paramsOf, resolveSliceOptions, type ResolvedSliceOptions, type SliceOptions } from './options.js';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { profile } from './profile/profile.js';
import { selectCritical } from './selection.js';
import { Slice } from './slice.js';
import { buildState } from './slice-state.js';
import { METRICS, type Metric, type ProfileStatsData, type SliceStability } from './types.js';
import { bootstrapStability, warnSmallSample } from './stability.js';
import { scoresFrom } from './metrics.js';

/** What sliceFromStats needs beyond the statistics (slice() fills these from the model and the data). */
export interface FromStatsOptions extends Omit<SliceOptions, 'onlyCorrect' | 'maxPerClass' | 'batchSize' | 'signal' | 'workers'> {
  /** Class names; default "class0", "class1", ... */
  classNames?: readonly string[];
  /**
   * Model and data fingerprints to record; default: the model fingerprint profile() recorded in the statistics and
   * the fingerprint of `data`, each "unknown" when absent.
   */
  fingerprints?: { model: string; data: string };
  /** The profiled data: its fingerprint is recorded (so the slice file can be checked against it), its class names used. */
  data?: Dataset;
}

/**
 * Build a slice from profile statistics (no model needed).
 *
 * @example
 * const stats = await profile(model, data.train);
 * const slices = [0.9, 0.95, 0.99].map((theta) => sliceFromStats(stats, { theta, data: data.train }));
 */
export function sliceFromStats(stats: ProfileStatsData, opts: FromStatsOptions = {}): Slice {
  const o = resolveSliceOptions({ ...opts, onlyCorrect: stats.options.onlyCorrect, maxPerClass: stats.options.maxPerClass, batchSize: stats.options.batchSize });
  const fps = opts.fingerprints ?? (stats.modelFingerprint !== undefined || opts.data
    ? { model: stats.modelFingerprint ?? 'unknown', data: opts.data?.fingerprint() ?? 'unknown' } : undefined);
  return assemble(stats, o, opts.classNames ?? opts.data?.classNames, fps) as Slice;
}

function assemble(
  stats: ProfileStatsData, o: ResolvedSliceOptions, names: readonly string[] | undefined, fps: { model: string; data: string } | undefined,
  withStability?: (critical: Record<string, Uint8Array>, classNames: string[]) => Promise<SliceStability>,
): Slice | Promise<Slice> {
  const scores = scoresFrom(stats, o.metric);
  const critical = selectCritical(stats, { method: o.method, metric: o.metric, theta: o.theta, k: o.k, scores });
  const classNames = names ? [...names] : Array.from({ length: stats.numClasses }, (_, c) => `class${c}`);
  warnEmpty(stats, critical, classNames);
  const parts = {
    params: paramsOf(o, stats.options),
    classNames,
    sites: stats.sites.map((s) => ({ ...s, followers: [...s.followers] })),
    classes: Array.from({ length: stats.numClasses }, (_, c) => c),
    critical,
    scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, Float64Array.from(v)])),
    selection: null,
    counts: [...stats.counts],
    fingerprints: fps ?? { model: 'unknown', data: 'unknown' },
  };
  o.onProgress?.({ phase: 'slice', done: 1, total: 1 });
  if (!withStability) return new Slice(buildState(parts));
  return withStability(critical, classNames).then((stability) => new Slice(buildState({ ...parts, stability })));
}

function warnEmpty(stats: ProfileStatsData, critical: Record<string, Uint8Array>, names: string[]): void {
  for (const s of stats.sites) {
    for (let c = 0; c < stats.numClasses; c++) {
      if (critical[s.name]!.subarray(c * s.neurons, (c + 1) * s.neurons).every((x) => x === 0)) {
        logger().warn(`class "${names[c]}" has no critical neuron at site "${s.name}" (all its scores are zero there).`);
      }
    }
  }
}

/** Throws SemsliceError ABORTED once the signal has fired (checked between phases and sweep points). */
export function checkAborted(signal: AbortSignal | undefined, what = 'Slicing'): void {
  if (signal?.aborted) throw fail('ABORTED', { case: 'signal', what });
}

/** Raw statistics a metric needs from profile(): itself if built in, otherwise all of them. */
export function metricsToProfile(metrics: readonly string[]): Metric[] {
  for (const m of metrics) getMetric(m);
  if (metrics.every((m) => (METRICS as readonly string[]).includes(m))) return [...new Set(metrics as Metric[])];
  return [...METRICS];
}

/** The data view profiled: a seeded draw of maxPerClass samples per class, or all of it. */
export function profilingView(data: Dataset, maxPerClass: number | null, seed: number): Dataset {
  return maxPerClass === null ? data : data.shuffle(seed).perClassCap(maxPerClass);
}

/**
 * Slice a model: profile it on data, score, select, categorise, merge; with `{ bootstrap: B }` also measure the
 * slice's stability over B resampled profiling sets (`slice.stability`). Options and defaults: SliceOptions.
 * Warns through the logger when a class has fewer than MIN_STABLE_SAMPLES profiling samples.
 * Errors: unknown metric or method, theta/k/tau out of range (checked before profiling), data that does not fit
 * the model, a class with no (correctly classified) samples (from profile()).
 *
 * @example
 * const slice = await slice(model, data.train, { metric: 'taylor', theta: 0.95 });
 * slice.summary();
 */
export async function slice(model: tf.LayersModel, data: Dataset, opts: SliceOptions = {}): Promise<Slice> {
  const o = resolveSliceOptions(opts);
  const view = profilingView(data, o.maxPerClass, o.seed);
  const profileMetrics = metricsToProfile([o.metric]);
  const stats = await profile(model, view, {
    metrics: profileMetrics, onlyCorrect: o.onlyCorrect, maxPerClass: o.maxPerClass, batchSize: o.batchSize, workers: o.workers,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}),
  });
  checkAborted(o.signal);
  warnSmallSample(stats.counts, data.classNames);
  const stability = o.bootstrap === 0 ? undefined : (critical: Record<string, Uint8Array>, classNames: string[]) => bootstrapStability(model, view, critical, stats.sites, classNames, {
    method: o.method, metric: o.metric, profileMetrics, theta: o.theta, k: o.k, tau: o.tau, onlyCorrect: o.onlyCorrect, batchSize: o.batchSize,
    workers: o.workers, replicates: o.bootstrap, seed: o.seed,
    ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  return assemble(stats, o, data.classNames, { model: stats.modelFingerprint ?? await modelFingerprint(model), data: data.fingerprint() }, stability);
}
