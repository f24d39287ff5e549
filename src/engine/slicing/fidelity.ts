/**
 * Slice fidelity (the paper's RQ1): compression rate and masked accuracy of the all-classes slice, for every
 * method, metric and threshold, from ONE profiling pass.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fail } from '../messages/index.js';
import type { ProgressCallback } from '../log.js';
import { compressionRate } from '../masks/compression.js';
import { mostActiveLike } from '../masks/train-masks.js';
import { evaluateMasked } from '../train/evaluate.js';
import { scoresFrom } from './metrics.js';
import { profile } from './profile/profile.js';
import { checkK, checkTheta, getSelector, selectCritical } from './selection.js';
import { checkAborted, metricsToProfile, profilingView } from './slice-entry.js';
import { METHODS, type FidelityRow, type Metric, type ProfileStatsData, type SliceMethod } from './types.js';
import { findSites } from '../graph/index.js';

export interface FidelitySweepOptions {
  /** Metrics to compare. Default ['taylor', 'avg']. */
  metrics?: readonly string[];
  /**
   * Thetas for 'semantic'. Default: 0.30, 0.35, ..., 0.85 (beyond the paper, so the semantic curve spans the CR
   * axis) and the paper's 0.90, 0.91, ..., 0.99. Rows below 0.90 have beyondPaper: true.
   */
  thetas?: readonly number[];
  /** Percentages for the top-k baselines. Default 10, 20, ..., 100. */
  ks?: readonly number[];
  /** Methods. Default all three: semantic, category-topk, global-topk. */
  methods?: readonly string[];
  /**
   * Matched-count baselines, one point per semantic point: `'low-activation'` keeps, per site, as many neurons as the
   * semantic slice keeps, the most active ones (mean absolute activation over the profiled samples; dead neurons go
   * first): does the semantic slice keep more than "drop the idle neurons" at the same size? Default none.
   */
  matched?: readonly 'low-activation'[];
  /**
   * Data to profile on. Default: the `data` argument. (RQ1 style: pass profileData: train, and data: test.)
   */
  profileData?: Dataset;
  /** Data to measure accuracy on. Default: the `data` argument. */
  evalData?: Dataset;
  /**
   * Statistics of a profile already made (ss.profile) on the profiling data: the sweep then does not profile again
   * (profileData, onlyCorrect, maxPerClass and workers are ignored). They must hold the raw metrics the sweep's
   * metrics need.
   */
  stats?: ProfileStatsData;
  /** (D) Profile only correctly classified samples. Default true. */
  onlyCorrect?: boolean;
  /** Per-class cap on profiling samples (seeded draw). Default null = all. */
  maxPerClass?: number | null;
  /** Batch size for profiling and evaluation. Default 256. */
  batchSize?: number;
  /** Seed of the per-class draw. Default 0. */
  seed?: number;
  /** Profiling worker threads. Default 1. */
  workers?: number;
  /** Phases "profile" (samples), then "sweep" (points). */
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** The paper's theta grid: 0.90, 0.91, ..., 0.99. */
export const PAPER_THETAS: readonly number[] = Array.from({ length: 10 }, (_, i) => (90 + i) / 100);
/** Beyond the paper: 0.30, 0.35, ..., 0.85, where semantic slices reach the compression rates top-k reaches. */
export const WIDE_THETAS: readonly number[] = Array.from({ length: 12 }, (_, i) => (30 + 5 * i) / 100);
/** The sweep's default semantic grid: WIDE_THETAS then PAPER_THETAS. */
export const DEFAULT_THETAS: readonly number[] = [...WIDE_THETAS, ...PAPER_THETAS];

/**
 * Whether a sweep point lies outside the paper's grids: semantic theta below 0.90 (within float noise). The top-k
 * baselines' default grid 10..100% is the paper's.
 *
 * @example
 * beyondPaper({ theta: 0.6, k: null }); // true
 */
export function beyondPaper(p: { theta: number | null; k: number | null }): boolean {
  return p.theta !== null && p.theta < 0.9 - 1e-9;
}
export const DEFAULT_KS: readonly number[] = Array.from({ length: 10 }, (_, i) => (i + 1) * 10);

interface Point { method: string; metric: string; theta: number | null; k: number | null }

function points(methods: readonly string[], metrics: readonly string[], thetas: readonly number[], ks: readonly number[]): Point[] {
  const out: Point[] = [];
  for (const method of methods) {
    const param = getSelector(method).param;
    for (const metric of metrics) {
      if (param === 'theta') for (const t of thetas) out.push({ method, metric, theta: checkTheta(t), k: null });
      else for (const k of ks) out.push({ method, metric, theta: null, k: checkK(k) });
    }
  }
  return out;
}

/** Precomputed statistics must be of this model's sites and hold what the metrics need. */
function checkStats(stats: ProfileStatsData, model: tf.LayersModel, metrics: readonly string[]): ProfileStatsData {
  const sites = findSites(model).map((s) => `${s.name}:${s.neurons}`).join(',');
  if (stats.sites.map((s) => `${s.name}:${s.neurons}`).join(',') !== sites) {
    throw fail('MISSING_STATS', { case: 'other-model' });
  }
  const RAW = ['avg', 'var', 'taylor', 'deeplift'] as const;
  const need = new Set(metricsToProfile(metrics).flatMap((m) => ((RAW as readonly string[]).includes(m) ? [m as (typeof RAW)[number]] : [...RAW])));
  for (const raw of need) {
    if (!stats.stats[raw] || Object.keys(stats.stats[raw]).length === 0) {
      throw fail('MISSING_STATS', { case: 'lacks-raw', raw, metrics, need: [...need] });
    }
  }
  return stats;
}

/**
 * Sweep thresholds and report, per point, CR and accuracy (overall and per class) of the model masked to the
 * union of all classes' critical neurons. Returns an arquero table with columns method, metric, theta, k, cr,
 * accuracy, perClass (array), beyondPaper (a semantic theta below the paper's 0.90). Identical masks are evaluated
 * once. Compare curves at equal CR with compareSweep() / compareAtEqualCR().
 *
 * @example
 * const t = await fidelitySweep(model, data.test, { profileData: data.train, metrics: ['taylor'] });
 * t.filter((d) => d.method === 'semantic').print();
 */
export async function fidelitySweep(model: tf.LayersModel, data: Dataset, opts: FidelitySweepOptions = {}): Promise<aq.ColumnTable> {
  const metrics = opts.metrics ?? ['taylor', 'avg'];
  const methods = opts.methods ?? METHODS;
  if (metrics.length === 0) throw fail('BAD_OPTION', { case: 'value', where: 'fidelitySweep', option: 'metrics', expected: 'a non-empty list', value: metrics, example: ['taylor', 'avg'], orOmit: true });
  if (methods.length === 0) throw fail('BAD_OPTION', { case: 'value', where: 'fidelitySweep', option: 'methods', expected: 'a non-empty list', value: methods, example: ['semantic', 'category-topk'], orOmit: true });
  const pts = points(methods, metrics, opts.thetas ?? DEFAULT_THETAS, opts.ks ?? DEFAULT_KS);
  const matched = opts.matched ?? [];
  if (matched.length > 0 && !methods.includes('semantic')) {
    throw fail('BAD_OPTION', { case: 'needs', where: 'fidelitySweep', option: 'matched', needs: 'methods', value: matched, needsValue: ['semantic', ...methods], got: methods });
  }
  const batchSize = opts.batchSize ?? 256;
  const stats = opts.stats ? checkStats(opts.stats, model, metrics) : await profile(model, profilingView(opts.profileData ?? data, opts.maxPerClass ?? null, opts.seed ?? 0), {
    metrics: [...new Set([...metricsToProfile(metrics), ...(matched.length ? ['avg' as const] : [])])], onlyCorrect: opts.onlyCorrect ?? true, maxPerClass: opts.maxPerClass ?? null, batchSize, workers: opts.workers ?? 1,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (matched.length > 0 && (!stats.global.avg || Object.keys(stats.global.avg).length === 0)) {
    throw fail('MISSING_STATS', { case: 'needs-avg' });
  }
  const evalData = opts.evalData ?? data;
  const scores = new Map(metrics.map((m) => [m, scoresFrom(stats, m)]));
  const activity = matched.length ? Object.fromEntries(Object.entries(stats.global.avg).map(([k, v]) => [k, v.map(Math.abs)])) : {};
  const cache = new Map<string, { cr: number; accuracy: number; perClass: number[] }>();
  const measure = async (mask: Record<string, Float32Array>): Promise<{ cr: number; accuracy: number; perClass: number[] }> => {
    const key = stats.sites.map((s) => mask[s.name]!.join('')).join('|');
    let r = cache.get(key);
    if (!r) {
      const e = await evaluateMasked(model, evalData, mask, { batchSize });
      r = { cr: compressionRate(model, mask), accuracy: e.accuracy, perClass: e.perClass };
      cache.set(key, r);
    }
    return r;
  };
  const rows: FidelityRow[] = [];
  const total = pts.length + matched.length * pts.filter((p) => p.method === 'semantic').length;
  let done = 0;
  for (const p of pts) {
    checkAborted(opts.signal, 'The fidelity sweep');
    const crit = selectCritical(stats, { ...p, scores: scores.get(p.metric)! });
    const mask: Record<string, Float32Array> = {};
    for (const s of stats.sites) {
      const m = new Float32Array(s.neurons);
      for (let c = 0; c < stats.numClasses; c++) for (let j = 0; j < s.neurons; j++) if (crit[s.name]![c * s.neurons + j]) m[j] = 1;
      mask[s.name] = m;
    }
    const r = await measure(mask);
    rows.push({ method: p.method as SliceMethod, metric: p.metric as Metric, theta: p.theta, k: p.k, cr: r.cr, accuracy: r.accuracy, perClass: [...r.perClass], beyondPaper: beyondPaper(p) });
    opts.onProgress?.({ phase: 'sweep', done: ++done, total });
    if (p.method === 'semantic') {
      for (const kind of matched) {
        const m = await measure(mostActiveLike(model, mask, activity));
        rows.push({ method: kind, metric: p.metric as Metric, theta: p.theta, k: null, cr: m.cr, accuracy: m.accuracy, perClass: [...m.perClass], beyondPaper: beyondPaper(p) });
        opts.onProgress?.({ phase: 'sweep', done: ++done, total });
      }
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return rowsToTable(rows);
}

/**
 * FidelityRow[] -> arquero table (columns in FidelityRow order).
 *
 * @example
 * rowsToTable(sweepRows(table)).numRows();
 */
export function rowsToTable(rows: readonly FidelityRow[]): aq.ColumnTable {
  const col = <K extends keyof FidelityRow>(k: K) => rows.map((r) => r[k]);
  return aq.table({
    method: col('method'), metric: col('metric'), theta: col('theta'), k: col('k'), cr: col('cr'), accuracy: col('accuracy'), perClass: col('perClass'),
    beyondPaper: rows.map((r) => r.beyondPaper ?? beyondPaper(r)),
  });
}

/**
 * The rows of a fidelity table as plain objects.
 *
 * @example
 * sweepRows(await fidelitySweep(model, data.test))[0]; // { method: 'semantic', metric: 'taylor', theta: 0.9, k: null, cr, accuracy, perClass }
 */
export function sweepRows(table: aq.ColumnTable): FidelityRow[] {
  return (table.objects() as unknown as FidelityRow[]).map((r) => ({
    method: r.method, metric: r.metric, theta: r.theta, k: r.k, cr: r.cr, accuracy: r.accuracy, perClass: [...r.perClass],
    beyondPaper: r.beyondPaper ?? beyondPaper(r),
  }));
}
