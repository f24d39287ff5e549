/**
 * Render markdown cells (sanitised unless trusted), give headings anchors, and build the table of contents.
 */
import { renderMarkdown } from '../markdown.js';
import type { Preprocessor } from './registry.js';

export const markdownCells: Preprocessor = {
  name: 'markdown',
  description: 'render markdown cells with heading anchors; untrusted markdown is sanitised',
  run(ctx) {
    for (const c of ctx.cells) {
      if (c.cell.cell_type !== 'markdown') continue;
      const r = renderMarkdown(c.cell.source, { trusted: ctx.opts.trusted, usedIds: ctx.usedIds, attachments: c.cell.attachments });
      c.markdownHtml = r.html;
      ctx.headings.push(...r.headings);
    }
  },
};

export const tableOfContents: Preprocessor = {
  name: 'toc',
  description: 'table of contents from markdown headings, levels 1-3',
  run(ctx) {
    ctx.toc = ctx.headings.filter((h) => h.level <= 3 && h.text !== '');
  },
};
