/**
 * Class x class Jaccard similarity of critical sets, overall or for one site (docs/algorithm.md).
 */
import { unknownNameError } from '../engine/messages/index.js';
import type { SliceJSON } from '../engine/slicing/types.js';
import { baseSpec, labelAngleFor, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertSlice, assertSquare, perClassNames } from './validate.js';

/** Options of {@link similarityHeatmap}. */
export interface SimilarityHeatmapOptions extends SizeOptions {
  /** A site name; default: the similarity over all sites together. */
  site?: string;
  /** Pixels per cell (default 36; width/height, if given, win). */
  cellSize?: number;
}

/** One heatmap cell. */
export interface SimilarityCell {
  row: string;
  col: string;
  /** Jaccard similarity in [0, 1]. */
  value: number;
}

/**
 * Cells of the matrix, row-major, with class names instead of indices.
 *
 * @example
 * similarityCells(slice.toJSON(), 'fc1'); // [{ row: 'cat', col: 'dog', value: 0.42 }, ...]
 */
export function similarityCells(slice: SliceJSON, site?: string): SimilarityCell[] {
  const m = similarityMatrix(slice, site);
  const n = perClassNames(slice);
  return m.flatMap((r, i) => r.map((v, j) => {
    assertFinite(v, 'similarityHeatmap', `similarity[${i}][${j}]`);
    return { row: n[i]!, col: n[j]!, value: round(v) };
  }));
}

function similarityMatrix(slice: SliceJSON, site?: string): number[][] {
  const sim = slice.similarity;
  let m: unknown = sim?.overall;
  if (site !== undefined) {
    const names = Object.keys(sim?.perSite ?? {});
    if (!names.includes(site)) throw unknownNameError('VIZ_UNKNOWN_SITE', 'site', site, names);
    m = sim.perSite[site];
  }
  assertSquare(m, perClassNames(slice).length, 'similarityHeatmap', site ? `similarity.perSite["${site}"]` : 'similarity.overall');
  return m;
}

/**
 * Heatmap of the Jaccard similarity between the classes' critical sets: viridis colour (0 = dark, 1 = yellow),
 * the value printed in each cell with 2 decimals, tooltips with both class names.
 *
 * Defaults: overall similarity; 36 px per cell.
 *
 * @example
 * similarityHeatmap(slice.toJSON());                  // all sites together
 * similarityHeatmap(slice.toJSON(), { site: 'fc1' }); // one site
 */
export function similarityHeatmap(slice: SliceJSON, opts: SimilarityHeatmapOptions = {}): VegaLiteSpec {
  assertSlice(slice, 'similarityHeatmap');
  const cells = similarityCells(slice, opts.site);
  const names = perClassNames(slice);
  const cell = opts.cellSize ?? 36;
  const scope = opts.site === undefined ? 'all sites together' : `site ${opts.site}`;
  const labelAngle = labelAngleFor(names, cell);
  return {
    ...baseSpec(opts.title ?? 'Class similarity of critical neurons',
      `Jaccard similarity of critical-neuron sets between ${names.length} classes, ${scope}.`, `Jaccard of critical sets, ${scope}`),
    data: { values: cells },
    width: opts.width ?? cell * names.length,
    height: opts.height ?? cell * names.length,
    encoding: {
      x: { field: 'col', type: 'nominal', title: 'class', sort: names, axis: { labelAngle } },
      y: { field: 'row', type: 'nominal', title: 'class', sort: names },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: 'Jaccard', scale: { scheme: 'viridis', domain: [0, 1] } },
          tooltip: [
            { field: 'row', type: 'nominal', title: 'class (row)' },
            { field: 'col', type: 'nominal', title: 'class (column)' },
            { field: 'value', type: 'quantitative', title: 'Jaccard', format: '.3f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: names.length > 12 ? 8 : 11 },
        encoding: {
          text: { field: 'value', type: 'quantitative', format: '.2f' },
          // viridis is dark below ~0.6 and light above: pick the readable text colour.
          color: { condition: { test: 'datum.value < 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
