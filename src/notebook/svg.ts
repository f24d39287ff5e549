/**
 * Static SVG for a chart bundle, rendered by viz's renderSvg: it loads vega lazily with import() (vega has top-level
 * await, so a tslab cell could never load it itself) and collects vega's warnings instead of printing them (in a
 * kernel a console.warn is a stderr stream, which marks the cell as failed in an executed notebook).
 */
import { renderSvg } from '../viz/render.js';
import type { VegaLiteSpec } from '../viz/types.js';
import type { ChartSpec } from './parts.js';

/**
 * Render a Vega-Lite spec to an SVG string, headless.
 *
 * @example
 * const svg = await chartSvg({ mark: 'bar', data: { values: [{ a: 1 }] }, encoding: { x: { field: 'a' } } });
 */
export function chartSvg(spec: ChartSpec): Promise<string> {
  return renderSvg(spec as VegaLiteSpec);
}
