/**
 * Make a Vega or Vega-Lite spec from an untrusted notebook inert: remove every `url` (data sources, image marks,
 * lookups: all network loads), every `href` (link channels and mark properties) and `usermeta.embedOptions` (vega-embed
 * reads loader and action settings from it). Inline data (`values`, `datasets`) is not walked, so data fields that
 * happen to be named "url" survive.
 *
 * @example
 * const r = neutraliseVegaSpec({ data: { url: 'http://x/d.json' }, mark: 'bar' });
 * r.urls // ['http://x/d.json']; r.spec.data is {}
 */

export interface NeutralisedSpec {
  spec: unknown;
  /** The URLs removed (a chart that needed one has lost its data). */
  urls: string[];
  /** How many href entries were removed. */
  hrefs: number;
  /** True when usermeta.embedOptions was removed. */
  embedOptions: boolean;
}

const INLINE_DATA_KEYS = new Set(['values', 'datasets']);

/** Return a neutralised deep copy of `spec`; the input is not modified. */
export function neutraliseVegaSpec(spec: unknown): NeutralisedSpec {
  const out: NeutralisedSpec = { spec: undefined, urls: [], hrefs: 0, embedOptions: false };
  out.spec = walk(structuredClone(spec), out);
  return out;
}

function walk(node: unknown, acc: NeutralisedSpec): unknown {
  if (Array.isArray(node)) return node.map((n) => walk(n, acc));
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'url') { acc.urls.push(typeof v === 'string' ? v : JSON.stringify(v)); continue; }
    if (k === 'href') { acc.hrefs++; continue; }
    if (k === 'usermeta' && typeof v === 'object' && v !== null && 'embedOptions' in v) {
      const { embedOptions: _dropped, ...rest } = v as Record<string, unknown>;
      acc.embedOptions = true;
      result[k] = rest;
      continue;
    }
    result[k] = INLINE_DATA_KEYS.has(k) ? v : walk(v, acc);
  }
  return result;
}
