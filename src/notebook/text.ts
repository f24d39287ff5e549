/**
 * Plain-text renderings for terminals, the CLI and plain Node: a table as aligned columns, a chart as its title and
 * a one-line description. Never fails on odd values (they are stringified).
 */
import { chartDescription, chartTitle, type ChartSpec, type Part, type TableLike } from './parts.js';

/** Default number of table rows shown (kernel and text alike). */
export const DEFAULT_TABLE_LIMIT = 20;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'object') return JSON.stringify(v) ?? String(v);
  return String(v);
}

/** The "… N more rows" note, or '' when nothing was cut. */
export function moreRowsNote(total: number, shown: number): string {
  const more = total - shown;
  return more > 0 ? `… ${more} more row${more === 1 ? '' : 's'}` : '';
}

/**
 * A table as aligned text, at most `limit` rows (rows are cut before formatting, so big tables stay cheap).
 *
 * @example
 * tableText(aq.table({ a: [1, 2], b: ['x', 'y'] })); // "a  b\n-  -\n1  x\n2  y"
 */
export function tableText(t: TableLike, limit = DEFAULT_TABLE_LIMIT): string {
  const total = t.numRows();
  const shown = total > limit ? t.slice(0, limit) : t;
  const cols = shown.columnNames();
  const rows = (shown.objects() as Record<string, unknown>[]).map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j]!.length)));
  const line = (vals: string[]): string => vals.map((v, j) => v.padEnd(widths[j]!)).join('  ').trimEnd();
  const out = [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const note = moreRowsNote(total, Math.min(total, limit));
  if (note) out.push(note);
  return out.join('\n');
}

/** A chart as text: `Chart: <title> (<marks; rows; fields>)`. */
export function chartText(spec: ChartSpec): string {
  return `Chart: ${chartTitle(spec)} (${chartDescription(spec)})`;
}

/** One part as text. */
export function partText(p: Part): string {
  switch (p.kind) {
    case 'chart':
      return chartText(p.spec);
    case 'table':
      return (p.title ? `${p.title}\n` : '') + tableText(p.table, p.limit);
    case 'text':
      return p.text;
    case 'bundle': {
      const plain = p.bundle['text/plain'];
      return typeof plain === 'string' ? plain : `<${Object.keys(p.bundle).join(', ')}>`;
    }
  }
}
