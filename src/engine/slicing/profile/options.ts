/**
 * Options of profile() and their defaults, in one place (style rule: one options object per entry point).
 */
import { SemsliceError } from '../../errors.js';
import { unknownNameError, fail } from '../../messages/index.js';
import type { ProgressCallback } from '../../log.js';
import { METRICS, type Metric } from '../types.js';

/** The four raw statistics a profiling pass can compute; ens is derived from them. */
export const RAW_METRICS = ['avg', 'var', 'taylor', 'deeplift'] as const;
export type RawMetric = (typeof RAW_METRICS)[number];

export interface ProfileOptions {
  /** Metrics to compute. Default: all (avg, var, taylor, deeplift, ens). `ens` needs the other four and adds them. */
  metrics?: readonly Metric[];
  /** (D) Profile only samples the model classifies correctly. Default true. */
  onlyCorrect?: boolean;
  /**
   * At most this many candidate samples per class (the first ones in view order); with onlyCorrect, misclassified
   * ones among them are then dropped, so fewer may be used. Default null = all.
   */
  maxPerClass?: number | null;
  /** Samples per batch. Results depend on it only by float rounding. Default 256. */
  batchSize?: number;
  /** Called after each batch with phase "profile", done/total in samples. */
  onProgress?: ProgressCallback;
  /** Aborting rejects the profile with SemsliceError code ABORTED (checked between batches). */
  signal?: AbortSignal;
  /**
   * Worker threads, each with its own backend, each profiling a contiguous run of batches. Default 1 (in-process).
   * Results are byte-identical for any worker count on the same backend.
   */
  workers?: number;
}

export interface ResolvedProfileOptions {
  metrics: Metric[];
  raw: RawMetric[];
  /** Whether any requested metric needs the backward pass (taylor, deeplift). */
  needGrad: boolean;
  onlyCorrect: boolean;
  maxPerClass: number | null;
  batchSize: number;
  workers: number;
  onProgress: ProgressCallback | undefined;
  signal: AbortSignal | undefined;
}

function positiveInt(option: string, v: unknown, example: number, or?: null): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    const expected = or === null ? 'a positive integer or null' : 'a positive integer';
    throw fail('BAD_OPTION', { case: 'value', where: 'profile', option, expected, value: v, example, ...(or === null ? { or } : {}) });
  }
  return v;
}

/** Fill in defaults and validate. */
export function resolveProfileOptions(opts: ProfileOptions = {}): ResolvedProfileOptions {
  const metrics = [...(opts.metrics ?? METRICS)];
  if (metrics.length === 0) throw fail('BAD_OPTION', { case: 'value', where: 'profile', option: 'metrics', expected: 'a non-empty list', value: metrics, example: ['taylor', 'avg'], orOmit: true });
  for (const m of metrics) {
    if (!(METRICS as readonly string[]).includes(m)) throw unknownNameError('UNKNOWN_METRIC', 'metric passed to profile()', String(m), METRICS);
  }
  const raw = RAW_METRICS.filter((r) => metrics.includes('ens') || metrics.includes(r));
  const maxPerClass = opts.maxPerClass ?? null;
  if (maxPerClass !== null) positiveInt('maxPerClass', maxPerClass, 100, null);
  return {
    metrics,
    raw,
    needGrad: raw.includes('taylor') || raw.includes('deeplift'),
    onlyCorrect: opts.onlyCorrect ?? true,
    maxPerClass,
    batchSize: positiveInt('batchSize', opts.batchSize ?? 256, 256),
    workers: positiveInt('workers', opts.workers ?? 1, 4),
    onProgress: opts.onProgress,
    signal: opts.signal,
  };
}
