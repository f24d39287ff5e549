/**
 * Re-adaptation charts (RQ3): accuracy on held-out new samples and on clean images per optimiser step, one line per
 * method, side by side (step 0 = before training); and the trade-off of new-sample against clean accuracy across the
 * clean mix, one curve per method.
 */
import { baseSpec, nominalRange, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** One method's checkpoints (a ReadaptResult's rows with its method); without `steps`, epochs are the x axis. */
export interface ReadaptCurve {
  method: string;
  rows: ReadonlyArray<{ steps?: number; epoch: number; newAccuracy: number; cleanAccuracy: number }>;
}

/**
 * Two panels (held-out new samples, clean images), accuracy % against optimiser steps (epochs for rows without
 * steps), a line per method.
 *
 * @example
 * ss.show(readaptCurves(cmp.runs.map((r) => ({ method: r.method, rows: r.rows }))));
 */
export function readaptCurves(curves: readonly ReadaptCurve[], opts: SizeOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(curves, 'readaptCurves', 'curves', '[{ method, rows }]', 'readapt() results');
  const bySteps = curves.every((c) => c.rows.every((r) => typeof r.steps === 'number'));
  const xName = bySteps ? 'step' : 'epoch';
  const values = curves.flatMap((c) => c.rows.flatMap((r, i) => {
    assertFinite(r.newAccuracy, 'readaptCurves', `${c.method}.rows[${i}].newAccuracy`);
    assertFinite(r.cleanAccuracy, 'readaptCurves', `${c.method}.rows[${i}].cleanAccuracy`);
    const x = bySteps ? r.steps! : r.epoch;
    return [
      { method: c.method, x, set: 'new samples (held out)', accuracyPct: round(100 * r.newAccuracy, 2) },
      { method: c.method, x, set: 'clean images', accuracyPct: round(100 * r.cleanAccuracy, 2) },
    ];
  }));
  const methods = curves.map((c) => c.method);
  return {
    ...baseSpec(opts.title ?? `Re-adaptation: accuracy per ${xName}`, `Accuracy on held-out new samples and on clean images per ${xName} for ${methods.join(', ')}.`),
    data: { values },
    facet: { column: { field: 'set', type: 'nominal', title: null, sort: ['new samples (held out)', 'clean images'] } },
    spec: {
      width: opts.width ?? 260,
      height: opts.height ?? 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: bySteps ? 'optimiser steps' : 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', scale: { domain: [0, 100] } },
        color: { field: 'method', type: 'nominal', title: 'method', sort: methods, scale: { domain: methods, range: nominalRange(methods.length) } },
        tooltip: [{ field: 'method', type: 'nominal' }, { field: 'x', type: 'quantitative', title: xName }, { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' }],
      },
    },
  } as VegaLiteSpec;
}

/** One method's end points across the clean mix: held-out new-sample and clean accuracy per clean ratio. */
export interface ReadaptTradeoff {
  method: string;
  points: ReadonlyArray<{ ratio: number; newAccuracy: number; cleanAccuracy: number }>;
}

/**
 * The trade-off curve: held-out new-sample accuracy % against clean accuracy % after re-adaptation, a point per clean
 * ratio (clean training images per new one) joined in ratio order, a line per method.
 *
 * @example
 * ss.show(readaptTradeoff([{ method: 'full', points: [{ ratio: 1, newAccuracy: 0.88, cleanAccuracy: 0.966 }, { ratio: 4, newAccuracy: 0.85, cleanAccuracy: 0.981 }] }]));
 */
export function readaptTradeoff(curves: readonly ReadaptTradeoff[], opts: SizeOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(curves, 'readaptTradeoff', 'curves', '[{ method, points: [{ ratio, newAccuracy, cleanAccuracy }] }]');
  const values = curves.flatMap((c) => c.points.map((p, i) => {
    for (const k of ['ratio', 'newAccuracy', 'cleanAccuracy'] as const) assertFinite(p[k], 'readaptTradeoff', `${c.method}.points[${i}].${k}`);
    return { method: c.method, ratio: p.ratio, newPct: round(100 * p.newAccuracy, 2), cleanPct: round(100 * p.cleanAccuracy, 2) };
  }));
  const methods = curves.map((c) => c.method);
  return {
    ...baseSpec(opts.title ?? 'Re-adaptation trade-off: new-sample against clean accuracy', `Held-out new-sample accuracy against clean accuracy per clean ratio for ${methods.join(', ')}.`),
    data: { values },
    width: opts.width ?? 360,
    height: opts.height ?? 260,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'cleanPct', type: 'quantitative', title: 'clean accuracy %', scale: { zero: false } },
      y: { field: 'newPct', type: 'quantitative', title: 'held-out new-sample accuracy %', scale: { zero: false } },
      order: { field: 'ratio', type: 'quantitative' },
      color: { field: 'method', type: 'nominal', title: 'method', sort: methods, scale: { domain: methods, range: nominalRange(methods.length) } },
      tooltip: [{ field: 'method', type: 'nominal' }, { field: 'ratio', type: 'quantitative', title: 'clean ratio' }, { field: 'cleanPct', type: 'quantitative', title: 'clean %', format: '.2f' }, { field: 'newPct', type: 'quantitative', title: 'new %', format: '.2f' }],
    },
  } as VegaLiteSpec;
}
