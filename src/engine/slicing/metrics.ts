/**
 * Contribution metrics (docs/algorithm.md) as a registry: a metric turns raw profiling statistics into one score
 * per (class, neuron) of a site. Selection never branches on the metric (criteria apart from mechanism).
 */
import { unknownNameError, fail } from '../messages/index.js';
import { Registry } from '../registry.js';
import type { ProfileStatsData } from './types.js';

type RawMetric = 'avg' | 'var' | 'taylor' | 'deeplift';
const RAW: readonly RawMetric[] = ['avg', 'var', 'taylor', 'deeplift'];

/** A contribution metric. Scores may be of any sign and scale: the framework applies abs and normalises. */
export interface MetricDef {
  name: string;
  /** Per-class scores of one site: row-major [numClasses x neurons]. */
  score(stats: ProfileStatsData, site: string): Float32Array;
  /** Scores of one site over all profiled data (for the global top-k baseline): [neurons]. */
  scoreGlobal(stats: ProfileStatsData, site: string): Float32Array;
  description?: string;
}

const registry = new Registry<MetricDef>({
  kind: 'metric',
  codePrefix: 'METRIC',
  validate: (def) => {
    if (!def.name || typeof def.score !== 'function' || typeof def.scoreGlobal !== 'function') {
      throw fail('BAD_METRIC');
    }
  },
});

/**
 * Register a contribution metric. Names are unique unless `{ override: true }`.
 *
 * @example
 * registerMetric({ name: 'avg2', description: 'squared mean',
 *   score: (s, site) => s.stats.avg[site]!.map((v) => v * v),
 *   scoreGlobal: (s, site) => s.global.avg[site]!.map((v) => v * v) });
 */
export function registerMetric(def: MetricDef, opts: { override?: boolean } = {}): void {
  registry.register(def, opts);
}

/**
 * Remove a registered metric (built-ins included); unknown names throw.
 *
 * @example
 * unregisterMetric('avg2');
 */
export function unregisterMetric(name: string): void {
  registry.get(name);
  registry.unregister(name);
}

/**
 * The registered metric names, built-ins first.
 *
 * @example
 * listMetrics(); // ['avg', 'var', 'taylor', 'deeplift', 'ens']
 */
export function listMetrics(): string[] {
  return registry.names();
}

/**
 * Look a metric up by name; unknown names get a did-you-mean error listing the choices.
 *
 * @example
 * getMetric('taylor').score(stats, 'fc1');
 */
export function getMetric(name: string): MetricDef {
  return registry.get(name);
}

/**
 * abs + normalise each row of a [rows x n] matrix to sum 1. A row whose scores are all zero (no signal) stays all
 * zero, so it selects no neuron instead of an arbitrary one.
 *
 * @example
 * normaliseRows([-1, 3, 0, 0], 2, 2); // [0.25, 0.75, 0, 0]
 */
export function normaliseRows(raw: ArrayLike<number>, rows: number, n: number): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(raw[r * n + i]!);
    if (sum === 0 || !Number.isFinite(sum)) {
      if (!Number.isFinite(sum)) {
        throw fail('NON_FINITE_SCORES', { row: r });
      }
      continue;
    }
    for (let i = 0; i < n; i++) out[r * n + i] = Math.abs(raw[r * n + i]!) / sum;
  }
  return out;
}

function siteNeurons(stats: ProfileStatsData, site: string): number {
  const s = stats.sites.find((x) => x.name === site);
  if (!s) throw unknownNameError('UNKNOWN_SITE', 'site', site, stats.sites.map((x) => x.name));
  return s.neurons;
}

function rawTable(stats: ProfileStatsData, m: RawMetric, site: string, global: boolean): Float32Array {
  const t = (global ? stats.global : stats.stats)[m]?.[site];
  if (!t) {
    throw fail('MISSING_STATS', { case: 'metric', metric: m, site });
  }
  return t;
}

for (const m of RAW) {
  registerMetric({
    name: m,
    description: `the profile's ${m} statistic`,
    score: (stats, site) => rawTable(stats, m, site, false),
    scoreGlobal: (stats, site) => rawTable(stats, m, site, true),
  });
}

// ens (D): mean of the four normalised scores; a row where some metric has no signal sums to < 1, and the framework
// renormalises it, so ens rows sum to 1 like every other metric.
registerMetric({
  name: 'ens',
  description: 'mean of the normalised avg, var, taylor and deeplift scores',
  score: (stats, site) => ensOf(stats, site, false),
  scoreGlobal: (stats, site) => ensOf(stats, site, true),
});

function ensOf(stats: ProfileStatsData, site: string, global: boolean): Float32Array {
  const n = siteNeurons(stats, site);
  const rows = global ? 1 : stats.numClasses;
  const acc = new Float64Array(rows * n);
  for (const m of RAW) {
    const norm = normaliseRows(rawTable(stats, m, site, global), rows, n);
    for (let i = 0; i < acc.length; i++) acc[i]! += norm[i]! / RAW.length;
  }
  return Float32Array.from(acc);
}

/**
 * Normalised per-class scores for every site: site -> Float32Array [numClasses x neurons], each row abs-normalised
 * to sum 1 (an all-zero row stays all zero).
 *
 * @example
 * const s = scoresFrom(stats, 'taylor'); s['fc1'][c * neurons + i]; // share of neuron i in class c
 */
export function scoresFrom(stats: ProfileStatsData, metric: string): Record<string, Float32Array> {
  const def = getMetric(metric);
  const out: Record<string, Float32Array> = {};
  for (const site of stats.sites) {
    out[site.name] = normaliseRows(checkLength(def.score(stats, site.name), stats.numClasses * site.neurons, metric, site.name), stats.numClasses, site.neurons);
  }
  return out;
}

/**
 * Normalised scores over all data, per site: site -> Float32Array [neurons] summing to 1 (or all zero).
 *
 * @example
 * globalScoresFrom(stats, 'avg')['fc1']; // Float32Array [neurons], sums to 1
 */
export function globalScoresFrom(stats: ProfileStatsData, metric: string): Record<string, Float32Array> {
  const def = getMetric(metric);
  const out: Record<string, Float32Array> = {};
  for (const site of stats.sites) {
    out[site.name] = normaliseRows(checkLength(def.scoreGlobal(stats, site.name), site.neurons, metric, site.name), 1, site.neurons);
  }
  return out;
}

function checkLength(a: Float32Array, want: number, metric: string, site: string): Float32Array {
  if (a.length !== want) {
    throw fail('BAD_SCORES', { metric, site, count: a.length, want });
  }
  return a;
}
