/**
 * Build nbformat 4 notebooks the way tslab + nbconvert store them (last values as stdout streams, errors as stderr,
 * execution_count null, svg/html as lists of lines, +json MIME types as objects). Charts are real: the SVG is
 * rendered by vega from the same spec.
 */
type Json = Record<string, unknown>;

/** Split text into nbformat's list-of-lines form (each line keeps its "\n"). */
export function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

export function markdownCell(source: string, metadata: Json = {}): Json {
  return { cell_type: 'markdown', metadata, source: lines(source) };
}

export function codeCell(source: string, outputs: Json[] = [], metadata: Json = {}): Json {
  return { cell_type: 'code', execution_count: null, metadata, outputs, source: lines(source) };
}

export function stream(name: 'stdout' | 'stderr', text: string): Json {
  return { name, output_type: 'stream', text: lines(text) };
}

export function display(data: Json, metadata: Json = {}): Json {
  return { data, metadata, output_type: 'display_data' };
}

export function notebook(cells: Json[], metadata: Json = {}): Json {
  return {
    cells,
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true }, file_extension: '.ts',
        mimetype: 'text/typescript', name: 'typescript', version: '3.7.2' },
      ...metadata,
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Render a Vega-Lite spec to SVG in Node (no canvas), as the viz layer does. */
export async function renderSvg(spec: Json): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** A chart output: {vegalite v5 object, image/svg+xml lines, text/plain}, one display_data, as tslab stores it. */
export async function chartOutput(spec: Json, label = '<Chart>'): Promise<Json> {
  const svg = await renderSvg(spec);
  return display({ 'application/vnd.vegalite.v5+json': spec, 'image/svg+xml': lines(svg), 'text/plain': [label] });
}

/** A small bar chart over `n` classes, deterministic from `k`. */
export function barSpec(k: number, n = 10): Json {
  const values = Array.from({ length: n }, (_, i) => ({ class: String(i), accuracy: Math.round((0.5 + ((i * 7 + k * 3) % 10) / 20) * 1000) / 1000 }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Per-class accuracy ${k}`,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: { x: { field: 'class', type: 'nominal' }, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] } } },
    width: 300, height: 160,
  };
}

/** A line chart (fidelity-curve shaped): accuracy against compression rate for two methods. */
export function lineSpec(): Json {
  const values: Json[] = [];
  for (const method of ['semantic', 'global-topk']) {
    for (let i = 0; i <= 9; i++) values.push({ method, cr: i / 10, accuracy: Math.round((0.99 - (method === 'semantic' ? 0.02 : 0.06) * i * i / 10) * 1000) / 1000 });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Slice fidelity',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: { x: { field: 'cr', type: 'quantitative', title: 'compression rate' },
      y: { field: 'accuracy', type: 'quantitative', scale: { zero: false } }, color: { field: 'method', type: 'nominal' } },
    width: 320, height: 180,
  };
}

/** A heatmap (class x class Jaccard shaped). */
export function heatmapSpec(n = 5): Json {
  const values: Json[] = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) values.push({ a: String(a), b: String(b), jaccard: a === b ? 1 : Math.round(100 / (1 + Math.abs(a - b) * 2)) / 100 });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Jaccard similarity',
    data: { values },
    mark: 'rect',
    encoding: { x: { field: 'a', type: 'ordinal' }, y: { field: 'b', type: 'ordinal' }, color: { field: 'jaccard', type: 'quantitative' } },
  };
}

export const RUN_META = {
  semslice: '0.1.0', tfjs: '4.22.0', backend: 'wasm', seed: 42,
  datasets: [{ name: 'mnist-test', fingerprint: '3f2a9c1d0b7e6a54' }],
  models: [{ name: 'lenet5-mnist', fingerprint: '9b1c7d2e4f6a8b0c' }],
  date: '2026-12-01T10:00:00Z',
};
