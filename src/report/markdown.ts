/**
 * Markdown to HTML with markdown-it. Headings get anchors (slugs unique per report) and are returned for the table
 * of contents. Untrusted markdown is parsed with raw HTML off and the result is still sanitised (markdown images
 * can point at http URLs; links at javascript:).
 *
 * @example
 * const used = new Set<string>();
 * renderMarkdown('# Results\nText', { trusted: false, usedIds: used }).headings // [{ level: 1, text: 'Results', id: 'results' }]
 */
import MarkdownIt from 'markdown-it';
import { slugify } from './escape.js';
import { sanitizeUntrusted } from './sanitize.js';
import type { MimeBundle } from './types.js';
import { joinText } from './reader.js';

export interface Heading { level: number; text: string; id: string }

export interface MarkdownOptions {
  trusted: boolean;
  /** Ids already used in the document; new heading ids are added to it. */
  usedIds: Set<string>;
  /** Cell attachments, for `![](attachment:name.png)` images. */
  attachments?: Record<string, MimeBundle>;
}

const trustedMd = new MarkdownIt({ html: true, linkify: false, typographer: false });
const untrustedMd = new MarkdownIt({ html: false, linkify: false, typographer: false });

// markdown-it refuses attachment: URLs by default; accept them (they are resolved to data: below) and keep its
// own refusal of javascript:/vbscript:/file: and non-image data: URLs.
for (const md of [trustedMd, untrustedMd]) {
  const validate = md.validateLink.bind(md);
  md.validateLink = (url: string) => /^attachment:/i.test(url.trim()) || validate(url);
}

function attachmentUri(url: string, attachments: Record<string, MimeBundle> | undefined): string | undefined {
  const name = decodeURIComponent(url.replace(/^attachment:/i, ''));
  const bundle = attachments?.[name];
  if (!bundle) return undefined;
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    if (bundle[mime] !== undefined) return `data:${mime};base64,${joinText(bundle[mime]).replace(/\s+/g, '')}`;
  }
  return undefined;
}

/** Render one markdown cell (or text/markdown output). */
export function renderMarkdown(src: string, opts: MarkdownOptions): { html: string; headings: Heading[] } {
  const md = opts.trusted ? trustedMd : untrustedMd;
  const tokens = md.parse(src, {});
  const headings: Heading[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'heading_open') {
      const inline = tokens[i + 1];
      const text = (inline?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline')
        .map((c) => c.content).join('').trim();
      const id = slugify(text, opts.usedIds);
      t.attrSet('id', id);
      headings.push({ level: Number(t.tag.slice(1)), text, id });
    }
    for (const c of t.children ?? []) {
      if (c.type !== 'image') continue;
      const src = String(c.attrGet('src') ?? ''); // typed string | null, or string | number by some markdown-it typings
      if (/^attachment:/i.test(src)) c.attrSet('src', attachmentUri(src, opts.attachments) ?? '');
    }
  }
  const html = md.renderer.render(tokens, md.options, {});
  return { html: opts.trusted ? html : sanitizeUntrusted(html), headings };
}
