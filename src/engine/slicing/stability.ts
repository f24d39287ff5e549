/**
 * Bootstrap stability of a slice (docs/algorithm.md, "Components must be stable"): resample every class's
 * profiling samples with replacement, profile and slice each replicate with the same parameters, and measure how
 * much each class's critical set and each pair's co-membership in a component move.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { warn } from '../log.js';
import { opt, say } from '../messages/text.js';
import { Rng } from '../rng.js';
import { similarity } from './categorise.js';
import { mergeClasses, type Tau } from './merge.js';
import { scoresFrom } from './metrics.js';
import { profile } from './profile/profile.js';
import { selectCritical, type CriticalSets } from './selection.js';
import type { Metric, SiteInfo, SliceStability } from './types.js';

/** Below this mean bootstrap Jaccard a class's critical set is reported as unstable (logger warning). */
export const STABLE_JACCARD = 0.8;

/**
 * Fewer profiling samples than this in a class draws a warning from slice() (no bootstrap needed). Measured on
 * LeNet-5 (MNIST and Fashion-MNIST, taylor, theta 0.95, 10 replicates): with 10 samples per class every class's mean
 * bootstrap Jaccard was 0.87-0.90 or more; with 5, single replicates fell to 0.73 and a Fashion-MNIST class had no
 * correctly classified sample left to profile (docs/algorithm.md).
 */
export const MIN_STABLE_SAMPLES = 10;

/** What the bootstrap needs to redo one slice. */
export interface StabilitySpec {
  method: string;
  metric: string;
  /** Raw statistics to profile for that metric (slice-entry's metricsToProfile). */
  profileMetrics: Metric[];
  theta: number | null;
  k: number | null;
  tau: Tau;
  onlyCorrect: boolean;
  batchSize: number;
  workers: number;
  replicates: number;
  seed: number;
  signal?: AbortSignal;
  /** Progress: phase "bootstrap", replicates done. */
  onProgress?: (e: { phase: string; done: number; total: number }) => void;
}

/** A class's critical flags over all sites, concatenated. */
function rowFlags(critical: CriticalSets, sites: readonly SiteInfo[], row: number): Uint8Array {
  const total = sites.reduce((s, x) => s + x.neurons, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const s of sites) {
    out.set(critical[s.name]!.subarray(row * s.neurons, (row + 1) * s.neurons), off);
    off += s.neurons;
  }
  return out;
}

function jaccard(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i]! & b[i]!;
    union += a[i]! | b[i]!;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * Positions of a bootstrap replicate: for every class, as many draws with replacement from that class's positions
 * as it has (so class sizes are kept), in class order.
 *
 * @example
 * resamplePositions([0, 1, 0, 1], 2, new Rng(0)); // e.g. Int32Array [2, 2, 1, 1]
 */
export function resamplePositions(labels: ArrayLike<number>, numClasses: number, rng: Rng): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const out: number[] = [];
  for (const pos of byClass) for (let j = 0; j < pos.length; j++) out.push(pos[rng.int(pos.length)]!);
  return Int32Array.from(out);
}

/**
 * Bootstrap stability of the critical sets `reference` (rows = all classes 0..k-1, made from `view` with `spec`).
 * One profiling pass per replicate. Warns through the logger for every class whose mean Jaccard is below
 * STABLE_JACCARD.
 *
 * @example
 * const st = await bootstrapStability(model, view, s.state.critical, s.sites, s.classNames, { ...params, replicates: 20, seed: 0 });
 * st.jaccard; // per class, 1 = identical critical sets in every replicate
 */
export async function bootstrapStability(
  model: tf.LayersModel, view: Dataset, reference: CriticalSets, sites: readonly SiteInfo[], classNames: readonly string[], spec: StabilitySpec,
): Promise<SliceStability> {
  const k = classNames.length;
  const labels = view.labels();
  const rng = new Rng(spec.seed);
  const ref = Array.from({ length: k }, (_, c) => rowFlags(reference, sites, c));
  const jSum = new Array<number>(k).fill(0);
  const jMin = new Array<number>(k).fill(1);
  const together = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const componentCounts: number[] = [];
  for (let r = 0; r < spec.replicates; r++) {
    const replicate = view.select(resamplePositions(labels, k, rng));
    const stats = await profile(model, replicate, {
      metrics: spec.profileMetrics,
      onlyCorrect: spec.onlyCorrect, maxPerClass: null, batchSize: spec.batchSize, workers: spec.workers,
      ...(spec.signal ? { signal: spec.signal } : {}),
    });
    const crit = selectCritical(stats, { method: spec.method, metric: spec.metric, theta: spec.theta, k: spec.k, scores: scoresFrom(stats, spec.metric) });
    for (let c = 0; c < k; c++) {
      const j = jaccard(ref[c]!, rowFlags(crit, sites, c));
      jSum[c]! += j;
      jMin[c] = Math.min(jMin[c]!, j);
    }
    const clusters = mergeClasses(similarity(crit, sites, k).overall, spec.tau).clusters;
    componentCounts.push(clusters.length);
    for (const cl of clusters) for (const a of cl) for (const b of cl) together[a]![b]!++;
    spec.onProgress?.({ phase: 'bootstrap', done: r + 1, total: spec.replicates });
  }
  const n = spec.replicates;
  const out: SliceStability = {
    replicates: n, seed: spec.seed, classes: Array.from({ length: k }, (_, c) => c),
    jaccard: jSum.map((s) => s / n), jaccardMin: jMin,
    coMembership: together.map((row) => row.map((x) => x / n)), componentCounts,
  };
  warnUnstable(out, classNames, view.classCounts());
  return out;
}

function warnUnstable(st: SliceStability, classNames: readonly string[], counts: readonly number[]): void {
  const weak = st.classes.filter((c, i) => st.jaccard[i]! < STABLE_JACCARD);
  if (weak.length === 0) return;
  const list = weak.map((c) => `"${classNames[c]}" (${st.jaccard[st.classes.indexOf(c)]!.toFixed(2)}, ${counts[c]} samples)`).join(', ');
  warn(say`critical sets are unstable under the bootstrap (mean Jaccard below ${STABLE_JACCARD}) for ${list}: profile more samples per class (${opt('maxPerClass')}) for stable slices.`);
}

/**
 * Warn (through the logger) when some class has fewer than MIN_STABLE_SAMPLES profiling samples.
 *
 * @example
 * warnSmallSample(stats.counts, data.classNames);
 */
export function warnSmallSample(counts: readonly number[], classNames: readonly string[]): void {
  const small = counts.map((n, c) => ({ n, c })).filter((x) => x.n < MIN_STABLE_SAMPLES);
  if (small.length === 0) return;
  const list = small.map((x) => `"${classNames[x.c] ?? `class${x.c}`}" ${x.n}`).join(', ');
  warn(say`few profiling samples for ${small.length} class${small.length > 1 ? 'es' : ''} (${list}; fewer than ${MIN_STABLE_SAMPLES}): their critical sets may not be stable; profile more samples, or measure with ${opt('bootstrap', 20)}.`);
}
