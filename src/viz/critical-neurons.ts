/**
 * Critical neurons per site and class, stacked by category (docs/algorithm.md, "Categorisation").
 */
import type { NeuronCategory, SliceJSON } from '../engine/slicing/types.js';
import { baseSpec, CATEGORY_COLORS, COUNT_AXIS, labelAngleFor, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertSlice, perClassNames } from './validate.js';

/** Options of {@link criticalNeuronsChart}. */
export interface CriticalNeuronsOptions extends SizeOptions {
  /** Facet columns before wrapping. Default: min(number of sites, 4). */
  columns?: number;
  /** Share one y scale across sites (default false: sites differ a lot in size, so each gets its own). */
  sharedY?: boolean;
}

/** The categories a critical neuron can have; idle neurons are never critical, so they go in the facet header. */
const STACKED: NeuronCategory[] = ['exclusive', 'shared', 'common'];

/** One bar segment: how many of class c's critical neurons at a site have a given category. */
export interface CriticalNeuronRow {
  site: string;
  siteLabel: string;
  class: string;
  category: NeuronCategory;
  neurons: number;
  /** Percent of the site's neurons. */
  sharePct: number;
}

/**
 * The data behind {@link criticalNeuronsChart}: one row per (site, class, category) with a non-zero count, plus
 * one zero row for a site without any critical neuron (so its panel still shows).
 *
 * @example
 * criticalNeuronRows(slice.toJSON()).filter((r) => r.site === 'fc1');
 */
export function criticalNeuronRows(slice: SliceJSON): CriticalNeuronRow[] {
  const rows: CriticalNeuronRow[] = [];
  for (const site of slice.sites) {
    const cats = slice.categories[site.name] ?? [];
    const label = siteLabel(site.name, site.neurons, cats);
    const perClass = slice.critical[site.name] ?? [];
    const before = rows.length;
    const classNames = perClassNames(slice);
    classNames.forEach((className, c) => {
      const counts = new Map<NeuronCategory, number>();
      for (const i of perClass[c] ?? []) {
        const cat = cats[i];
        if (cat && cat !== 'idle') counts.set(cat, (counts.get(cat) ?? 0) + 1);
      }
      for (const category of STACKED) {
        const n = counts.get(category) ?? 0;
        if (n > 0) rows.push({ site: site.name, siteLabel: label, class: className, category, neurons: n, sharePct: round((100 * n) / site.neurons, 2) });
      }
    });
    // A site where no class has a critical neuron still gets its (empty) panel: one zero row keeps the facet.
    if (rows.length === before && classNames.length > 0) {
      rows.push({ site: site.name, siteLabel: label, class: classNames[0]!, category: 'exclusive', neurons: 0, sharePct: 0 });
    }
  }
  return rows;
}

/** Facet header: the site, its size and its idle neurons (idle neurons belong to no class, so no bar shows them). */
function siteLabel(name: string, neurons: number, cats: NeuronCategory[]): string {
  const idle = cats.filter((c) => c === 'idle').length;
  return `${name}: ${neurons} neurons, ${idle} idle`;
}

/**
 * Stacked bars of critical neurons per class (x) and count (y), coloured by category (exclusive / shared / common),
 * one panel per site. Each panel's header names the site's size and how many of its neurons are idle.
 *
 * Defaults: width = max(160, 20 px per class), height 180, columns min(sites, 4), independent y scales.
 *
 * @example
 * const spec = criticalNeuronsChart(slice.toJSON(), { columns: 2 });
 * const svg = await renderSvg(spec);
 */
export function criticalNeuronsChart(slice: SliceJSON, opts: CriticalNeuronsOptions = {}): VegaLiteSpec {
  assertSlice(slice, 'criticalNeuronsChart');
  const labels = slice.sites.map((s) => siteLabel(s.name, s.neurons, slice.categories[s.name] ?? []));
  const p = slice.params;
  const classNames = perClassNames(slice);
  const width = opts.width ?? Math.max(160, 20 * classNames.length);
  const how = p.method === 'semantic' ? `θ = ${p.theta}` : `k = ${p.k}%`;
  return {
    ...baseSpec(opts.title ?? 'Critical neurons per class and site', `Critical neurons per class at each of ${slice.sites.length} sites, stacked by neuron category.`,
      `${p.method} slicing, metric ${p.metric}, ${how}`),
    data: { values: criticalNeuronRows(slice) },
    facet: { field: 'siteLabel', type: 'nominal', sort: labels, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns: opts.columns ?? Math.min(slice.sites.length, 4),
    spec: {
      width,
      height: opts.height ?? 180,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'class', type: 'nominal', title: 'class', scale: { domain: classNames }, axis: { labelAngle: labelAngleFor(classNames, width / classNames.length) } },
        y: { field: 'neurons', type: 'quantitative', title: 'critical neurons (count)', stack: 'zero', axis: COUNT_AXIS },
        color: {
          field: 'category', type: 'nominal', title: 'neuron category',
          scale: { domain: STACKED, range: STACKED.map((c) => CATEGORY_COLORS[c]) },
        },
        order: { field: 'categoryOrder', type: 'quantitative' },
        tooltip: [
          { field: 'site', type: 'nominal', title: 'site' },
          { field: 'class', type: 'nominal', title: 'class' },
          { field: 'category', type: 'nominal', title: 'category' },
          { field: 'neurons', type: 'quantitative', title: 'neurons' },
          { field: 'sharePct', type: 'quantitative', title: '% of site', format: '.1f' },
        ],
      },
      transform: [{ calculate: `indexof(${JSON.stringify(STACKED)}, datum.category)`, as: 'categoryOrder' }],
    },
    // Each panel keeps its own x axis: a wrapped facet would otherwise label only the bottom row.
    resolve: { scale: { y: opts.sharedY ? 'shared' : 'independent' }, axis: { x: 'independent' } },
  };
}
