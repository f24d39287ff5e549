/**
 * Merging classes into semantic components (DESIGN.md section 3): average-linkage agglomerative clustering on the
 * overall class similarity, cut at tau.
 */
import { SemsliceError } from '../errors.js';
import type { Component, SiteInfo } from './types.js';
import type { CriticalSets } from './selection.js';

/** Slack when comparing a linkage to tau: averages of Jaccard ratios can land one ulp below an exact tau. */
const TAU_SLACK = 1e-12;

/**
 * Throws unless 0 <= tau <= 1.
 *
 * @example
 * checkTau(0.5); // 0.5
 */
export function checkTau(tau: unknown): number {
  if (typeof tau !== 'number' || !(tau >= 0 && tau <= 1)) {
    throw new SemsliceError('BAD_TAU', `tau = ${String(tau)} is out of range: it must be in [0, 1].`,
      'Pass a similarity cut such as tau: 0.5 (1 merges only identical classes, 0 merges everything).');
  }
  return tau;
}

/**
 * Average-linkage clustering of items 0..n-1 given a symmetric similarity matrix: repeatedly merge the two clusters
 * whose mean pairwise similarity is highest, while it is >= tau. Ties go to the pair that comes first when clusters
 * are ordered by their smallest member (deterministic). Returns clusters, each sorted, ordered by smallest member.
 *
 * @example
 * averageLinkage([[1, 0.8, 0], [0.8, 1, 0.1], [0, 0.1, 1]], 0.5); // [[0, 1], [2]]
 */
export function averageLinkage(sim: readonly (readonly number[])[], tau: number): number[][] {
  checkTau(tau);
  let clusters: number[][] = sim.map((_, i) => [i]);
  for (;;) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const l = linkage(sim, clusters[i]!, clusters[j]!);
        if (l > best) { best = l; bi = i; bj = j; }
      }
    }
    if (bi < 0 || best < tau - TAU_SLACK) return clusters;
    const merged = [...clusters[bi]!, ...clusters[bj]!].sort((a, b) => a - b);
    clusters = clusters.filter((_, x) => x !== bi && x !== bj);
    clusters.push(merged);
    clusters.sort((a, b) => a[0]! - b[0]!);
  }
}

function linkage(sim: readonly (readonly number[])[], a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (const i of a) for (const j of b) s += sim[i]![j]!;
  return s / (a.length * b.length);
}

/**
 * Semantic components: clusters of classes (labels) and per site the union of their critical neurons.
 * `rowClasses[r]` is the class label of row r of the critical flags.
 *
 * @example
 * components(crit, sites, [0, 1, 2], similarity(crit, sites, 3).overall, 0.5);
 */
export function components(
  critical: CriticalSets, sites: readonly SiteInfo[], rowClasses: readonly number[], overall: readonly (readonly number[])[], tau: number,
): Component[] {
  return averageLinkage(overall, tau).map((rows) => {
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
