/**
 * Re-adaptation curves (RQ3): accuracy on held-out new samples and on the clean test set per epoch, one line per
 * method, side by side (epoch 0 = before training).
 */
import { baseSpec, nominalRange, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** One method's per-epoch accuracies (a ReadaptResult's rows with its method). */
export interface ReadaptCurve {
  method: string;
  rows: ReadonlyArray<{ epoch: number; newAccuracy: number; cleanAccuracy: number }>;
}

/**
 * Two panels (new samples, clean test set), accuracy % against epoch, a line per method.
 *
 * @example
 * ss.show(readaptCurves(results.map((r) => ({ method: r.method, rows: r.rows }))));
 */
export function readaptCurves(curves: readonly ReadaptCurve[], opts: SizeOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(curves, 'readaptCurves', 'curves', 'Pass [{ method, rows }] from readapt() results.');
  const values = curves.flatMap((c) => c.rows.flatMap((r, i) => {
    assertFinite(r.newAccuracy, 'readaptCurves', `${c.method}.rows[${i}].newAccuracy`);
    assertFinite(r.cleanAccuracy, 'readaptCurves', `${c.method}.rows[${i}].cleanAccuracy`);
    return [
      { method: c.method, epoch: r.epoch, set: 'new samples (held out)', accuracyPct: round(100 * r.newAccuracy, 2) },
      { method: c.method, epoch: r.epoch, set: 'clean test set', accuracyPct: round(100 * r.cleanAccuracy, 2) },
    ];
  }));
  const methods = curves.map((c) => c.method);
  return {
    ...baseSpec(opts.title ?? 'Re-adaptation: accuracy per epoch', `Accuracy on held-out new samples and on the clean test set per epoch for ${methods.join(', ')}.`),
    data: { values },
    facet: { column: { field: 'set', type: 'nominal', title: null, sort: ['new samples (held out)', 'clean test set'] } },
    spec: {
      width: opts.width ?? 260,
      height: opts.height ?? 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', scale: { domain: [0, 100] } },
        color: { field: 'method', type: 'nominal', title: 'method', sort: methods, scale: { domain: methods, range: nominalRange(methods.length) } },
        tooltip: [{ field: 'method', type: 'nominal' }, { field: 'epoch', type: 'quantitative' }, { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' }],
      },
    },
  } as VegaLiteSpec;
}
