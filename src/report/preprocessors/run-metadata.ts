/**
 * Collect run metadata: notebook.metadata.semslice first, then every application/vnd.semslice.run+json output in
 * cell order (later keys win), so a notebook that records its run twice shows the final state.
 */
import { RUN_MIME, jsonValue } from '../mime-types.js';
import type { DataOutput } from '../types.js';
import type { Preprocessor } from './registry.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const runMetadata: Preprocessor = {
  name: 'run-metadata',
  description: 'merge metadata.semslice and application/vnd.semslice.run+json outputs',
  run(ctx) {
    let meta: Record<string, unknown> | undefined = isRecord(ctx.nb.metadata.semslice) ? { ...ctx.nb.metadata.semslice } : undefined;
    for (const c of ctx.nb.cells) {
      for (const o of c.outputs) {
        if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') continue;
        const v = jsonValue((o as DataOutput).data[RUN_MIME]);
        if (isRecord(v)) meta = { ...(meta ?? {}), ...v };
      }
    }
    ctx.runMeta = meta;
  },
};

export const reportTitle: Preprocessor = {
  name: 'title',
  description: 'title from the options, metadata.title, the first H1, or the fallback',
  run(ctx) {
    const metaTitle = typeof ctx.nb.metadata.title === 'string' && ctx.nb.metadata.title.trim() ? ctx.nb.metadata.title.trim() : undefined;
    const h1 = ctx.headings.find((h) => h.level === 1 && h.text !== '')?.text;
    ctx.title = ctx.opts.title ?? metaTitle ?? h1 ?? ctx.opts.fallbackTitle;
  },
};
