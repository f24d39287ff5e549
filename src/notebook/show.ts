/**
 * `show(x)`: display a chart, table or anything with a registered display. In a tslab kernel each part becomes one
 * display bundle; elsewhere (plain Node, the CLI) the same call prints plain text to stdout instead of failing.
 */
import { inspect } from 'node:util';
import { partBundleSync } from './bundle.js';
import { findDisplay } from './display-registry.js';
import { capturingDisplays, inKernel, writeBundle } from './kernel.js';
import { markDisplayPromise, trackDisplay } from './last-value.js';
import { toParts, type Displayable, type Part } from './parts.js';
import { partText } from './text.js';

export interface ShowOptions {
  /** Rows shown for tables (default 20). */
  limit?: number;
  /** Where text goes outside a kernel (default: process.stdout). */
  write?: (s: string) => void;
  /** Force kernel or text mode (default: detected with inKernel()). */
  kernel?: boolean;
}

function withLimit(parts: Part[], limit: number | undefined): Part[] {
  return limit === undefined ? parts : parts.map((p) => (p.kind === 'table' && p.limit === undefined ? { ...p, limit } : p));
}

/** Resolve x to its parts with the registry; unknown values become a text part (util.inspect). */
export async function displayParts(x: unknown, limit?: number): Promise<Part[]> {
  const h = findDisplay(x);
  return withLimit(h ? toParts(await h.toBundle(x)) : [{ kind: 'text', text: inspect(x, { depth: 2 }) }], limit);
}

/**
 * Display x. The output is written before show returns whenever the display is synchronous (every built-in one:
 * charts, with their SVG, and tables), so `ss.show(a); ss.show(b);` without `await` shows both, in order; in a
 * kernel the cell also waits for a display that is still pending (an asynchronous handler) before it completes.
 * Bad input throws at the call. The returned promise settles when the output is written; as a cell's last value
 * it prints nothing.
 *
 * @example
 * ss.show(ss.viz.fidelityCurves(rows));      // chart bundle in Jupyter, "Chart: <title> (...)" in a terminal
 * await ss.show(table, { limit: 5 });        // HTML table of 5 rows + "… N more rows"
 */
export function show(x: unknown, opts: ShowOptions = {}): Promise<void> {
  const kernel = opts.kernel ?? (inKernel() || capturingDisplays());
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const emit = (d: Displayable): void => {
    for (const p of withLimit(toParts(d), opts.limit)) {
      if (kernel && writeBundle(partBundleSync(p))) continue;
      write(partText(p) + '\n');
    }
  };
  const h = findDisplay(x);
  const d = h ? h.toBundle(x) : ({ kind: 'text', text: inspect(x, { depth: 2 }) } as Part);
  if (d instanceof Promise) return markDisplayPromise(trackDisplay(d.then(emit)));
  emit(d);
  return markDisplayPromise(Promise.resolve());
}
