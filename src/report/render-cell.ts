/**
 * Render one cell: markdown as rendered HTML; code as an escaped source block (shown, folded into <details> or
 * hidden) followed by its outputs; raw cells as preformatted text. Ids come from the cell index.
 */
import type { ReportCell, ReportContext } from './context.js';
import { escapeHtml } from './escape.js';
import { renderOutputs } from './render-output.js';

function language(ctx: ReportContext): string {
  const li = ctx.nb.metadata.language_info as { name?: unknown } | undefined;
  const ks = ctx.nb.metadata.kernelspec as { language?: unknown } | undefined;
  const name = typeof li?.name === 'string' ? li.name : typeof ks?.language === 'string' ? ks.language : 'text';
  return name.replace(/[^a-z0-9+-]/gi, '');
}

function renderInput(c: ReportCell, ctx: ReportContext): string {
  if (c.input === 'hide') return '';
  const prompt = typeof c.cell.execution_count === 'number' ? `<span class="ss-prompt">[${c.cell.execution_count}]</span>` : '';
  const code = `<pre class="ss-source"><code class="language-${language(ctx)}">${escapeHtml(c.cell.source)}</code></pre>`;
  if (c.input === 'fold') return `<details class="ss-input"><summary>Code${prompt ? ` ${prompt}` : ''}</summary>${code}</details>`;
  return `<div class="ss-input">${prompt}${code}</div>`;
}

export function renderCell(c: ReportCell, ctx: ReportContext, priority: readonly string[]): string {
  const id = `cell-${c.index}`;
  if (c.cell.cell_type === 'markdown') return `<section class="ss-cell ss-markdown" id="${id}">${c.markdownHtml ?? ''}</section>`;
  if (c.cell.cell_type === 'code') {
    const outputs = c.showOutputs ? renderOutputs(c.cell.outputs, ctx, c.index, priority) : '';
    if (c.input === 'hide' && outputs === '') return '';
    return `<section class="ss-cell ss-code" id="${id}">${renderInput(c, ctx)}${outputs ? `<div class="ss-outputs">${outputs}</div>` : ''}</section>`;
  }
  return `<section class="ss-cell ss-raw" id="${id}"><pre>${escapeHtml(c.cell.source)}</pre></section>`;
}
