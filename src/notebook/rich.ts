/**
 * Rich auto-display: an object that is a cell's last value displays itself (tslab console.logs that value, and
 * util.inspect calls [inspect.custom]). Plus the display content of the engine's results, built from their plain
 * data (SliceJSON, FidelityRow[]) so this module never depends on engine internals.
 */
import { inspect } from 'node:util';
import * as aq from 'arquero';
import type { FidelityRow, SliceJSON } from '../engine/slicing/types.js';
import { partBundleSync } from './bundle.js';
import { registerDisplay } from './display-registry.js';
import { inKernel, writeBundle } from './kernel.js';
import { toParts, type ChartSpec, type Displayable, type Part, type TableLike } from './parts.js';
import { partText } from './text.js';
import { criticalNeuronsChart } from '../viz/critical-neurons.js';
import { fidelityCurves } from '../viz/fidelity-curves.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor<T> = abstract new (...args: any[]) => T;

export interface RichDisplayOptions<T> {
  /** Short text printed outside a kernel (and as the stdout line inside one). Default `<ClassName>`. */
  text?: (x: T) => string;
  /** Registry name for show(); default the class name. */
  name?: string;
}

/**
 * Make instances of `cls` display richly as a cell's last value (sync: charts without SVG; `await show(x)` adds it),
 * and register them for `show()`. Outside a kernel, inspecting one prints `opts.text(x)`.
 *
 * @example
 * installRichDisplay(Slice, (s) => sliceDisplay(s.toJSON()), { text: (s) => `<Slice ${s.params.metric}>` });
 */
export function installRichDisplay<T extends object>(cls: Ctor<T>, toBundle: (x: T) => Displayable, opts: RichDisplayOptions<T> = {}): void {
  const text = opts.text ?? (() => `<${cls.name}>`);
  Object.defineProperty(cls.prototype, inspect.custom, {
    configurable: true,
    writable: true,
    value: function richInspect(this: T): string {
      if (inKernel()) for (const p of toParts(toBundle(this))) writeBundle(partBundleSync(p));
      return text(this);
    },
  });
  registerDisplay((x: unknown): x is T => x instanceof cls, toBundle, { name: opts.name ?? cls.name, override: true });
}

/** A displayable wrapper: shows `parts` when it is a cell's last value (used by table()). */
export class Shown {
  constructor(readonly parts: Part[]) {}
  [inspect.custom](): string {
    if (inKernel()) {
      for (const p of this.parts) writeBundle(partBundleSync(p));
      return '';
    }
    return this.parts.map(partText).join('\n');
  }
}
registerDisplay((x: unknown): x is Shown => x instanceof Shown, (x) => x.parts, { name: 'shown' });

/**
 * A table with a row limit that displays itself as a cell's last value, and works with show().
 *
 * @example
 * ss.table(slice.summary(), { limit: 10 })   // last line of a cell
 */
export function table(t: TableLike, opts: { limit?: number; title?: string } = {}): Shown {
  return new Shown([{ kind: 'table', table: t, limit: opts.limit, title: opts.title }]);
}

/** One row per site: neurons, mean/min/max critical per class, union, and neurons per category. */
export function sliceSummaryTable(s: SliceJSON): TableLike {
  const rows = s.sites.map((site) => {
    const crit = s.critical[site.name] ?? [];
    const sizes = crit.map((c) => c.length);
    const union = new Set(crit.flat()).size;
    const cats = s.categories[site.name] ?? [];
    const count = (k: string): number => cats.filter((c) => c === k).length;
    const mean = sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0;
    return {
      site: site.name, kind: site.kind, neurons: site.neurons,
      critical_mean: Math.round(mean * 10) / 10, critical_min: sizes.length ? Math.min(...sizes) : 0,
      critical_max: sizes.length ? Math.max(...sizes) : 0, union,
      exclusive: count('exclusive'), shared: count('shared'), common: count('common'), idle: count('idle'),
    };
  });
  return aq.from(rows) as unknown as TableLike;
}

function paramText(s: SliceJSON): string {
  const p = s.params;
  const sel = p.method === 'semantic' ? `theta=${p.theta}` : `k=${p.k}%`;
  return `${p.method}, metric=${p.metric}, ${sel}, tau=${p.tau}`;
}

/**
 * Display content of a slice: a title line, the per-site summary table, the critical-neurons chart, components.
 * `chart` replaces the chart builder (src/index.ts passes viz's criticalNeuronsChart).
 */
export function sliceDisplay(s: SliceJSON, opts: { chart?: (s: SliceJSON) => ChartSpec } = {}): Part[] {
  const comps = s.components.map((c) => `{${c.classes.map((k) => s.classNames[k] ?? k).join(', ')}}`).join(' ');
  return [
    { kind: 'table', table: sliceSummaryTable(s), title: `Slice (${paramText(s)}): ${s.sites.length} sites, ${s.classNames.length} classes` },
    { kind: 'chart', spec: (opts.chart ?? criticalNeuronsChart)(s) },
    { kind: 'text', text: `components (${s.components.length}): ${comps}` },
  ];
}

/** Short text for a slice. */
export function sliceText(s: SliceJSON): string {
  return `<Slice ${paramText(s)}; ${s.sites.length} sites, ${s.components.length} components>`;
}

/** Fidelity rows as a table (perClass dropped: one column per class would be too wide; see the per-class chart). */
export function sweepTable(rows: readonly FidelityRow[]): TableLike {
  return aq.from(rows.map((r) => ({ method: r.method, metric: r.metric, theta: r.theta, k: r.k, cr: r.cr, accuracy: r.accuracy }))) as unknown as TableLike;
}

/** Display content of a fidelity sweep: the CR-vs-accuracy chart and the table. */
export function sweepDisplay(rows: readonly FidelityRow[], opts: { chart?: (rows: FidelityRow[]) => ChartSpec; limit?: number } = {}): Part[] {
  return [
    { kind: 'chart', spec: (opts.chart ?? ((r: FidelityRow[]) => fidelityCurves(r)))([...rows]) },
    { kind: 'table', table: sweepTable(rows), limit: opts.limit ?? 40 },
  ];
}

/** Short text for a sweep. */
export function sweepText(rows: readonly FidelityRow[]): string {
  const methods = [...new Set(rows.map((r) => r.method))].join(', ');
  return `<FidelitySweep ${rows.length} points: ${methods}>`;
}
