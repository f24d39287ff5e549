/** MIME type names the report knows, and the default display priority (first renderable one wins). */

export const RUN_MIME = 'application/vnd.semslice.run+json';
export const VEGALITE_MIMES = ['application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v4+json'] as const;
export const VEGA_MIMES = ['application/vnd.vega.v5+json'] as const;

/** Default MIME priority; a template's conf.json "mimePriority" replaces it. */
export const DEFAULT_MIME_PRIORITY: readonly string[] = [
  RUN_MIME,
  ...VEGALITE_MIMES,
  ...VEGA_MIMES,
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'text/html',
  'text/markdown',
  'text/latex',
  'application/json',
  'text/plain',
];

/** The Vega mode of a MIME type, or undefined. */
export function vegaMode(mime: string): 'vega-lite' | 'vega' | undefined {
  if ((VEGALITE_MIMES as readonly string[]).includes(mime)) return 'vega-lite';
  if ((VEGA_MIMES as readonly string[]).includes(mime)) return 'vega';
  return undefined;
}

/** A +json value: stored as an object, but tolerate a JSON string (some writers stringify). */
export function jsonValue(v: unknown): unknown {
  if (typeof v !== 'string' && !Array.isArray(v)) return v;
  const text = Array.isArray(v) ? v.join('') : v;
  try { return JSON.parse(text); } catch { return undefined; }
}
