/**
 * Categorisation (docs/algorithm.md): label each neuron by how many classes hold it critical, and measure how
 * alike the classes' critical sets are (Jaccard), per site and over all sites together.
 */
import type { NeuronCategory, SiteInfo } from './types.js';
import type { CriticalSets } from './selection.js';

/**
 * Category of each neuron of one site from its [rows x n] critical flags: idle (no class), exclusive (exactly one),
 * common (all classes, when there are at least two), shared (several but not all). With a single class, a
 * critical neuron is exclusive.
 *
 * @example
 * categoriseSite(Uint8Array.from([1, 1, 0,  1, 0, 0]), 2, 3); // ['common', 'exclusive', 'idle']
 */
export function categoriseSite(flags: Uint8Array, rows: number, n: number): NeuronCategory[] {
  const out: NeuronCategory[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let r = 0; r < rows; r++) count += flags[r * n + i]!;
    out[i] = count === 0 ? 'idle' : count === 1 ? 'exclusive' : count === rows ? 'common' : 'shared';
  }
  return out;
}

/**
 * Categories for every site.
 *
 * @example
 * categorise(crit, stats.sites, stats.numClasses)['fc1']; // ['common', 'idle', ...]
 */
export function categorise(critical: CriticalSets, sites: readonly SiteInfo[], rows: number): Record<string, NeuronCategory[]> {
  const out: Record<string, NeuronCategory[]> = {};
  for (const s of sites) out[s.name] = categoriseSite(critical[s.name]!, rows, s.neurons);
  return out;
}

/**
 * Jaccard |A and B| / |A or B| from counts; J(empty, empty) = 1 (two classes needing nothing are alike).
 *
 * @example
 * jaccardFromCounts(1, 3); // 0.333...; jaccardFromCounts(0, 0); // 1
 */
export function jaccardFromCounts(inter: number, union: number): number {
  return union === 0 ? 1 : inter / union;
}

/** Intersection and union counts of rows a and b, accumulated into acc (so sites can be concatenated). */
function accumulate(flags: Uint8Array, n: number, a: number, b: number, acc: { inter: number; union: number }): void {
  for (let i = 0; i < n; i++) {
    const x = flags[a * n + i]!;
    const y = flags[b * n + i]!;
    acc.inter += x & y;
    acc.union += x | y;
  }
}

/**
 * Class x class Jaccard similarity of critical sets: per site, and overall (Jaccard of each class's critical
 * sets concatenated over all sites, so big sites weigh by their size).
 *
 * @example
 * const { perSite, overall } = similarity(crit, sites, 10); overall[3][5]; // in [0, 1], 1 on the diagonal
 */
export function similarity(critical: CriticalSets, sites: readonly SiteInfo[], rows: number): { perSite: Record<string, number[][]>; overall: number[][] } {
  const perSite: Record<string, number[][]> = {};
  const overall: number[][] = Array.from({ length: rows }, () => new Array<number>(rows).fill(1));
  const tot = Array.from({ length: rows * rows }, () => ({ inter: 0, union: 0 }));
  for (const s of sites) {
    const m: number[][] = Array.from({ length: rows }, () => new Array<number>(rows).fill(1));
    for (let a = 0; a < rows; a++) {
      for (let b = a + 1; b < rows; b++) {
        const acc = { inter: 0, union: 0 };
        accumulate(critical[s.name]!, s.neurons, a, b, acc);
        m[a]![b] = m[b]![a] = jaccardFromCounts(acc.inter, acc.union);
        tot[a * rows + b]!.inter += acc.inter;
        tot[a * rows + b]!.union += acc.union;
      }
    }
    perSite[s.name] = m;
  }
  for (let a = 0; a < rows; a++) {
    for (let b = a + 1; b < rows; b++) overall[a]![b] = overall[b]![a] = jaccardFromCounts(tot[a * rows + b]!.inter, tot[a * rows + b]!.union);
  }
  return { perSite, overall };
}
