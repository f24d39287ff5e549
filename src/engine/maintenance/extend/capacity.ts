/**
 * The capacity meter of incremental development: per site, how many neurons each task so far reads (its slice's
 * critical neurons), how many any task reads, and how many are still free for the next task. A site with fewer free
 * neurons than `minFree` (a fraction of the site) gets a warning: a new task would have little room to learn there.
 */
import type { Slice } from '../../slicing/slice.js';

/** One site's row. */
export interface CapacityRow {
  site: string;
  neurons: number;
  /** Neurons read by each task (same order as CapacityReport.tasks). */
  perTask: number[];
  /** Neurons read by any task. */
  used: number;
  free: number;
  freeFraction: number;
}

/** What the meter says. */
export interface CapacityReport {
  /** Task labels, e.g. "0-4". */
  tasks: string[];
  sites: CapacityRow[];
  /** Warning threshold: a fraction of each site's neurons. */
  minFree: number;
  /** One line per site under the threshold. */
  warnings: string[];
  /** Sites with no free neuron at all. */
  full: string[];
}

/** "0-4" for consecutive classes, "1,3,5" otherwise. */
export function classLabel(classes: readonly number[]): string {
  const s = [...classes].sort((a, b) => a - b);
  const consecutive = s.every((c, i) => i === 0 || c === s[i - 1]! + 1);
  return consecutive && s.length > 2 ? `${s[0]}-${s.at(-1)}` : s.join(',');
}

/**
 * Capacity of a model given the slices of the tasks learnt so far (each slice restricted to its task's classes, all
 * over the same sites).
 *
 * @example
 * const cap = capacityMeter([{ classes: [0, 1, 2, 3, 4], slice: sliceA }], 0.1);
 * cap.sites.map((r) => [r.site, r.free]); cap.warnings;
 */
export function capacityMeter(tasks: ReadonlyArray<{ classes: readonly number[]; slice: Slice }>, minFree: number): CapacityReport {
  const sites = tasks[0]?.slice.sites ?? [];
  const rows: CapacityRow[] = sites.map((s) => {
    const used = new Uint8Array(s.neurons);
    const perTask = tasks.map((t) => {
      const ns = t.slice.neurons(s.name);
      for (const j of ns) used[j] = 1;
      return ns.length;
    });
    const u = used.reduce((a, v) => a + v, 0);
    return { site: s.name, neurons: s.neurons, perTask, used: u, free: s.neurons - u, freeFraction: (s.neurons - u) / s.neurons };
  });
  const warnings = rows.filter((r) => r.freeFraction < minFree)
    .map((r) => `site ${r.site}: ${r.free} of ${r.neurons} neurons free (${(100 * r.freeFraction).toFixed(1)}%), under the ${(100 * minFree).toFixed(0)}% threshold: a new task has little room to learn there`);
  return { tasks: tasks.map((t) => classLabel(t.classes)), sites: rows, minFree, warnings, full: rows.filter((r) => r.free === 0).map((r) => r.site) };
}
