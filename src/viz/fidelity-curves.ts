/**
 * Slice fidelity (the paper's RQ1): compression rate against accuracy of the masked model, one line per method.
 */
import type { FidelityRow, SliceMethod } from '../engine/slicing/types.js';
import { baseSpec, METHOD_STYLE, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** Options of {@link fidelityCurves}. */
export interface FidelityCurvesOptions extends SizeOptions {
  /**
   * 'facet' (default): one panel per metric, colour = method. 'overlay': one panel, colour = method,
   * dash = metric (fine for one or two metrics).
   */
  layout?: 'facet' | 'overlay';
  /** Accuracy of the unmasked model in [0, 1]: drawn as a dashed reference line. Default: none. */
  baseline?: number;
  /** Facet columns before wrapping (default: min(metrics, 3)). */
  columns?: number;
}

/** One plotted point, in percent. */
export interface FidelityPoint {
  method: string;
  metric: string;
  /** "θ = 0.95" or "k = 30%". */
  param: string;
  crPct: number;
  accuracyPct: number;
  baselinePct?: number;
  /** "paper grid" or "beyond the paper (θ < 0.90)". */
  grid: string;
}

/** Legend labels of the theta grids. */
export const GRID_LABELS = { paper: 'paper grid', beyond: 'beyond the paper (θ < 0.90)' } as const;

const METHOD_ORDER: Array<SliceMethod | 'low-activation'> = ['semantic', 'category-topk', 'global-topk', 'low-activation'];

/**
 * The points of {@link fidelityCurves}, sorted by metric, method and CR so the output is order-independent.
 *
 * @example
 * fidelityPoints(rows)[0]; // { method: 'semantic (θ)', metric: 'avg', param: 'θ = 0.9', crPct: 61.2, accuracyPct: 97.1 }
 */
export function fidelityPoints(rows: FidelityRow[], baseline?: number): FidelityPoint[] {
  const pts = rows.map((r, i) => {
    assertFinite(r.cr, 'fidelityCurves', `rows[${i}].cr`);
    assertFinite(r.accuracy, 'fidelityCurves', `rows[${i}].accuracy`);
    const p: FidelityPoint = {
      method: METHOD_STYLE[r.method]?.label ?? r.method,
      metric: r.metric,
      param: r.theta !== null && r.theta !== undefined ? `θ = ${r.theta}` : `k = ${r.k}%`,
      crPct: round(100 * r.cr, 3),
      accuracyPct: round(100 * r.accuracy, 3),
      grid: (r.beyondPaper ?? (r.theta !== null && r.theta !== undefined && r.theta < 0.9 - 1e-9)) ? GRID_LABELS.beyond : GRID_LABELS.paper,
    };
    if (baseline !== undefined) p.baselinePct = round(100 * baseline, 3);
    return { p, key: [r.metric, METHOD_ORDER.indexOf(r.method), r.method, r.cr, r.accuracy, p.param] as const };
  });
  // A total order (ties broken by every field) so the spec's bytes do not depend on the input order.
  pts.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const x = a.key[i]!, y = b.key[i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return pts.map((x) => x.p);
}

/**
 * CR % (x) against test accuracy % (y) of masked models, one line with points per method, one panel per metric
 * (or one panel with dashes per metric). Tooltips give method, metric, θ or k, CR % and accuracy %.
 *
 * Defaults: layout 'facet', width 260, height 200, y scale not forced to zero (differences are often small).
 *
 * @example
 * const rows = await fidelitySweep(model, data.test, { metrics: ['taylor', 'avg'] });
 * fidelityCurves(rows, { baseline: 0.987 });
 */
export function fidelityCurves(rows: FidelityRow[], opts: FidelityCurvesOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(rows, 'fidelityCurves', 'FidelityRow', 'the rows', 'fidelitySweep()');
  if (opts.baseline !== undefined) assertFinite(opts.baseline, 'fidelityCurves', 'opts.baseline');
  const points = fidelityPoints(rows, opts.baseline);
  const metrics = [...new Set(points.map((p) => p.metric))];
  const present = METHOD_ORDER.filter((m) => rows.some((r) => r.method === m));
  const others = [...new Set(points.map((p) => p.method))].filter((l) => !present.some((m) => METHOD_STYLE[m].label === l));
  const domain = [...present.map((m) => METHOD_STYLE[m].label), ...others];
  const range = [...present.map((m) => METHOD_STYLE[m].color), ...others.map(() => '#CC79A7')];
  const overlay = opts.layout === 'overlay' || metrics.length === 1;
  const encoding: Record<string, unknown> = {
    x: { field: 'crPct', type: 'quantitative', title: 'compression rate (CR %)', scale: { zero: false } },
    y: { field: 'accuracyPct', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
    color: { field: 'method', type: 'nominal', title: 'method', scale: { domain, range } },
  };
  if (overlay && metrics.length > 1) encoding.strokeDash = { field: 'metric', type: 'nominal', title: 'metric', sort: metrics };
  const tooltip = [
    { field: 'method', type: 'nominal', title: 'method' },
    { field: 'metric', type: 'nominal', title: 'metric' },
    { field: 'param', type: 'nominal', title: 'θ or k' },
    { field: 'crPct', type: 'quantitative', title: 'CR %', format: '.1f' },
    { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' },
    { field: 'grid', type: 'nominal', title: 'grid' },
  ];
  // Points beyond the paper's theta grid are drawn paler, with their own legend, so nobody reads them as the paper's.
  const beyond = points.some((p) => p.grid === GRID_LABELS.beyond);
  const opacity = beyond
    ? { field: 'grid', type: 'ordinal', title: 'θ grid', sort: [GRID_LABELS.paper, GRID_LABELS.beyond], scale: { domain: [GRID_LABELS.paper, GRID_LABELS.beyond], range: [1, 0.35] } }
    : undefined;
  const layer: unknown[] = [
    { mark: { type: 'line', strokeWidth: 2 }, encoding },
    { mark: { type: 'point', filled: true, size: 40 }, encoding: { ...encoding, shape: encoding.strokeDash ? { field: 'metric', type: 'nominal', title: 'metric', sort: metrics } : undefined, opacity, tooltip } },
  ];
  if (opts.baseline !== undefined) {
    // One rule per panel: aggregate the constant baseline column instead of a datum (facets share the data).
    layer.push({ mark: { type: 'rule', strokeDash: [4, 4], color: '#555555' },
      encoding: { y: { field: 'baselinePct', type: 'quantitative', aggregate: 'max' }, tooltip: { field: 'baselinePct', type: 'quantitative', aggregate: 'max', title: 'unmasked accuracy %', format: '.2f' } } });
  }
  const title = opts.title ?? 'Slice fidelity: accuracy against compression';
  const subtitle = `masked-model test accuracy; ${metrics.length} metric${metrics.length > 1 ? 's' : ''} (${metrics.join(', ')})`;
  const description = `Accuracy against compression rate for ${domain.length} slicing methods and ${metrics.length} metrics.`;
  const inner = { width: opts.width ?? 260, height: opts.height ?? 200, layer: layer.map(dropUndefined) };
  const head = { ...baseSpec(title, description, subtitle), data: { values: points } };
  if (overlay) return { ...head, ...inner };
  return {
    ...head,
    facet: { field: 'metric', type: 'nominal', title: 'metric', sort: metrics },
    columns: opts.columns ?? Math.min(metrics.length, 3),
    spec: inner,
  };
}

/** Removes undefined encoding channels (JSON would drop them anyway; the schema check would not). */
function dropUndefined(layer: unknown): unknown {
  const l = layer as { encoding?: Record<string, unknown> };
  if (!l.encoding) return layer;
  return { ...l, encoding: Object.fromEntries(Object.entries(l.encoding).filter(([, v]) => v !== undefined)) };
}
