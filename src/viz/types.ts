/**
 * Types shared by the chart builders: the spec shape they return, the bundle the notebook layer emits, and the
 * registry entry shape. Specs stay inside the Vega-Lite 5/6 common subset because JupyterLab renders with vega-lite 5.
 */

/** The `$schema` every builder sets (JupyterLab's MIME renderer is vega-lite 5). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** The MIME type a chart is displayed under in Jupyter. */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/**
 * A Vega-Lite spec as plain JSON. Builders always set `$schema`, `title` and `description`; the rest is free-form
 * Vega-Lite (validated against vega-lite's JSON schema in the tests).
 */
export interface VegaLiteSpec {
  $schema: string;
  title: string | { text: string; subtitle?: string | string[] };
  /** One sentence saying what the chart shows (used as the text/plain fallback). */
  description: string;
  [key: string]: unknown;
}

/**
 * What the notebook layer emits for one chart: one Jupyter display bundle with three MIME types. JupyterLab renders
 * the Vega-Lite spec interactively (vega ranks above svg), nbconvert and GitHub show the SVG, terminals the text.
 * Never add `text/html` (it would outrank the Vega-Lite renderer). Build one with `toChartBundle(spec)`.
 *
 * @example
 * const bundle: ChartBundle = await toChartBundle(similarityHeatmap(slice));
 * tslab.display.raw(VEGA_LITE_MIME, bundle[VEGA_LITE_MIME] as any); // or lastWriteDisplayData({ data: bundle, ... })
 */
export interface ChartBundle {
  /** The spec object itself (not a JSON string: vega-embed would treat a string as a URL). */
  'application/vnd.vegalite.v5+json': VegaLiteSpec;
  /** Static render, from `renderSvg(spec)`. */
  'image/svg+xml': string;
  /** One line, e.g. `<Chart: Critical neurons per class>`. */
  'text/plain': string;
}

/** Size options most builders accept. Defaults are per builder and documented there. */
export interface SizeOptions {
  /** Plot width in pixels (per facet cell where the chart is faceted). */
  width?: number;
  /** Plot height in pixels (per facet cell where the chart is faceted). */
  height?: number;
  /** Replaces the default title. */
  title?: string;
}
