/**
 * What can be displayed, independent of where: a list of parts (charts, tables, MIME bundles, text). One description,
 * three renderings: an async kernel bundle (charts with their SVG), a sync kernel bundle (for util.inspect.custom,
 * which cannot wait for the SVG), and plain text for the CLI and plain Node.
 */

/** A Vega-Lite spec object (kept loose: viz builds them; here only a few fields are read). */
export type ChartSpec = Record<string, unknown>;

/** The arquero table surface this module uses (duck-typed so any arquero copy works). */
export interface TableLike {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  slice(start?: number, end?: number): TableLike;
  toHTML(opts?: object): string;
  objects(opts?: object): object[];
}

export type Part =
  | { kind: 'chart'; spec: ChartSpec }
  | { kind: 'table'; table: TableLike; limit?: number; title?: string }
  | { kind: 'bundle'; bundle: Record<string, unknown> }
  | { kind: 'text'; text: string };

/** What a display handler returns: one part or several, shown in order. */
export type Displayable = Part | Part[];

export function toParts(d: Displayable): Part[] {
  return Array.isArray(d) ? d : [d];
}

const COMPOSITE_KEYS = ['layer', 'hconcat', 'vconcat', 'concat', 'facet', 'repeat'];

/**
 * True for a Vega-Lite spec: a `$schema` naming vega-lite, or a `mark`/composition key next to data or encoding.
 *
 * @example
 * isChartSpec({ mark: 'bar', data: { values: [] }, encoding: {} }); // true
 */
export function isChartSpec(x: unknown): x is ChartSpec {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  // Plain JSON objects only: class instances (an arquero table has a concat() method) are never specs.
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const o = x as Record<string, unknown>;
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  if (typeof o.$schema === 'string') return o.$schema.includes('vega-lite');
  const composite = COMPOSITE_KEYS.some(has);
  return (has('mark') && (has('data') || has('encoding'))) || composite;
}

/**
 * True for an arquero table (duck-typed: numRows, columnNames, slice, toHTML, objects).
 *
 * @example
 * isTable(aq.table({ a: [1, 2] })); // true
 */
export function isTable(x: unknown): x is TableLike {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return ['numRows', 'columnNames', 'slice', 'toHTML', 'objects'].every((k) => typeof o[k] === 'function');
}

/** The chart's title (string or {text}), else its description, else "chart". */
export function chartTitle(spec: ChartSpec): string {
  const t = spec.title;
  if (typeof t === 'string' && t) return t;
  if (t && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string') return (t as { text: string }).text;
  if (Array.isArray(t) && t.length) return t.join(' ');
  if (typeof spec.description === 'string' && spec.description) return spec.description;
  return 'chart';
}

/** One line saying what the chart shows: mark type(s), data rows, encoded fields. */
export function chartDescription(spec: ChartSpec): string {
  const marks = new Set<string>();
  const fields = new Set<string>();
  let rows = 0;
  const visit = (s: unknown): void => {
    if (typeof s !== 'object' || s === null) return;
    const o = s as Record<string, unknown>;
    const m = o.mark;
    if (typeof m === 'string') marks.add(m);
    else if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') marks.add((m as { type: string }).type);
    const values = (o.data as { values?: unknown } | undefined)?.values;
    if (Array.isArray(values)) rows += values.length;
    const enc = o.encoding as Record<string, { field?: unknown }> | undefined;
    if (enc && typeof enc === 'object') {
      for (const ch of Object.values(enc)) if (ch && typeof ch.field === 'string') fields.add(ch.field);
    }
    for (const k of COMPOSITE_KEYS) {
      const sub = o[k];
      if (Array.isArray(sub)) sub.forEach(visit);
      else if (k === 'facet' || k === 'repeat') visit(o.spec);
    }
    if ('spec' in o && !('facet' in o) && !('repeat' in o)) visit(o.spec);
  };
  visit(spec);
  const parts = [`${[...marks].join('+') || 'chart'}`];
  if (rows) parts.push(`${rows} data rows`);
  if (fields.size) parts.push(`fields: ${[...fields].join(', ')}`);
  return parts.join('; ');
}
