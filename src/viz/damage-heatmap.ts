/**
 * The damage matrix (ss.damageMatrix): accuracy lost by every class when each class's most class-specific critical
 * neurons are switched off. Damage on the diagonal = slices that carve the model by class.
 */
import type { DamageMatrix } from '../engine/slicing/damage.js';
import { baseSpec, labelAngleFor, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray, assertSquare } from './validate.js';

/** Options of {@link damageHeatmap}. */
export interface DamageHeatmapOptions extends SizeOptions {
  /** Pixels per cell (default 36). */
  cellSize?: number;
}

/**
 * Heatmap: rows = the class whose neurons were switched off, columns = the class measured, colour = accuracy points
 * lost (0 = white/light, more = dark red), the value printed in each cell; tooltips give accuracy before and after.
 *
 * @example
 * ss.show(damageHeatmap(ss.damageMatrix(model, data.test, slice)));
 */
export function damageHeatmap(d: DamageMatrix, opts: DamageHeatmapOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(d?.classes, 'damageHeatmap', 'classes', 'the result', 'damageMatrix()');
  const names = d.classes.map((c) => d.classNames[c] ?? `class ${c}`);
  assertSquare(d.drop, names.length, 'damageHeatmap', 'drop');
  const cells = names.flatMap((row, r) => names.map((col, c) => {
    assertFinite(d.drop[r]![c], 'damageHeatmap', `drop[${r}][${c}]`);
    return { off: row, measured: col, dropPts: round(100 * d.drop[r]![c]!, 2), before: round(100 * d.baseline[c]!, 2), after: round(100 * d.accuracy[r]![c]!, 2) };
  }));
  const max = Math.max(1, ...cells.map((x) => x.dropPts));
  const cell = opts.cellSize ?? 36;
  const labelAngle = labelAngleFor(names, cell);
  const s = d.summary;
  return {
    ...baseSpec(opts.title ?? 'Damage matrix: accuracy lost when a class\'s own neurons are switched off',
      `Accuracy points lost by each of ${names.length} classes (columns) when each class's most specific critical neurons (rows) are switched off.`,
      `${Math.round(d.fraction * 100)}% of each site per class; mean drop on the diagonal ${(100 * s.meanDiagonalDrop).toFixed(1)} points, off it ${(100 * s.meanOffDiagonalDrop).toFixed(1)}; diagonal largest in ${s.diagonalMaxRows} of ${s.rows} rows`),
    data: { values: cells },
    width: opts.width ?? cell * names.length,
    height: opts.height ?? cell * names.length,
    encoding: {
      x: { field: 'measured', type: 'nominal', title: 'class measured', sort: names, axis: { labelAngle } },
      y: { field: 'off', type: 'nominal', title: 'neurons switched off for class', sort: names },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'dropPts', type: 'quantitative', title: 'accuracy lost (points)', scale: { scheme: 'orangered', domain: [0, max] } },
          tooltip: [
            { field: 'off', type: 'nominal', title: 'switched off for' },
            { field: 'measured', type: 'nominal', title: 'class measured' },
            { field: 'before', type: 'quantitative', title: 'accuracy before %', format: '.2f' },
            { field: 'after', type: 'quantitative', title: 'accuracy after %', format: '.2f' },
            { field: 'dropPts', type: 'quantitative', title: 'points lost', format: '.2f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: names.length > 12 ? 8 : 10 },
        encoding: {
          text: { field: 'dropPts', type: 'quantitative', format: '.0f' },
          color: { condition: { test: `datum.dropPts > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
