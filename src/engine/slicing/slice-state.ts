/**
 * The plain data behind a Slice and the one function that derives its categories, similarity and components from
 * the per-class critical sets, so a fresh slice, a set-algebra result and a loaded file are all built the same way.
 */
import { unknownNameError, fail } from '../messages/index.js';
import { categorise, similarity } from './categorise.js';
import { componentsOf, mergeClasses } from './merge.js';
import type { CriticalSets } from './selection.js';
import type { Component, MergeInfo, NeuronCategory, SiteInfo, SliceParams, SliceStability } from './types.js';

/** What a Slice holds. Rows of `critical` and `scores` belong to the class labels in `classes`, in that order. */
export interface SliceState {
  params: SliceParams;
  classNames: string[];
  sites: SiteInfo[];
  /** Class labels this slice keeps per-class information for (sorted ascending). */
  classes: number[];
  /** site -> [classes.length x neurons] 0/1 critical flags. */
  critical: CriticalSets;
  /** site -> [classes.length x neurons] normalised scores. */
  scores: Record<string, Float64Array>;
  /**
   * site -> 0/1 per neuron: the neuron set of the slice when it is not simply the union of the class rows (set
   * algebra such as intersect can keep neurons no kept class owns). null = the union of the rows.
   */
  selection: Record<string, Uint8Array> | null;
  categories: Record<string, NeuronCategory[]>;
  similarity: { perSite: Record<string, number[][]>; overall: number[][] };
  components: Component[];
  /** How the classes were merged into components (rule, cut used, dendrogram heights). */
  merge: MergeInfo;
  /** Bootstrap stability for exactly these classes, or null (not computed, or lost by set algebra). */
  stability: SliceStability | null;
  /** Profiling samples per class label (all labels). */
  counts: number[];
  fingerprints: { model: string; data: string };
}

export type SliceParts = Omit<SliceState, 'categories' | 'similarity' | 'components' | 'merge' | 'stability'> & {
  /** Kept only when it is for exactly `classes` and no explicit selection (it describes the per-class sets). */
  stability?: SliceStability | null;
};

/**
 * Derive categories, similarity, merge and components, and drop an explicit selection equal to the union of rows
 * and a stability that does not describe these classes' critical sets.
 */
export function buildState(p: SliceParts): SliceState {
  const rows = p.classes.length;
  let selection = p.selection;
  if (selection && p.sites.every((s) => sameFlags(selection![s.name]!, unionOfRows(p.critical[s.name]!, rows, s.neurons)))) selection = null;
  const sim = similarity(p.critical, p.sites, rows);
  const m = mergeClasses(sim.overall, p.params.tau);
  const stability = p.stability && selection === null && sameList(p.stability.classes, p.classes) ? p.stability : null;
  return {
    ...p,
    selection,
    categories: categorise(p.critical, p.sites, rows),
    similarity: sim,
    components: componentsOf(p.critical, p.sites, p.classes, m.clusters),
    merge: { rule: m.rule, cut: m.cut, heights: m.heights, silhouette: m.silhouette },
    stability,
  };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** OR of the rows of a [rows x n] flag matrix. */
export function unionOfRows(flags: Uint8Array, rows: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) out[i]! |= flags[r * n + i]!;
  return out;
}

function sameFlags(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The neuron set of a slice at one site (explicit selection, or the union of its class rows). */
export function selectionAt(st: SliceState, site: string): Uint8Array {
  const info = siteInfo(st, site);
  return st.selection ? st.selection[site]! : unionOfRows(st.critical[site]!, st.classes.length, info.neurons);
}

export function siteInfo(st: SliceState, site: string): SiteInfo {
  const info = st.sites.find((s) => s.name === site);
  if (!info) throw unknownNameError('UNKNOWN_SITE', 'site', String(site), st.sites.map((s) => s.name));
  return info;
}

/** Position of class label c among the slice's rows; a clear error when the slice has no such class. */
export function rowOf(st: SliceState, c: number): number {
  const r = st.classes.indexOf(c);
  if (r < 0) {
    // No "did you mean" among class numbers: a near number is another class, not a typo.
    throw fail('UNKNOWN_CLASS', { what: 'class of this slice', name: String(c), choices: st.classes.map(String) });
  }
  return r;
}
