/**
 * The chart registry: every chart builder under a name, so notebooks, magics, the CLI and later features can build
 * charts by name (`%%chart fidelity`) and add their own. Built-ins come from builtin-charts.ts.
 */
import { fail } from '../engine/messages/index.js';
import { Registry } from '../engine/registry.js';
import { BUILTIN_CHARTS } from './builtin-charts.js';
import type { VegaLiteSpec } from './types.js';

/** A registered chart: a name, one line of help, and a pure builder from a result to a Vega-Lite spec. */
export interface ChartEntry<I = never, O = never> {
  /** Kebab-case name, e.g. "fidelity-curves". */
  name: string;
  /** One line: what the chart shows and what input it takes. */
  description: string;
  build: (input: I, opts?: O) => VegaLiteSpec;
}

/** Options of {@link registerChart}. */
export interface RegisterChartOptions {
  /** Replace an existing entry of the same name (default false: a duplicate name throws). */
  override?: boolean;
}

type AnyEntry = ChartEntry<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const charts = new Registry<AnyEntry>({
  kind: 'chart',
  namePattern: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  sortChoices: true,
  codes: { unknown: 'VIZ_UNKNOWN_CHART', duplicate: 'VIZ_DUPLICATE_CHART', badName: 'VIZ_BAD_CHART_NAME' },
  validate: (entry) => {
    if (typeof entry.build !== 'function') {
      throw fail('VIZ_BAD_CHART', { chart: entry.name });
    }
  },
});
for (const e of BUILTIN_CHARTS) charts.register(e);

/**
 * Adds a chart builder to the registry.
 *
 * @example
 * registerChart({ name: 'prune-iterations', description: 'CR per pruning iteration', build: (rows: Row[]) => spec });
 * buildChart('prune-iterations', rows);
 */
export function registerChart<I, O>(entry: ChartEntry<I, O>, opts: RegisterChartOptions = {}): void {
  charts.register(entry as AnyEntry, opts);
}

/**
 * Removes a chart (for tests and plugins that clean up); returns whether it existed.
 *
 * @example
 * unregisterChart('prune-iterations'); // true
 */
export function unregisterChart(name: string): boolean {
  return charts.unregister(name);
}

/**
 * Builds the spec of a registered chart. Unknown names throw a SemsliceError that suggests the closest name.
 *
 * @example
 * const spec = buildChart('similarity-heatmap', slice.toJSON(), { site: 'fc1' });
 */
export function buildChart(name: string, input: unknown, opts?: unknown): VegaLiteSpec {
  return charts.get(name).build(input, opts);
}

/**
 * Names and descriptions of all registered charts, sorted by name.
 *
 * @example
 * listCharts().map((c) => c.name); // ['components', 'critical-neurons', ...]
 */
export function listCharts(): { name: string; description: string }[] {
  return charts.list().map((e) => ({ name: e.name, description: e.description })).sort((a, b) => (a.name < b.name ? -1 : 1));
}
