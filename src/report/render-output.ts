/**
 * Render one cell's outputs: streams (consecutive ones of the same name merged; stderr styled as a warning),
 * errors (ANSI codes stripped), and MIME bundles by priority, with a visible placeholder when nothing is renderable.
 */
import { outputKey, type ReportContext } from './context.js';
import { applyCarriageReturns, escapeHtml, stripAnsi } from './escape.js';
import { getMimeRenderer } from './mime-renderers.js';
import type { DataOutput, ErrorOutput, Output, StreamOutput } from './types.js';

function renderStream(name: string, text: string): string {
  const cls = name === 'stderr' ? 'ss-stream ss-stderr' : 'ss-stream ss-stdout';
  return `<pre class="${cls}">${escapeHtml(applyCarriageReturns(stripAnsi(text)))}</pre>`;
}

function renderError(o: ErrorOutput): string {
  const head = `${o.ename}: ${o.evalue}`;
  const trace = stripAnsi(o.traceback.join('\n'));
  // IPython-style tracebacks already end with "ename: evalue"; others (or none) get it as the first line.
  const body = trace.includes(o.ename) && trace.includes(o.evalue) ? trace : trace ? `${head}\n${trace}` : head;
  return `<div class="ss-error" role="alert"><pre>${escapeHtml(body)}</pre></div>`;
}

function placeholder(text: string): string {
  return `<div class="ss-placeholder">${escapeHtml(text)}</div>`;
}

function renderData(o: DataOutput, ctx: ReportContext, cellIndex: number, outputIndex: number, priority: readonly string[]): string {
  const env = { ctx, cellIndex, outputIndex, bundle: o.data, metadata: (o.metadata ?? {}) as Record<string, unknown> };
  for (const mime of priority) {
    if (o.data[mime] === undefined) continue;
    const html = getMimeRenderer(mime)?.(o.data[mime], env);
    if (html !== undefined) return html;
  }
  const mimes = Object.keys(o.data);
  if (mimes.length === 0) return '';
  ctx.warnings.push(`cell ${cellIndex}: output ${outputIndex} has no renderable MIME type (${mimes.join(', ')})`);
  return placeholder(`Output of type ${mimes.join(', ')} cannot be shown in this report.`);
}

/** All outputs of a code cell, as HTML. */
export function renderOutputs(outputs: Output[], ctx: ReportContext, cellIndex: number, priority: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    if (o.output_type === 'stream') {
      const s = o as StreamOutput;
      let text = s.text;
      while (outputs[i + 1]?.output_type === 'stream' && (outputs[i + 1] as StreamOutput).name === s.name) {
        text += (outputs[++i] as StreamOutput).text;
      }
      parts.push(renderStream(s.name, text));
    } else if (o.output_type === 'error') {
      parts.push(renderError(o as ErrorOutput));
    } else if (o.output_type === 'display_data' || o.output_type === 'execute_result') {
      parts.push(renderData(o as DataOutput, ctx, cellIndex, i, priority));
    } else {
      ctx.warnings.push(`cell ${cellIndex}: unknown output type "${o.output_type}"`);
      parts.push(placeholder(`Unknown output type "${o.output_type}".`));
    }
  }
  return parts.join('\n');
}

export { outputKey };
