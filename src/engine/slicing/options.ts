/**
 * Options of slice() / sliceFromStats() and their defaults, in one place. Every resolved value that shapes the
 * result is recorded in the slice's params.
 */
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import type { ProgressCallback } from '../log.js';
import { getMetric } from './metrics.js';
import { checkTau, type Tau } from './merge.js';
import { checkK, checkTheta, getSelector } from './selection.js';
import type { Metric, SliceMethod, SliceParams } from './types.js';

export interface SliceOptions {
  /** Contribution metric (a registered name: avg, var, taylor, deeplift, ens, or your own). Default 'taylor'. */
  metric?: Metric | (string & {});
  /** Selection method: 'semantic' (theta), 'category-topk' or 'global-topk' (k), or a registered one. Default 'semantic'. */
  method?: SliceMethod | (string & {});
  /** Cumulative score share each class keeps per site, in (0, 1]; semantic only. Default 0.95. */
  theta?: number;
  /** Percent of neurons kept per site, in (0, 100]; top-k methods only (required there). Default none. */
  k?: number | null;
  /**
   * Merging classes into components: 'auto' cuts the average-linkage dendrogram where the silhouette of the
   * components is best (2 to classes-1 components when there is structure; docs/algorithm.md), a number in [0, 1]
   * cuts at that similarity. Default 'auto'.
   */
  tau?: number | 'auto';
  /** (D) Profile only samples the model classifies correctly. Default true. */
  onlyCorrect?: boolean;
  /** At most this many samples per class (drawn by a seeded shuffle, see seed); null = all. Default null. */
  maxPerClass?: number | null;
  /** Profiling batch size. Default 256. */
  batchSize?: number;
  /** Progress events: phase "profile" (samples), then "slice" (1 of 1). */
  onProgress?: ProgressCallback;
  /** Abort profiling (SemsliceError ABORTED). */
  signal?: AbortSignal;
  /** Seed of the per-class sample draw when maxPerClass is set (no other random choice). Default 0. */
  seed?: number;
  /** Profiling worker threads (each with its own backend); results are identical for any count. Default 1. */
  workers?: number;
  /**
   * Bootstrap replicates for `slice.stability` (0 = none): each replicate resamples every class's profiling samples
   * with replacement (seeded by `seed`), profiles them again and slices with the same parameters, so it costs one
   * profiling pass per replicate. 20 is a reasonable number. Default 0.
   */
  bootstrap?: number;
}

/** Resolved options: defaults filled, ranges checked. */
export interface ResolvedSliceOptions {
  metric: string;
  method: string;
  theta: number | null;
  k: number | null;
  tau: Tau;
  onlyCorrect: boolean;
  maxPerClass: number | null;
  batchSize: number;
  seed: number;
  workers: number;
  bootstrap: number;
  onProgress: ProgressCallback | undefined;
  signal: AbortSignal | undefined;
}

/** The defaults, in one place. */
export const SLICE_DEFAULTS = {
  metric: 'taylor', method: 'semantic', theta: 0.95, k: null, tau: 'auto', onlyCorrect: true, maxPerClass: null, batchSize: 256, seed: 0, workers: 1, bootstrap: 0,
} as const;

/**
 * Fill in defaults and validate every option (before any expensive work).
 *
 * @example
 * resolveSliceOptions({ theta: 0.9 }).metric; // 'taylor'
 */
export function resolveSliceOptions(opts: SliceOptions = {}): ResolvedSliceOptions {
  const metric = opts.metric ?? SLICE_DEFAULTS.metric;
  getMetric(metric);
  const method = opts.method ?? SLICE_DEFAULTS.method;
  const sel = getSelector(method);
  const theta = sel.param === 'theta' ? checkTheta(opts.theta ?? SLICE_DEFAULTS.theta) : null;
  const k = sel.param === 'k' ? checkK(opts.k ?? null) : null;
  const maxPerClass = opts.maxPerClass ?? SLICE_DEFAULTS.maxPerClass;
  if (maxPerClass !== null && !(Number.isInteger(maxPerClass) && maxPerClass >= 1)) {
    throw fail('BAD_OPTION', { case: 'value', option: 'maxPerClass', expected: 'a positive integer or null', value: maxPerClass, example: 100, or: null });
  }
  const seed = opts.seed ?? SLICE_DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw fail('BAD_OPTION', { case: 'value', option: 'seed', expected: 'an integer', value: seed, example: 0 });
  const bootstrap = opts.bootstrap ?? SLICE_DEFAULTS.bootstrap;
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) {
    throw fail('BAD_OPTION', { case: 'value', option: 'bootstrap', expected: 'a non-negative integer', value: bootstrap, example: 20, or: 0 });
  }
  return {
    metric, method, theta, k, bootstrap,
    tau: checkTau(opts.tau ?? SLICE_DEFAULTS.tau),
    onlyCorrect: opts.onlyCorrect ?? SLICE_DEFAULTS.onlyCorrect,
    maxPerClass,
    batchSize: opts.batchSize ?? SLICE_DEFAULTS.batchSize,
    seed,
    workers: opts.workers ?? SLICE_DEFAULTS.workers,
    onProgress: opts.onProgress,
    signal: opts.signal,
  };
}

/** The params recorded in a slice (custom metric/method names are recorded as given). */
export function paramsOf(o: ResolvedSliceOptions, profiled: { onlyCorrect: boolean; maxPerClass: number | null; batchSize: number }): SliceParams {
  return {
    method: o.method as SliceMethod, metric: o.metric as Metric, theta: o.theta, k: o.k, tau: o.tau,
    onlyCorrect: profiled.onlyCorrect, maxPerClass: profiled.maxPerClass, seed: o.seed, batchSize: profiled.batchSize,
  };
}
