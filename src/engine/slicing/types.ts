/**
 * Shared vocabulary and result types of semantic slicing (docs/algorithm.md). Viz and notebook code depend on
 * these types only, never on the computation.
 */

/** Contribution metrics. */
export const METRICS = ['avg', 'var', 'taylor', 'deeplift', 'ens'] as const;
export type Metric = (typeof METRICS)[number];

/** Neuron categories after slicing. */
export const CATEGORIES = ['exclusive', 'shared', 'common', 'idle'] as const;
export type NeuronCategory = (typeof CATEGORIES)[number];

/** Slicing methods compared in RQ1. */
export const METHODS = ['semantic', 'category-topk', 'global-topk'] as const;
export type SliceMethod = (typeof METHODS)[number];

export type { SiteInfo, SiteKind } from '../graph/types.js';
import type { SiteInfo } from '../graph/types.js';

/**
 * Raw per-class statistics from one profiling pass (docs/algorithm.md): per metric and site, a row-major
 * Float32Array [numClasses x neurons], unnormalised. ens is not stored (it is derived from normalised scores).
 */
export interface ProfileStatsData {
  sites: SiteInfo[];
  numClasses: number;
  /** Samples used per class. */
  counts: number[];
  /** metric -> site name -> [numClasses * neurons]. Metrics: avg, var, taylor, deeplift. */
  stats: Record<'avg' | 'var' | 'taylor' | 'deeplift', Record<string, Float32Array>>;
  /** Over all profiled samples (not per class), for the global top-k baseline: metric -> site -> [neurons]. */
  global: Record<'avg' | 'var' | 'taylor' | 'deeplift', Record<string, Float32Array>>;
  options: { onlyCorrect: boolean; maxPerClass: number | null; batchSize: number };
  /** Fingerprint of the profiled model's weights (profile() records it; a slice built from the stats records it too). */
  modelFingerprint?: string;
}

/** Parameters a slice was made with (recorded in every result). */
export interface SliceParams {
  method: SliceMethod;
  metric: Metric;
  /** Cumulative-share threshold for method "semantic". */
  theta: number | null;
  /** Percent kept for the top-k baselines. */
  k: number | null;
  /**
   * Average-linkage cut for merging into components: a similarity in [0, 1], or 'auto' (the dendrogram cut with
   * the best silhouette; the cut actually used is recorded in the slice's `merge`).
   */
  tau: number | 'auto';
  onlyCorrect: boolean;
  maxPerClass: number | null;
  /** Added by the slicing engine: seed used for any random choice while profiling (recorded, optional). */
  seed?: number;
  /** Added by the slicing engine: profiling batch size (sums are accumulated per batch, so it is recorded). */
  batchSize?: number;
}

/** How the classes were merged into components (derived from the similarity and params.tau; recorded in the slice). */
export interface MergeInfo {
  /** 'fixed' (numeric tau), 'silhouette' (tau 'auto'), 'fallback' (tau 'auto' without structure: 0.5). */
  rule: 'fixed' | 'silhouette' | 'fallback';
  /** The similarity cut applied: classes merged while their average linkage was >= cut. */
  cut: number;
  /** Merge heights of the average-linkage dendrogram, highest first (classes - 1 of them). */
  heights: number[];
  /** Mean silhouette of the components (distance 1 - Jaccard); null for 1 component, one per class, or < 3 classes. */
  silhouette: number | null;
}

/**
 * Bootstrap stability of a slice (slice(..., { bootstrap })): the profiling samples of every class are resampled
 * with replacement, and each replicate is sliced with the same parameters.
 */
export interface SliceStability {
  /** Number of bootstrap replicates. */
  replicates: number;
  /** Seed of the resampling. */
  seed: number;
  /** Class labels of the rows and columns below (the slice's classes). */
  classes: number[];
  /**
   * Per class: mean over replicates of the Jaccard between the class's critical set in the replicate and in the
   * slice (all sites together). 1 = the same neurons every time.
   */
  jaccard: number[];
  /** Per class: the lowest of those Jaccards. */
  jaccardMin: number[];
  /** Class x class: fraction of replicates in which the two classes ended in the same component (1 on the diagonal). */
  coMembership: number[][];
  /** Number of components in each replicate. */
  componentCounts: number[];
}

/** A semantic component: a group of classes and, per site, the union of their critical neurons. */
export interface Component {
  classes: number[];
  neurons: Record<string, number[]>;
}

/** One point of the fidelity sweep (RQ1). */
export interface FidelityRow {
  /** A slicing method, or a matched-count baseline ('low-activation': as many neurons per site as the semantic point of the same theta). */
  method: SliceMethod | 'low-activation';
  metric: Metric;
  theta: number | null;
  k: number | null;
  /** Compression rate in [0, 1]. */
  cr: number;
  accuracy: number;
  /** Accuracy per class label. */
  perClass: number[];
  /**
   * True for a point outside the paper's grids (semantic theta below 0.90; the paper's top-k grid 10..100% is
   * all inside). Set by fidelitySweep; absent in older results = inside.
   */
  beyondPaper?: boolean;
}

/** The versioned, deterministic JSON form of a Slice (what `slice.toJSON()` returns and `Slice.load` reads). */
export interface SliceJSON {
  format: 'semslice.slice';
  /** 2 since tau 'auto', `merge` and `stability`; version-1 files still load. */
  version: 1 | 2;
  params: SliceParams;
  classNames: string[];
  /**
   * Added by the slicing engine: the class labels the per-class arrays below belong to, in order (a slice for a
   * class subset keeps only those). Absent = all labels 0..classNames.length-1.
   */
  classes?: number[];
  sites: SiteInfo[];
  /**
   * Added by the slicing engine: site -> sorted neuron indices of the slice when it is not simply the union of the
   * per-class critical sets (results of intersect/minus). Absent = that union.
   */
  selection?: Record<string, number[]>;
  /** site -> per class label, sorted indices of its critical neurons. */
  critical: Record<string, number[][]>;
  /** site -> per class label, normalised scores (sum 1 per class), one per neuron. */
  scores: Record<string, number[][]>;
  /** site -> category per neuron. */
  categories: Record<string, NeuronCategory[]>;
  /** Class x class Jaccard of critical sets, per site and over all sites together. */
  similarity: { perSite: Record<string, number[][]>; overall: number[][] };
  components: Component[];
  /** Version 2: how the classes were merged (derived, checked on load). Absent in version-1 files. */
  merge?: MergeInfo;
  /** Version 2: bootstrap stability, when the slice was made with { bootstrap }. */
  stability?: SliceStability;
  /** Profiling samples per class. */
  counts: number[];
  fingerprints: { model: string; data: string };
}
