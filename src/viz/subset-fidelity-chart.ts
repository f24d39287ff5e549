/**
 * Class-subset slices as models (ss.subsetFidelity): per component and per class (one-vs-rest), the accuracy of its
 * slice against category-wise top-k at the same CR, and the unmasked model.
 */
import type { SubsetFidelityRow } from '../engine/slicing/subset-fidelity.js';
import { baseSpec, METHOD_STYLE, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** One plotted point. */
export interface SubsetPoint {
  subset: string;
  kind: string;
  series: string;
  accuracyPct: number;
  crPct: number;
}

const SERIES = ['semantic slice', 'category-wise top-k% at the same CR', 'unmasked model'] as const;

/**
 * Points of {@link subsetFidelityChart}, in row order; a baseline that cannot reach the CR is left out.
 *
 * @example
 * subsetPoints(rows)[0]; // { subset: '{Sandal, Sneaker, Ankle boot}', kind: 'component', series: 'semantic slice', ... }
 */
export function subsetPoints(rows: SubsetFidelityRow[]): SubsetPoint[] {
  return rows.flatMap((r, i) => {
    assertFinite(r.accuracy, 'subsetFidelityChart', `rows[${i}].accuracy`);
    assertFinite(r.cr, 'subsetFidelityChart', `rows[${i}].cr`);
    const kind = r.kind === 'component' ? 'component (argmax over its classes)' : 'single class (one-vs-rest, balanced accuracy)';
    const crPct = round(100 * r.cr, 2);
    const pts: SubsetPoint[] = [
      { subset: r.name, kind, series: SERIES[0], accuracyPct: round(100 * r.accuracy, 3), crPct },
      { subset: r.name, kind, series: SERIES[2], accuracyPct: round(100 * r.fullAccuracy, 3), crPct },
    ];
    if (r.baselineAccuracy !== null) pts.splice(1, 0, { subset: r.name, kind, series: SERIES[1], accuracyPct: round(100 * r.baselineAccuracy, 3), crPct });
    return pts;
  });
}

/**
 * Dot plot, one row per subset (components first, then single classes): accuracy of the subset's slice, of
 * category-wise top-k% at the same CR, and of the unmasked model; tooltips give the CR.
 *
 * @example
 * ss.show(subsetFidelityChart(ss.subsetFidelity(model, data.test, slice)));
 */
export function subsetFidelityChart(rows: SubsetFidelityRow[], opts: SizeOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(rows, 'subsetFidelityChart', 'SubsetFidelityRow', 'the rows', 'subsetFidelity()');
  const points = subsetPoints(rows);
  const order = rows.map((r) => r.name);
  return {
    ...baseSpec(opts.title ?? 'Class-subset slices as models',
      `Accuracy of ${rows.length} class-subset slices against category-wise top-k at the same compression rate.`,
      'components: test samples of the component, argmax over its classes; single classes: one-vs-rest balanced accuracy'),
    data: { values: points },
    width: opts.width ?? 320,
    height: opts.height ?? Math.max(120, 18 * rows.length),
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      y: { field: 'subset', type: 'nominal', title: null, sort: order },
      x: { field: 'accuracyPct', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [...SERIES], range: [METHOD_STYLE.semantic.color, METHOD_STYLE['category-topk'].color, '#555555'] } },
      shape: { field: 'series', type: 'nominal', title: null, scale: { domain: [...SERIES], range: ['circle', 'square', 'diamond'] } },
      tooltip: [
        { field: 'subset', type: 'nominal', title: 'subset' },
        { field: 'kind', type: 'nominal', title: 'measured as' },
        { field: 'series', type: 'nominal', title: 'model' },
        { field: 'crPct', type: 'quantitative', title: 'CR % of the slice', format: '.1f' },
        { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' },
      ],
    },
  };
}
