/**
 * One block per MIME type, tried in priority order (nbconvert's display_priority). A renderer returns HTML, or
 * undefined when the value is unusable so the next MIME type of the bundle is tried.
 *
 * @example
 * registerMimeRenderer('application/geo+json', (v) => `<pre>${escapeHtml(JSON.stringify(v))}</pre>`);
 */
import { fail } from './errors.js';
import { escapeHtml, stripAnsi } from './escape.js';
import { renderMarkdown } from './markdown.js';
import { RUN_MIME, VEGALITE_MIMES, VEGA_MIMES, jsonValue } from './mime-types.js';
import { joinText } from './reader.js';
import { renderDefinitionTable } from './run-meta-table.js';
import { outputKey, type ReportContext } from './context.js';
import type { MimeBundle } from './types.js';

export interface OutputEnv {
  ctx: ReportContext;
  cellIndex: number;
  outputIndex: number;
  bundle: MimeBundle;
  /** The output's metadata (image width/height live here). */
  metadata: Record<string, unknown>;
}

export type MimeRenderer = (value: unknown, env: OutputEnv) => string | undefined;

const renderers = new Map<string, MimeRenderer>();

/** Register the block for a MIME type; replacing a built-in needs `override`. */
export function registerMimeRenderer(mime: string, render: MimeRenderer, opts: { override?: boolean } = {}): void {
  if (renderers.has(mime) && !opts.override) {
    throw fail('DUPLICATE_MIME_RENDERER', { mime });
  }
  renderers.set(mime, render);
}

export function getMimeRenderer(mime: string): MimeRenderer | undefined {
  return renderers.get(mime);
}

const pre = (cls: string, text: string): string => `<pre class="${cls}">${escapeHtml(text)}</pre>`;

function imageSize(env: OutputEnv, mime: string): string {
  const m = env.metadata[mime] as { width?: unknown; height?: unknown } | undefined;
  const dim = (k: 'width' | 'height') => (typeof m?.[k] === 'number' ? ` ${k}="${m[k]}"` : '');
  return dim('width') + dim('height');
}

function base64Image(mime: string): MimeRenderer {
  return (v, env) => {
    const b64 = joinText(v).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length === 0) return undefined;
    return `<img class="ss-image" alt="output ${env.outputIndex + 1} of cell ${env.cellIndex}"${imageSize(env, mime)} src="data:${mime};base64,${b64}">`;
  };
}

function chartBlock(v: unknown, env: OutputEnv): string | undefined {
  const chart = env.ctx.charts.get(outputKey(env.cellIndex, env.outputIndex));
  if (!chart) return undefined;
  const svg = env.bundle['image/svg+xml'] !== undefined ? joinText(env.bundle['image/svg+xml']) : undefined;
  const text = env.bundle['text/plain'] !== undefined ? stripAnsi(joinText(env.bundle['text/plain'])) : undefined;
  const fallback = svg ?? (text !== undefined ? pre('ss-text', text) : '<p>(interactive chart: needs JavaScript)</p>');
  if ('reason' in chart) {
    return `<figure class="ss-chart ss-chart-refused"><div class="ss-placeholder">Interactive chart not shown: ${escapeHtml(chart.reason)}.</div>${svg ?? ''}</figure>`;
  }
  // The fallback is the initial content: it shows with scripts off, and report.js removes it once vega has drawn.
  return `<figure class="ss-chart"><div class="ss-vega" id="${chart.id}"></div><div class="ss-chart-fallback">${fallback}</div></figure>`;
}

registerMimeRenderer(RUN_MIME, (v) => {
  const obj = jsonValue(v);
  return typeof obj === 'object' && obj !== null ? `<div class="ss-run-output">${renderDefinitionTable(obj as Record<string, unknown>)}</div>` : undefined;
});
for (const m of [...VEGALITE_MIMES, ...VEGA_MIMES]) registerMimeRenderer(m, chartBlock);
// Sanitised by the sanitize preprocessor when untrusted.
registerMimeRenderer('image/svg+xml', (v) => `<div class="ss-svg">${joinText(v)}</div>`);
registerMimeRenderer('image/png', base64Image('image/png'));
registerMimeRenderer('image/jpeg', base64Image('image/jpeg'));
registerMimeRenderer('image/gif', base64Image('image/gif'));
registerMimeRenderer('text/html', (v) => `<div class="ss-html">${joinText(v)}</div>`);
registerMimeRenderer('text/markdown', (v, env) =>
  `<div class="ss-markdown-output">${renderMarkdown(joinText(v), { trusted: env.ctx.opts.trusted, usedIds: env.ctx.usedIds }).html}</div>`);
registerMimeRenderer('text/latex', (v) => pre('ss-latex', joinText(v)));
registerMimeRenderer('application/json', (v) => {
  const obj = jsonValue(v);
  return obj === undefined ? undefined : pre('ss-json', JSON.stringify(obj, null, 2));
});
registerMimeRenderer('text/plain', (v) => pre('ss-text', stripAnsi(joinText(v))));
