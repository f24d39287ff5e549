/**
 * Semantic components (docs/algorithm.md, "Merging"): which classes each component holds, and how many neurons
 * each component's slice has per site.
 */
import { fail } from '../engine/messages/index.js';
import type { SliceJSON } from '../engine/slicing/types.js';
import { baseSpec, labelAngleFor, nominalRange, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertSlice, perClassNames } from './validate.js';

/** Options of {@link componentsChart}. */
export interface ComponentsChartOptions extends SizeOptions {
  /** Pixels per matrix cell (default 30). */
  cellSize?: number;
}

/**
 * Label of component k: "C1" ... (1-based, in the slice's component order).
 *
 * @example
 * componentLabel(0); // 'C1'
 */
export function componentLabel(k: number): string {
  return `C${k + 1}`;
}

/**
 * Membership rows: one per (component, class) pair where the class belongs to the component.
 *
 * @example
 * componentMembership(slice.toJSON()); // [{ component: 'C1', class: 'cat', classes: 2 }, ...]
 */
export function componentMembership(slice: SliceJSON): { component: string; class: string; classes: number }[] {
  return slice.components.flatMap((comp, k) => comp.classes.map((c) => ({
    component: componentLabel(k), class: slice.classNames[c] ?? `class ${c}`, classes: comp.classes.length,
  })));
}

/**
 * Neuron rows: one per (component, site) with the size of the component's critical set at that site.
 *
 * @example
 * componentNeurons(slice.toJSON()); // [{ component: 'C1', site: 'fc1', neurons: 37, sharePct: 28.9, ... }, ...]
 */
export function componentNeurons(slice: SliceJSON): { component: string; members: string; site: string; neurons: number; sharePct: number }[] {
  return slice.components.flatMap((comp, k) => {
    const members = comp.classes.map((c) => slice.classNames[c] ?? `class ${c}`).join(', ');
    return slice.sites.map((s) => {
      const n = comp.neurons[s.name]?.length ?? 0;
      return { component: componentLabel(k), members, site: s.name, neurons: n, sharePct: round((100 * n) / s.neurons, 2) };
    });
  });
}

/**
 * Two panels side by side: left, a class x component membership matrix (filled cell = class belongs to the
 * component); right, a component x site matrix whose cells give the component's critical neurons at that site
 * (count printed, colour = percent of the site's neurons).
 *
 * @example
 * const spec = componentsChart(slice.toJSON());
 */
export function componentsChart(slice: SliceJSON, opts: ComponentsChartOptions = {}): VegaLiteSpec {
  assertSlice(slice, 'componentsChart');
  if (!Array.isArray(slice.components) || slice.components.length === 0) {
    throw fail('VIZ_BAD_INPUT', { fn: 'componentsChart', case: 'no-components' });
  }
  const cell = opts.cellSize ?? 30;
  const comps = slice.components.map((_, k) => componentLabel(k));
  const sites = slice.sites.map((s) => s.name);
  const classNames = perClassNames(slice);
  const compAxis = { field: 'component', type: 'nominal', title: 'component', sort: comps, axis: { labelAngle: 0 } };
  const tau = slice.params.tau;
  return {
    ...baseSpec(opts.title ?? 'Semantic components', `${comps.length} semantic components over ${classNames.length} classes and ${sites.length} sites.`,
      tau === 'auto' && slice.merge
        ? `classes merged by average linkage, cut where the silhouette is best (τ = auto: ${slice.merge.rule}, cut at ${slice.merge.cut.toFixed(3)})`
        : `classes merged by average linkage, cut at τ = ${tau}`),
    hconcat: [
      {
        title: 'classes per component',
        data: { values: componentMembership(slice) },
        width: opts.width ?? cell * comps.length,
        height: opts.height ?? cell * classNames.length,
        mark: { type: 'rect', stroke: 'white' },
        encoding: {
          x: compAxis,
          y: { field: 'class', type: 'nominal', title: 'class', sort: classNames, scale: { domain: classNames } },
          color: { field: 'component', type: 'nominal', sort: comps, scale: { domain: comps, range: nominalRange(comps.length) }, legend: null },
          tooltip: [
            { field: 'class', type: 'nominal', title: 'class' },
            { field: 'component', type: 'nominal', title: 'component' },
            { field: 'classes', type: 'quantitative', title: 'classes in component' },
          ],
        },
      },
      {
        title: 'critical neurons per site',
        data: { values: componentNeurons(slice) },
        width: Math.max(cell * sites.length, 120),
        height: cell * comps.length,
        encoding: {
          x: { field: 'site', type: 'nominal', title: 'site', sort: sites, axis: { labelAngle: labelAngleFor(sites, Math.max(cell, 120 / sites.length)) } },
          y: compAxis,
        },
        layer: [
          {
            mark: { type: 'rect', stroke: 'white' },
            encoding: {
              color: { field: 'sharePct', type: 'quantitative', title: '% of site neurons', scale: { scheme: 'viridis', domain: [0, 100] } },
              tooltip: [
                { field: 'component', type: 'nominal', title: 'component' },
                { field: 'members', type: 'nominal', title: 'classes' },
                { field: 'site', type: 'nominal', title: 'site' },
                { field: 'neurons', type: 'quantitative', title: 'critical neurons' },
                { field: 'sharePct', type: 'quantitative', title: '% of site', format: '.1f' },
              ],
            },
          },
          {
            mark: { type: 'text', fontSize: 10 },
            encoding: {
              text: { field: 'neurons', type: 'quantitative' },
              color: { condition: { test: 'datum.sharePct < 60', value: 'white' }, value: 'black' },
            },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}
