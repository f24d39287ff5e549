/**
 * .ipynb -> one self-contained HTML file, in three layers like nbconvert:
 *
 *   readNotebook (validate nbformat 4, copy) -> preprocessors (visibility, markdown + TOC, sanitise, charts,
 *   run metadata, title) -> template (cells by MIME priority, run-metadata section, inlined vega scripts, CSP)
 *
 * The output depends only on the notebook and the options (ids come from cell indices, no clock): byte-identical
 * for the same input.
 *
 * @example
 * const html = renderReport(JSON.parse(fs.readFileSync('run.ipynb', 'utf8')), { codeFolding: 'fold' });
 */
import { cspHash, inlineScript, packageVersion, vendorScript } from './assets.js';
import { createContext, type ReportContext, type ResolvedOptions } from './context.js';
import { fail } from './errors.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { DEFAULT_MIME_PRIORITY } from './mime-types.js';
import { DEFAULT_PREPROCESSORS, getPreprocessor } from './preprocessors/index.js';
import { readNotebook } from './reader.js';
import { renderCell } from './render-cell.js';
import { renderRunMetadataSection } from './run-meta-table.js';
import { fillTemplate, loadTemplate, packageRoot, type Template } from './template.js';
import type { ChartEntry, CodeFolding, ReportOptions, ReportResult } from './types.js';

const FOLDINGS: readonly CodeFolding[] = ['show', 'fold', 'hide'];

function resolveOptions(opts: ReportOptions): ResolvedOptions {
  if (opts.codeFolding !== undefined && !FOLDINGS.includes(opts.codeFolding)) {
    throw fail('BAD_OPTION', { case: 'value', where: 'renderReport', option: 'codeFolding', example: 'fold', value: opts.codeFolding, choices: FOLDINGS });
  }
  if (opts.title !== undefined && typeof opts.title !== 'string') throw fail('BAD_OPTION', { case: 'value', where: 'renderReport', option: 'title', expected: 'a string', example: 'My analysis', value: opts.title });
  return {
    template: opts.template ?? 'default',
    codeFolding: opts.noInput ? 'hide' : (opts.codeFolding ?? 'show'),
    title: opts.title,
    fallbackTitle: opts.fallbackTitle ?? 'Notebook report',
    trusted: opts.trusted === true,
  };
}

function renderToc(ctx: ReportContext): string {
  if (ctx.toc.length === 0) return '';
  const items = ctx.toc.map((h) => `<li class="ss-toc-l${h.level}"><a href="#${h.id}">${escapeHtml(h.text)}</a></li>`).join('');
  return `<nav id="toc" class="ss-toc" aria-label="Contents"><h2>Contents</h2><ul>${items}</ul></nav>`;
}

function buildScripts(charts: ChartEntry[], template: Template): { html: string; hashes: string[] } {
  if (charts.length === 0) return { html: '', hashes: [] };
  const vendors = (['vega', 'vega-lite', 'vega-embed'] as const).map(vendorScript);
  const boot = inlineScript(template.js);
  const specs = jsonForScript(charts.map((c) => ({ id: c.id, mode: c.mode, spec: c.spec })));
  const html = [...vendors, boot].map((s) => `<script>${s.code}</script>`).join('\n');
  return { html: `<script type="application/json" id="ss-charts">${specs}</script>\n${html}`, hashes: [...vendors, boot].map((s) => s.hash) };
}

/**
 * Untrusted: only our own scripts (by hash) run; 'unsafe-eval' because vega compiles expressions with Function.
 * Trusted: the notebook's own inline scripts may run too. Either way nothing is fetched: no connect, no external
 * images, fonts, frames or styles.
 */
function contentSecurityPolicy(trusted: boolean, hashes: string[]): string {
  const scripts = trusted ? "'unsafe-inline' 'unsafe-eval'" : hashes.length ? `${hashes.join(' ')} 'unsafe-eval'` : "'none'";
  return `default-src 'none'; script-src ${scripts}; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'`;
}

/**
 * Build the report and say what it holds. `nb` is a parsed notebook object or its JSON text; it is not modified.
 */
export function buildReport(nb: unknown, opts: ReportOptions = {}): ReportResult {
  const resolved = resolveOptions(opts);
  const notebook = readNotebook(nb, 'notebook');
  const template = loadTemplate(resolved.template);
  const names = template.conf.preprocessors ?? DEFAULT_PREPROCESSORS;
  // Untrusted content must never reach the page unsanitised, whatever a custom template lists.
  if (!resolved.trusted && !names.includes('sanitize')) throw fail('TEMPLATE_INVALID', { dir: template.chain[0]!, case: 'no-sanitize' });
  const ctx = createContext(notebook, resolved);
  for (const name of names) getPreprocessor(name).run(ctx);

  const priority = template.conf.mimePriority ?? DEFAULT_MIME_PRIORITY;
  const cells = ctx.cells.map((c) => renderCell(c, ctx, priority)).filter((s) => s !== '').join('\n');
  const charts = [...ctx.charts.values()].filter((c): c is ChartEntry => 'id' in c);
  const scripts = buildScripts(charts, template);
  const firstH1 = ctx.headings.find((h) => h.level === 1);
  const version = packageVersion(packageRoot());
  const html = fillTemplate(template.html, {
    csp: escapeHtml(contentSecurityPolicy(resolved.trusted, scripts.hashes)),
    title: escapeHtml(ctx.title),
    // The first H1 already heads the page when it gave the title; do not print it twice.
    header: firstH1 && firstH1.text === ctx.title ? '' : `<header class="ss-header"><h1 id="report-title">${escapeHtml(ctx.title)}</h1></header>`,
    style: template.css.replace(/<\/(style)/gi, '<\\/$1'),
    toc: renderToc(ctx),
    cells,
    run_metadata: renderRunMetadataSection(ctx.runMeta, notebook),
    scripts: scripts.html,
    generator: escapeHtml(`semslice ${version ?? ''} report (template ${template.name})`.replace(/ {2,}/g, ' ')),
    trust: resolved.trusted ? 'trusted' : 'untrusted',
  });
  return { html, charts: charts.length, warnings: ctx.warnings };
}

/** The report HTML for a notebook (see buildReport for counts and warnings). */
export function renderReport(nb: unknown, opts: ReportOptions = {}): string {
  return buildReport(nb, opts).html;
}

export { cspHash };
