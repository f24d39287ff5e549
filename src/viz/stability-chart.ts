/**
 * Bootstrap stability of a slice (slice(..., { bootstrap })): per class how stable its critical set is, and per class
 * pair how often the two shared a component across replicates.
 */
import { fail } from '../engine/messages/index.js';
import type { SliceJSON } from '../engine/slicing/types.js';
import { baseSpec, labelAngleFor, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertSlice, assertSquare } from './validate.js';

/** Options of {@link stabilityChart}. */
export interface StabilityChartOptions extends SizeOptions {
  /** Jaccard below which a class is marked unstable (drawn as a dashed rule). Default 0.8 (the engine's warning threshold). */
  threshold?: number;
  /** Pixels per heatmap cell (default 30). */
  cellSize?: number;
}

/**
 * Two panels: bars of each class's mean bootstrap Jaccard (with its lowest replicate as a tick and the threshold as
 * a dashed rule), and a heatmap of the pairwise co-membership frequency (fraction of replicates in one component).
 *
 * @example
 * const s = await ss.slice(model, data.train, { bootstrap: 20 });
 * ss.show(stabilityChart(s.toJSON()));
 */
export function stabilityChart(slice: SliceJSON, opts: StabilityChartOptions = {}): VegaLiteSpec {
  assertSlice(slice, 'stabilityChart');
  const st = slice.stability;
  if (!st) {
    throw fail('VIZ_BAD_INPUT', { fn: 'stabilityChart', case: 'no-stability' });
  }
  const names = st.classes.map((c) => slice.classNames[c] ?? `class ${c}`);
  assertSquare(st.coMembership, names.length, 'stabilityChart', 'stability.coMembership');
  const bars = names.map((name, i) => {
    assertFinite(st.jaccard[i], 'stabilityChart', `stability.jaccard[${i}]`);
    return { class: name, jaccard: round(st.jaccard[i]!), jaccardMin: round(st.jaccardMin[i]!) };
  });
  const cells = names.flatMap((row, i) => names.map((col, j) => ({ row, col, freq: round(st.coMembership[i]![j]!) })));
  const threshold = opts.threshold ?? 0.8;
  const cell = opts.cellSize ?? 30;
  const labelAngle = labelAngleFor(names, cell);
  return {
    ...baseSpec(opts.title ?? 'Slice stability under the bootstrap',
      `Bootstrap stability over ${st.replicates} resampled profiling sets: per-class Jaccard of critical sets and pairwise co-membership in components.`,
      `${st.replicates} replicates (seed ${st.seed}); components per replicate: ${[...new Set(st.componentCounts)].sort((a, b) => a - b).join(', ')}`),
    hconcat: [
      {
        title: 'critical-set Jaccard with the slice (mean; tick = lowest)',
        width: opts.width ?? Math.max(200, 22 * names.length),
        height: opts.height ?? 200,
        data: { values: bars },
        encoding: { x: { field: 'class', type: 'nominal', title: 'class', sort: names, axis: { labelAngle } } },
        layer: [
          {
            mark: { type: 'bar', color: '#0072B2' },
            encoding: {
              y: { field: 'jaccard', type: 'quantitative', title: 'Jaccard (1 = same neurons every time)', scale: { domain: [0, 1] } },
              tooltip: [
                { field: 'class', type: 'nominal', title: 'class' },
                { field: 'jaccard', type: 'quantitative', title: 'mean Jaccard', format: '.3f' },
                { field: 'jaccardMin', type: 'quantitative', title: 'lowest Jaccard', format: '.3f' },
              ],
            },
          },
          { mark: { type: 'tick', color: '#D55E00', thickness: 2 }, encoding: { y: { field: 'jaccardMin', type: 'quantitative' } } },
          { mark: { type: 'rule', strokeDash: [4, 4], color: '#555555' }, encoding: { y: { datum: threshold } } },
        ],
      },
      {
        title: 'share of replicates in one component',
        width: cell * names.length,
        height: cell * names.length,
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'col', type: 'nominal', title: 'class', sort: names, axis: { labelAngle } },
          y: { field: 'row', type: 'nominal', title: 'class', sort: names },
          color: { field: 'freq', type: 'quantitative', title: 'co-membership', scale: { scheme: 'viridis', domain: [0, 1] } },
          tooltip: [
            { field: 'row', type: 'nominal', title: 'class (row)' },
            { field: 'col', type: 'nominal', title: 'class (column)' },
            { field: 'freq', type: 'quantitative', title: 'share of replicates', format: '.2f' },
          ],
        },
      },
    ],
  };
}
