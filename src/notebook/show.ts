/**
 * `show(x)`: display a chart, table or anything with a registered display. In a tslab kernel each part becomes one
 * display bundle; elsewhere (plain Node, the CLI) the same call prints plain text to stdout instead of failing.
 */
import { inspect } from 'node:util';
import { partBundle } from './bundle.js';
import { findDisplay } from './display-registry.js';
import { inKernel, writeBundle } from './kernel.js';
import { toParts, type Part } from './parts.js';
import { partText } from './text.js';

export interface ShowOptions {
  /** Rows shown for tables (default 20). */
  limit?: number;
  /** Where text goes outside a kernel (default: process.stdout). */
  write?: (s: string) => void;
  /** Force kernel or text mode (default: detected with inKernel()). */
  kernel?: boolean;
}

/** Resolve x to its parts with the registry; unknown values become a text part (util.inspect). */
export async function displayParts(x: unknown, limit?: number): Promise<Part[]> {
  const h = findDisplay(x);
  const parts = h ? toParts(await h.toBundle(x)) : [{ kind: 'text', text: inspect(x, { depth: 2 }) } as Part];
  return limit === undefined ? parts : parts.map((p) => (p.kind === 'table' && p.limit === undefined ? { ...p, limit } : p));
}

/**
 * Display x. Always `await` it in a cell (the chart SVG is rendered asynchronously): `await ss.show(chart)`.
 *
 * @example
 * await show(ss.viz.fidelityCurves(rows));   // chart bundle in Jupyter, "Chart: <title> (...)" in a terminal
 * await show(table, { limit: 5 });           // HTML table of 5 rows + "… N more rows"
 */
export async function show(x: unknown, opts: ShowOptions = {}): Promise<void> {
  const parts = await displayParts(x, opts.limit);
  const kernel = opts.kernel ?? inKernel();
  for (const p of parts) {
    if (kernel && writeBundle(await partBundle(p))) continue;
    (opts.write ?? ((s: string) => process.stdout.write(s)))(partText(p) + '\n');
  }
}
