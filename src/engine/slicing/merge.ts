/**
 * Merging classes into semantic components (docs/algorithm.md): average-linkage agglomerative clustering on the
 * overall class similarity, cut at a fixed tau or, by default (`tau: 'auto'`), at the dendrogram cut with the best
 * silhouette (docs/algorithm.md, "Merging, stability, subset slices, damage").
 */
import { fail } from '../messages/index.js';
import type { Component, SiteInfo } from './types.js';
import type { CriticalSets } from './selection.js';

/** Slack when comparing a linkage to tau: averages of Jaccard ratios can land one ulp below an exact tau. */
const TAU_SLACK = 1e-12;

/** A merge cut: a similarity in [0, 1], or 'auto' (the dendrogram cut with the best silhouette). */
export type Tau = number | 'auto';

/**
 * The cut 'auto' falls back to when no cut shows structure (fewer than 3 classes, or no cut with a positive
 * silhouette): the old fixed default, so two classes merge when their Jaccard is at least one half.
 */
export const AUTO_FALLBACK_TAU = 0.5;

/** Silhouettes closer than this count as equal (then the cut with fewer components wins). */
const SILHOUETTE_TIE = 1e-9;

/**
 * Throws unless tau is 'auto' or a number in [0, 1].
 *
 * @example
 * checkTau(0.5); // 0.5
 * checkTau('auto'); // 'auto'
 */
export function checkTau(tau: unknown): Tau {
  if (tau === 'auto') return tau;
  if (typeof tau !== 'number' || !(tau >= 0 && tau <= 1)) {
    throw fail('BAD_TAU', { tau });
  }
  return tau;
}

/** One agglomeration step: clusters a and b (sorted members) merged at average-linkage similarity `height`. */
export interface MergeStep {
  a: number[];
  b: number[];
  height: number;
}

/**
 * The full average-linkage dendrogram of items 0..n-1 under a symmetric similarity: n-1 steps, each merging the two
 * clusters whose mean pairwise similarity is highest. Ties go to the pair that comes first when clusters are ordered
 * by their smallest member (deterministic). Average linkage has no inversions, so heights never increase.
 *
 * @example
 * dendrogram([[1, 0.8, 0], [0.8, 1, 0.1], [0, 0.1, 1]]).map((s) => s.height); // [0.8, 0.05]
 */
export function dendrogram(sim: readonly (readonly number[])[]): MergeStep[] {
  let clusters: number[][] = sim.map((_, i) => [i]);
  const steps: MergeStep[] = [];
  while (clusters.length > 1) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const l = linkage(sim, clusters[i]!, clusters[j]!);
        if (l > best) { best = l; bi = i; bj = j; }
      }
    }
    steps.push({ a: [...clusters[bi]!], b: [...clusters[bj]!], height: best });
    const merged = [...clusters[bi]!, ...clusters[bj]!].sort((x, y) => x - y);
    clusters = clusters.filter((_, x) => x !== bi && x !== bj);
    clusters.push(merged);
    clusters.sort((x, y) => x[0]! - y[0]!);
  }
  return steps;
}

function linkage(sim: readonly (readonly number[])[], a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (const i of a) for (const j of b) s += sim[i]![j]!;
  return s / (a.length * b.length);
}

/** Clusters after applying the first `merges` steps of a dendrogram of n items, sorted, ordered by smallest member. */
function clustersAfter(n: number, steps: readonly MergeStep[], merges: number): number[][] {
  let clusters: number[][] = Array.from({ length: n }, (_, i) => [i]);
  for (const s of steps.slice(0, merges)) {
    const first = s.a[0]!;
    const other = s.b[0]!;
    const a = clusters.find((c) => c.includes(first))!;
    const b = clusters.find((c) => c.includes(other))!;
    clusters = clusters.filter((c) => c !== a && c !== b);
    clusters.push([...a, ...b].sort((x, y) => x - y));
  }
  return clusters.sort((x, y) => x[0]! - y[0]!);
}

/**
 * Average-linkage clustering cut at a fixed tau: merge while the best mean pairwise similarity is >= tau.
 * Returns clusters, each sorted, ordered by smallest member.
 *
 * @example
 * averageLinkage([[1, 0.8, 0], [0.8, 1, 0.1], [0, 0.1, 1]], 0.5); // [[0, 1], [2]]
 */
export function averageLinkage(sim: readonly (readonly number[])[], tau: number): number[][] {
  const t = checkTau(tau);
  if (t === 'auto') return mergeClasses(sim, 'auto').clusters;
  const steps = dendrogram(sim);
  const merges = steps.findIndex((s) => s.height < t - TAU_SLACK);
  return clustersAfter(sim.length, steps, merges < 0 ? steps.length : merges);
}

/** How the classes were merged: what was asked, the rule that decided, the cut used, and the result. */
export interface MergeResult {
  /** The tau asked for. */
  tau: Tau;
  /** 'fixed' (a numeric tau), 'silhouette' (auto), or 'fallback' (auto without structure: AUTO_FALLBACK_TAU). */
  rule: 'fixed' | 'silhouette' | 'fallback';
  /** The similarity cut applied: classes merge while their average linkage is >= cut. */
  cut: number;
  /** Merge heights of the dendrogram, highest first (n-1 of them). */
  heights: number[];
  /** Mean silhouette (distance 1 - similarity) of the clusters; null with fewer than 2 clusters or n < 3. */
  silhouette: number | null;
  /** Resulting clusters (item indices), each sorted, ordered by smallest member. */
  clusters: number[][];
}

/**
 * Mean silhouette of a clustering under distance 1 - similarity (Rousseeuw 1987): per item (b - a) / max(a, b),
 * a = mean distance to its own cluster, b = mean distance to the nearest other cluster; 0 for a singleton.
 *
 * @example
 * silhouette([[1, 0.9, 0.1], [0.9, 1, 0.2], [0.1, 0.2, 1]], [[0, 1], [2]]); // 0.56...
 */
export function silhouette(sim: readonly (readonly number[])[], clusters: readonly (readonly number[])[]): number {
  const n = sim.length;
  const label = new Array<number>(n);
  clusters.forEach((c, k) => c.forEach((i) => { label[i] = k; }));
  const meanDist = (i: number, c: readonly number[]) => c.reduce((s, j) => (j === i ? s : s + 1 - sim[i]![j]!), 0) / (c.includes(i) ? c.length - 1 : c.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = clusters[label[i]!]!;
    if (own.length === 1) continue;
    const a = meanDist(i, own);
    let b = Infinity;
    clusters.forEach((c, k) => { if (k !== label[i]) b = Math.min(b, meanDist(i, c)); });
    const d = Math.max(a, b);
    total += d > 0 ? (b - a) / d : 0;
  }
  return total / n;
}

/**
 * Merge items by average linkage. A numeric tau cuts there. 'auto' considers every cut of the dendrogram that
 * leaves 2 to n-1 clusters and takes the one with the highest mean silhouette (distance 1 - similarity); ties go to
 * fewer clusters; the cut recorded is the midpoint between the two merge heights around it. When no cut has a
 * positive silhouette, or n < 3, 'auto' falls back to AUTO_FALLBACK_TAU.
 *
 * Why: whole-model Jaccard similarities sit in a band whose floor moves with model, metric and theta, so no
 * absolute cut works everywhere; the silhouette compares each class's similarity to its own group with its
 * similarity to the nearest other group, which does not depend on that floor. It was chosen over the largest gap in
 * merge heights because it recovered planted class families on seeded synthetic data in 6 of 6 seeds where the
 * largest gap did in 3, and gave nameable families on Fashion-MNIST for every metric and theta (docs/algorithm.md).
 *
 * @example
 * mergeClasses([[1, 0.9, 0.2], [0.9, 1, 0.3], [0.2, 0.3, 1]], 'auto'); // { rule: 'silhouette', cut: 0.575, clusters: [[0, 1], [2]], ... }
 */
export function mergeClasses(sim: readonly (readonly number[])[], tau: Tau): MergeResult {
  const t = checkTau(tau);
  const n = sim.length;
  const steps = dendrogram(sim);
  const heights = steps.map((s) => s.height);
  const sil = (c: number[][]) => (c.length >= 2 && c.length < n ? silhouette(sim, c) : null);
  if (t !== 'auto') {
    const clusters = averageLinkage(sim, t);
    return { tau: t, rule: 'fixed', cut: t, heights, silhouette: sil(clusters), clusters };
  }
  let best: { merges: number; s: number } | null = null;
  // merges = m: apply steps 0..m-1 (n - m clusters); m = 1..n-2 gives n-1..2 clusters.
  for (let m = 1; m <= n - 2; m++) {
    const s = silhouette(sim, clustersAfter(n, steps, m));
    if (s > 0 && (!best || s > best.s + SILHOUETTE_TIE || (Math.abs(s - best.s) <= SILHOUETTE_TIE && m > best.merges))) best = { merges: m, s };
  }
  if (!best) {
    const clusters = averageLinkage(sim, AUTO_FALLBACK_TAU);
    return { tau: 'auto', rule: 'fallback', cut: AUTO_FALLBACK_TAU, heights, silhouette: sil(clusters), clusters };
  }
  const cut = (heights[best.merges - 1]! + heights[best.merges]!) / 2;
  return { tau: 'auto', rule: 'silhouette', cut, heights, silhouette: best.s, clusters: clustersAfter(n, steps, best.merges) };
}

/**
 * Semantic components: clusters of classes (labels) and per site the union of their critical neurons.
 * `rowClasses[r]` is the class label of row r of the critical flags.
 *
 * @example
 * components(crit, sites, [0, 1, 2], similarity(crit, sites, 3).overall, 'auto');
 */
export function components(
  critical: CriticalSets, sites: readonly SiteInfo[], rowClasses: readonly number[], overall: readonly (readonly number[])[], tau: Tau,
): Component[] {
  return componentsOf(critical, sites, rowClasses, mergeClasses(overall, tau).clusters);
}

/**
 * Components for given clusters of rows.
 *
 * @example
 * componentsOf(crit, sites, [0, 1, 2], [[0, 1], [2]]);
 */
export function componentsOf(critical: CriticalSets, sites: readonly SiteInfo[], rowClasses: readonly number[], clusters: readonly (readonly number[])[]): Component[] {
  return clusters.map((rows) => {
    const neurons: Record<string, number[]> = {};
    for (const s of sites) {
      const flags = critical[s.name]!;
      const idx: number[] = [];
      for (let i = 0; i < s.neurons; i++) if (rows.some((r) => flags[r * s.neurons + i] === 1)) idx.push(i);
      neurons[s.name] = idx;
    }
    return { classes: rows.map((r) => rowClasses[r]!), neurons };
  });
}
