/**
 * Minimal default chart specs for the rich displays, used only when no builder is passed (src/index.ts passes viz's
 * criticalNeuronsChart and fidelityCurves). Kept small and in the Vega-Lite 5/6 common subset.
 */
import type { FidelityRow, SliceJSON } from '../engine/slicing/types.js';
import type { ChartSpec } from './parts.js';

/** Bars: critical neurons per class, one facet column per site. */
export function criticalSpec(s: SliceJSON): ChartSpec {
  const values = s.sites.flatMap((site) =>
    (s.critical[site.name] ?? []).map((c, k) => ({ site: site.name, class: s.classNames[k] ?? String(k), critical: c.length })),
  );
  return {
    title: 'Critical neurons per class',
    description: 'Number of critical neurons of each class at each site.',
    data: { values },
    facet: { column: { field: 'site', type: 'nominal' } },
    spec: { width: 160, height: 120, mark: 'bar', encoding: { x: { field: 'class', type: 'nominal' }, y: { field: 'critical', type: 'quantitative' } } },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Lines: accuracy vs compression rate per method, one facet per metric. */
export function fidelitySpec(rows: FidelityRow[]): ChartSpec {
  return {
    title: 'Accuracy vs compression rate',
    description: 'Test accuracy of the masked model against its compression rate, per slicing method.',
    data: { values: rows.map((r) => ({ method: r.method, metric: r.metric, cr: r.cr, accuracy: r.accuracy })) },
    facet: { column: { field: 'metric', type: 'nominal' } },
    spec: {
      width: 220, height: 160, mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'cr', type: 'quantitative', title: 'compression rate' },
        y: { field: 'accuracy', type: 'quantitative' },
        color: { field: 'method', type: 'nominal' },
      },
    },
  };
}
