/**
 * Compiling (vega-lite) and rendering (vega, headless SVG) chart specs. vega and vega-lite are ESM with a top-level
 * await (vega-canvas), so a static import would make all of semslice un-require()-able (tslab require()s cells):
 * they are loaded only here, with a cached dynamic import, on first use.
 */
import { fail } from '../engine/messages/index.js';
import type { ChartBundle, VegaLiteSpec } from './types.js';
import { VEGA_LITE_MIME } from './types.js';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let modules: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

/**
 * Loads vega and vega-lite once per process (about 300 ms the first time).
 *
 * @example
 * const { vega, vl } = await loadVega();
 */
export function loadVega(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return modules;
}

/** A logger that collects messages instead of printing them (vega's LoggerInterface, minus the typing fuss). */
function collectingLogger(sink: string[]) {
  let lvl = 2; // Warn
  const logger = {
    level(l?: number) { if (l === undefined) return lvl; lvl = l; return logger; },
    error(...a: unknown[]) { sink.push(`error: ${a.map(String).join(' ')}`); return logger; },
    warn(...a: unknown[]) { sink.push(`warn: ${a.map(String).join(' ')}`); return logger; },
    info() { return logger; },
    debug() { return logger; },
  };
  return logger;
}

/** Result of {@link compileSpec}: the Vega spec and every warning vega-lite raised while compiling. */
export interface CompiledSpec {
  vega: Record<string, unknown>;
  warnings: string[];
}

/**
 * Compiles a Vega-Lite spec to Vega, collecting vega-lite's warnings instead of printing them.
 *
 * @example
 * const { warnings } = await compileSpec(fidelityCurves(rows)); // [] for a well-formed chart
 */
export async function compileSpec(spec: VegaLiteSpec): Promise<CompiledSpec> {
  const { vl } = await loadVega();
  const warnings: string[] = [];
  try {
    const out = vl.compile(spec as never, { logger: collectingLogger(warnings) as never });
    return { vega: out.spec as Record<string, unknown>, warnings };
  } catch (e) {
    throw fail('VIZ_COMPILE', { title: titleOf(spec), error: (e as Error).message });
  }
}

/** Options of {@link renderSvg}. */
export interface RenderOptions {
  /** Receives vega-lite's and vega's warnings (default: dropped; tests assert there are none). */
  onWarning?: (message: string) => void;
}

/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node or a browser (renderer 'none', no canvas needed).
 * Output is byte-stable for the same spec: vega resets its clip/gradient id counters per render, and we number
 * any remaining generated ids in document order as a guard.
 *
 * @example
 * const svg = await renderSvg(similarityHeatmap(slice.toJSON())); // '<svg xmlns=...'
 */
export async function renderSvg(spec: VegaLiteSpec, opts: RenderOptions = {}): Promise<string> {
  const { vega } = await loadVega();
  const { vega: vgSpec, warnings } = await compileSpec(spec);
  const viewWarnings: string[] = [];
  const view = new vega.View(vega.parse(vgSpec as never), { renderer: 'none', logger: collectingLogger(viewWarnings) as never });
  try {
    const svg = await view.toSVG();
    for (const w of [...warnings, ...viewWarnings]) opts.onWarning?.(w);
    return normaliseIds(svg);
  } finally {
    view.finalize();
  }
}

/**
 * Renumbers vega's generated ids (clip1, gradient_0, ...) in order of first appearance. Only id attributes and
 * their references are touched, never text (a class may well be called "clip1").
 *
 * @example
 * normaliseIds('<clipPath id="clip7"/>'); // '<clipPath id="clip1"/>'
 */
export function normaliseIds(svg: string): string {
  const seen = new Map<string, string>();
  return svg.replace(/(id="|url\(#|href="#)((?:clip|gradient_|pattern_)\d+)(?=[")])/g, (_m, lead: string, old: string) => {
    let id = seen.get(old);
    if (!id) { id = `${old.replace(/\d+$/, '')}${seen.size + 1}`; seen.set(old, id); }
    return lead + id;
  });
}

/**
 * The plain-text form of a chart: `<Chart: title>`.
 *
 * @example
 * chartText(similarityHeatmap(s)); // '<Chart: Class similarity of critical neurons>'
 */
export function chartText(spec: VegaLiteSpec): string {
  return `<Chart: ${titleOf(spec)}>`;
}

/**
 * The three-MIME display bundle for a chart (see {@link ChartBundle}); the notebook layer emits it as is.
 *
 * @example
 * const bundle = await toChartBundle(trainingCurves(history));
 * // { 'application/vnd.vegalite.v5+json': spec, 'image/svg+xml': '<svg ...', 'text/plain': '<Chart: Training curves>' }
 */
export async function toChartBundle(spec: VegaLiteSpec, opts: RenderOptions = {}): Promise<ChartBundle> {
  return { [VEGA_LITE_MIME]: spec, 'image/svg+xml': await renderSvg(spec, opts), 'text/plain': chartText(spec) } as ChartBundle;
}

function titleOf(spec: VegaLiteSpec): string {
  const t = spec?.title;
  return typeof t === 'string' ? t : t?.text ?? 'untitled';
}
