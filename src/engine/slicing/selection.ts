/**
 * Critical-neuron selection (docs/algorithm.md) as a registry of selectors: semantic (cumulative share theta),
 * category-wise top-k% and global top-k%. A selector sees normalised scores only, never which metric made them.
 */
import { fail } from '../messages/index.js';
import { Registry } from '../registry.js';
import { globalScoresFrom, scoresFrom } from './metrics.js';
import type { ProfileStatsData, SiteInfo } from './types.js';

/** site -> row-major [numClasses x neurons] 0/1 flags: 1 = critical for that class. */
export type CriticalSets = Record<string, Uint8Array>;

/** What a selector is given. */
export interface SelectionContext {
  stats: ProfileStatsData;
  metric: string;
  theta: number | null;
  k: number | null;
  /** Normalised per-class scores (scoresFrom), computed once. */
  scores: Record<string, Float32Array>;
}

export interface SelectorDef {
  name: string;
  /** Which parameter the selector uses (theta or k): checked before select() runs. */
  param: 'theta' | 'k';
  select(ctx: SelectionContext): CriticalSets;
  description?: string;
}

const registry = new Registry<SelectorDef>({
  kind: 'selector',
  codePrefix: 'SELECTOR',
  what: 'slicing method',
  codes: { unknown: 'UNKNOWN_METHOD' },
});

/**
 * Register a selection method. Names are unique unless `{ override: true }`.
 *
 * @example
 * registerSelector({ name: 'top1', param: 'k', select: (ctx) => selectTopK(ctx.scores, ctx.stats.sites, ctx.stats.numClasses, 0.0001) });
 */
export function registerSelector(def: SelectorDef, opts: { override?: boolean } = {}): void {
  registry.register(def, opts);
}

/**
 * Remove a registered selection method; unknown names throw.
 *
 * @example
 * unregisterSelector('top1');
 */
export function unregisterSelector(name: string): void {
  registry.get(name);
  registry.unregister(name);
}

/**
 * The registered selection method names, built-ins first.
 *
 * @example
 * listSelectors(); // ['semantic', 'category-topk', 'global-topk']
 */
export function listSelectors(): string[] {
  return registry.names();
}

/**
 * Look a selection method up by name; unknown names get a did-you-mean error listing the choices.
 *
 * @example
 * getSelector('semantic').param; // 'theta'
 */
export function getSelector(name: string): SelectorDef {
  return registry.get(name);
}

/**
 * Throws unless 0 < theta <= 1.
 *
 * @example
 * checkTheta(0.95); // 0.95; checkTheta(1.2) throws BAD_THETA
 */
export function checkTheta(theta: unknown): number {
  if (typeof theta !== 'number' || !(theta > 0 && theta <= 1)) {
    throw fail('BAD_THETA', { theta });
  }
  return theta;
}

/**
 * Throws unless 0 < k <= 100.
 *
 * @example
 * checkK(10); // 10; checkK(0) throws BAD_K
 */
export function checkK(k: unknown): number {
  if (typeof k !== 'number' || !(k > 0 && k <= 100)) {
    throw fail('BAD_K', { k });
  }
  return k;
}

/**
 * Neuron indices sorted by score descending; ties go to the lower index (deterministic).
 *
 * @example
 * rankDescending([0.2, 0.4, 0.2]); // [1, 0, 2]
 */
export function rankDescending(row: ArrayLike<number>): number[] {
  const idx = Array.from({ length: row.length }, (_, i) => i);
  return idx.sort((a, b) => row[b]! - row[a]! || a - b);
}

/** Relative slack for "cumulative share reaches theta": float32 scores summed in any order drift by ~1e-7. */
export const THETA_TOLERANCE = 1e-6;

/**
 * The smallest prefix of neurons (by score descending, ties to lower index) whose cumulative score reaches
 * theta * total (within THETA_TOLERANCE). theta = 1 keeps every neuron with a positive score. An all-zero row
 * keeps nothing.
 *
 * @example
 * semanticPrefix([0.5, 0.3, 0.2], 0.8); // [0, 1]
 */
export function semanticPrefix(row: ArrayLike<number>, theta: number): number[] {
  let total = 0;
  for (let i = 0; i < row.length; i++) total += row[i]!;
  if (total <= 0) return [];
  const order = rankDescending(row);
  if (theta >= 1) return order.filter((i) => row[i]! > 0);
  const target = theta * total - THETA_TOLERANCE * total;
  const kept: number[] = [];
  let cum = 0;
  for (const i of order) {
    if (cum >= target) break;
    kept.push(i);
    cum += row[i]!;
  }
  return kept;
}

/**
 * How many of n neurons top-k% keeps: ceil(k% * n), at least 1 (guarding float noise such as 30% of 10).
 *
 * @example
 * topKCount(10, 25); // 3
 */
export function topKCount(n: number, k: number): number {
  return Math.min(n, Math.max(1, Math.ceil((k * n) / 100 - 1e-9)));
}

function setRow(flags: Uint8Array, offset: number, idx: readonly number[]): void {
  for (const i of idx) flags[offset + i] = 1;
}

/**
 * Semantic selection on normalised scores: per (class, site) the theta prefix.
 *
 * @example
 * selectSemantic(scoresFrom(stats, 'taylor'), stats.sites, stats.numClasses, 0.95);
 */
export function selectSemantic(scores: Record<string, Float32Array>, sites: readonly SiteInfo[], numClasses: number, theta: number): CriticalSets {
  checkTheta(theta);
  const out: CriticalSets = {};
  for (const s of sites) {
    const flags = new Uint8Array(numClasses * s.neurons);
    const sc = scores[s.name]!;
    for (let c = 0; c < numClasses; c++) setRow(flags, c * s.neurons, semanticPrefix(sc.subarray(c * s.neurons, (c + 1) * s.neurons), theta));
    out[s.name] = flags;
  }
  return out;
}

/**
 * Category-wise top-k%: per (class, site) the ceil(k% * neurons) highest-scoring neurons.
 *
 * @example
 * selectTopK(scoresFrom(stats, 'avg'), stats.sites, stats.numClasses, 20);
 */
export function selectTopK(scores: Record<string, Float32Array>, sites: readonly SiteInfo[], numClasses: number, k: number): CriticalSets {
  checkK(k);
  const out: CriticalSets = {};
  for (const s of sites) {
    const flags = new Uint8Array(numClasses * s.neurons);
    const sc = scores[s.name]!;
    const keep = topKCount(s.neurons, k);
    for (let c = 0; c < numClasses; c++) {
      setRow(flags, c * s.neurons, rankDescending(sc.subarray(c * s.neurons, (c + 1) * s.neurons)).slice(0, keep));
    }
    out[s.name] = flags;
  }
  return out;
}

/**
 * Global top-k%: per site the top ceil(k% * neurons) by scores over all data, the same set for every class.
 *
 * @example
 * selectGlobalTopK(globalScoresFrom(stats, 'avg'), stats.sites, stats.numClasses, 20);
 */
export function selectGlobalTopK(global: Record<string, Float32Array>, sites: readonly SiteInfo[], numClasses: number, k: number): CriticalSets {
  checkK(k);
  const out: CriticalSets = {};
  for (const s of sites) {
    const flags = new Uint8Array(numClasses * s.neurons);
    const chosen = rankDescending(global[s.name]!).slice(0, topKCount(s.neurons, k));
    for (let c = 0; c < numClasses; c++) setRow(flags, c * s.neurons, chosen);
    out[s.name] = flags;
  }
  return out;
}

registerSelector({
  name: 'semantic', param: 'theta', description: 'per class, the smallest prefix reaching cumulative share theta',
  select: (ctx) => selectSemantic(ctx.scores, ctx.stats.sites, ctx.stats.numClasses, checkTheta(ctx.theta)),
});
registerSelector({
  name: 'category-topk', param: 'k', description: 'per class, the top k% of neurons by score',
  select: (ctx) => selectTopK(ctx.scores, ctx.stats.sites, ctx.stats.numClasses, checkK(ctx.k)),
});
registerSelector({
  name: 'global-topk', param: 'k', description: 'per site, the top k% of neurons by score over all data',
  select: (ctx) => selectGlobalTopK(globalScoresFrom(ctx.stats, ctx.metric), ctx.stats.sites, ctx.stats.numClasses, checkK(ctx.k)),
});

/**
 * Run a registered selector on profile statistics.
 *
 * @example
 * const crit = selectCritical(stats, { method: 'semantic', metric: 'taylor', theta: 0.95 });
 */
export function selectCritical(
  stats: ProfileStatsData,
  opts: { method: string; metric: string; theta?: number | null; k?: number | null; scores?: Record<string, Float32Array> },
): CriticalSets {
  const def = getSelector(opts.method);
  const theta = opts.theta ?? null;
  const k = opts.k ?? null;
  if (def.param === 'theta') checkTheta(theta);
  else checkK(k);
  return def.select({ stats, metric: opts.metric, theta, k, scores: opts.scores ?? scoresFrom(stats, opts.metric) });
}
