/**
 * Incremental-development (RQ4) charts: the forgetting picture (old-task accuracy before and after learning the new
 * task, new-task accuracy and all-class accuracy, grouped by method) and the capacity meter (per site, neurons read
 * by the tasks so far and neurons still free, with the warning threshold).
 */
import { fail } from '../engine/messages/index.js';
import { baseSpec, labelAngleFor, nominalRange, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** One method's accuracies (from an ExtendResult: before.old, after.old, after.new, after.classIL.all). */
export interface ForgettingRow {
  method: string;
  /** Old-task (task-IL) accuracy before learning the new task. */
  oldBefore: number;
  /** Old-task (task-IL) accuracy after. */
  oldAfter: number;
  /** New-task (task-IL) accuracy after. */
  newAfter: number;
  /** Class-incremental accuracy over every class after (optional bar). */
  allAfter?: number;
}

/** The bars of the forgetting chart, in order. */
export const FORGETTING_MEASURES = ['old task before', 'old task after', 'new task after', 'all classes (class-IL) after'] as const;

/** Points of the forgetting chart: one per method and measure (accuracy in percent). */
export function forgettingPoints(rows: readonly ForgettingRow[]): Array<{ method: string; measure: string; accuracyPct: number }> {
  assertNonEmptyArray(rows, 'forgettingChart', 'rows', '[{ method, oldBefore, oldAfter, newAfter, allAfter }]', 'extend() results');
  const names = rows.map((r) => r.method);
  if (new Set(names).size !== names.length) throw fail('VIZ_BAD_INPUT', { fn: 'forgettingChart', case: 'repeat', item: 'method', names });
  return rows.flatMap((r) => {
    const vals: Array<[string, number | undefined]> = [[FORGETTING_MEASURES[0], r.oldBefore], [FORGETTING_MEASURES[1], r.oldAfter], [FORGETTING_MEASURES[2], r.newAfter], [FORGETTING_MEASURES[3], r.allAfter]];
    return vals.filter(([, v]) => v !== undefined).map(([measure, v]) => {
      assertFinite(v, 'forgettingChart', `${r.method}.${measure}`);
      return { method: r.method, measure, accuracyPct: round(100 * v!, 2) };
    });
  });
}

/**
 * Grouped bars per method: old-task accuracy before and after, new-task accuracy after, all-class accuracy after.
 * A method that forgets shows a tall "before" and a short "after" bar.
 *
 * @example
 * ss.show(forgettingChart(results.map((r) => ({ method: r.method, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all }))));
 */
export function forgettingChart(rows: readonly ForgettingRow[], opts: SizeOptions = {}): VegaLiteSpec {
  const values = forgettingPoints(rows);
  const methods = rows.map((r) => r.method);
  const measures = FORGETTING_MEASURES.filter((m) => values.some((v) => v.measure === m));
  const width = opts.width ?? Math.max(360, 90 * methods.length);
  const band = width / methods.length;
  return {
    ...baseSpec(opts.title ?? 'Incremental development: old task before and after, new task, all classes',
      `Accuracy % per method: old task before and after learning the new task, new task after, all classes after (${methods.join(', ')}).`),
    width,
    height: opts.height ?? 240,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'method', type: 'nominal', title: 'method', sort: methods, axis: { labelAngle: labelAngleFor(methods, band) } },
      xOffset: { field: 'measure', type: 'nominal', sort: measures },
      y: { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', scale: { domain: [0, 100] } },
      color: { field: 'measure', type: 'nominal', title: 'measure', sort: measures, scale: { domain: measures, range: nominalRange(measures.length) } },
      tooltip: [{ field: 'method', type: 'nominal' }, { field: 'measure', type: 'nominal' }, { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' }],
    },
  } as VegaLiteSpec;
}

/** What the capacity chart reads: a CapacityReport (result.capacity). */
export interface CapacityInput {
  tasks: readonly string[];
  sites: ReadonlyArray<{ site: string; neurons: number; perTask: readonly number[]; used: number; free: number }>;
  minFree: number;
}

/** Points of the capacity chart: per site a 'used' and a 'free' segment (percent of the site's neurons). */
export function capacityPoints(cap: CapacityInput): Array<{ site: string; part: string; neurons: number; pct: number; perTask: string }> {
  assertNonEmptyArray(cap?.sites, 'capacityChart', 'sites', 'result.capacity', 'an extend() result (a method with slices: ours)');
  return cap.sites.flatMap((s) => {
    if (!(s.neurons > 0) || s.used + s.free !== s.neurons) throw fail('VIZ_BAD_INPUT', { fn: 'capacityChart', case: 'capacity', site: s.site, used: s.used, free: s.free, neurons: s.neurons });
    const perTask = cap.tasks.map((t, i) => `${t}: ${s.perTask[i] ?? 0}`).join(', ');
    return [
      { site: s.site, part: 'read by earlier tasks', neurons: s.used, pct: round((100 * s.used) / s.neurons, 2), perTask },
      { site: s.site, part: 'free', neurons: s.free, pct: round((100 * s.free) / s.neurons, 2), perTask },
    ];
  });
}

/**
 * The capacity meter: a horizontal bar per site, the share of its neurons read by the tasks so far and the share
 * still free; a dashed rule at the warning threshold (minFree) from the right end.
 *
 * @example
 * ss.show(capacityChart(r.capacity));
 */
export function capacityChart(cap: CapacityInput, opts: SizeOptions = {}): VegaLiteSpec {
  const values = capacityPoints(cap);
  assertFinite(cap.minFree, 'capacityChart', 'minFree');
  const sites = cap.sites.map((s) => s.site);
  const parts = ['read by earlier tasks', 'free'];
  const threshold = round(100 * (1 - cap.minFree), 2);
  return {
    ...baseSpec(opts.title ?? `Capacity after tasks ${cap.tasks.join(' | ')}`,
      `Per site, the share of neurons read by the tasks so far (${cap.tasks.join(', ')}) and the share still free; warning under ${round(100 * cap.minFree, 1)}% free.`,
      `dashed: warning threshold (${round(100 * cap.minFree, 1)}% free)`),
    width: opts.width ?? 420,
    height: opts.height ?? Math.max(80, 28 * sites.length),
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'site', type: 'nominal', title: 'site', sort: sites },
          x: { field: 'pct', type: 'quantitative', title: '% of the site\'s neurons', stack: 'zero', scale: { domain: [0, 100] } },
          color: { field: 'part', type: 'nominal', title: null, sort: parts, scale: { domain: parts, range: ['#0072B2', '#D9D9D9'] } },
          order: { field: 'part', type: 'nominal', sort: 'ascending' },
          tooltip: [{ field: 'site', type: 'nominal' }, { field: 'part', type: 'nominal' }, { field: 'neurons', type: 'quantitative' },
            { field: 'pct', type: 'quantitative', title: '%', format: '.1f' }, { field: 'perTask', type: 'nominal', title: 'read per task' }],
        },
      },
      {
        data: { values: [{ x: threshold }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#D55E00' },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
    ],
  } as VegaLiteSpec;
}
