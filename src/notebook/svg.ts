/**
 * Static SVG for a chart bundle. vega and vega-lite contain top-level await, so they can only be loaded with a
 * dynamic import() from a library file (never from a tslab cell, ecosystem.md 2.4): loaded lazily, once.
 */
import type { ChartSpec } from './parts.js';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
let loaded: Promise<[Vega, VegaLite]> | undefined;

/**
 * Render a Vega-Lite spec to an SVG string, headless (renderer "none", no canvas needed).
 *
 * @example
 * const svg = await chartSvg({ mark: 'bar', data: { values: [{ a: 1 }] }, encoding: { x: { field: 'a' } } });
 */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  loaded ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vl] = await loaded;
  const compiled = vl.compile(spec as unknown as Parameters<VegaLite["compile"]>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
