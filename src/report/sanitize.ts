/**
 * The allowlist for HTML and SVG from untrusted notebooks: tables, basic formatting, images from data: URLs, and the
 * SVG elements and attributes vega's SVG renderer produces. No scripts, no event handlers, no javascript: URLs, no
 * frames/objects/embeds, no network loads (external images become plain, unloaded links), no style that loads url().
 *
 * @example
 * sanitizeUntrusted('<img src=x onerror=alert(1)><b>ok</b>') // '<b>ok</b>' (the src "x" is not a data: URL)
 */
import sanitizeHtml from 'sanitize-html';

const HTML_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'div', 'dl', 'dt',
  'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol',
  'p', 'pre', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'u', 'ul', 'var',
];

// The parser keeps tag case but lower-cases attribute names (the browser's HTML parser restores SVG's camelCase
// attributes, e.g. viewBox, on insertion), so camelCase tags are listed in both spellings.
const SVG_TAGS = [
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc',
  'defs', 'clipPath', 'clippath', 'linearGradient', 'lineargradient', 'radialGradient', 'radialgradient', 'stop',
  'pattern', 'mask', 'marker', 'symbol', 'image',
];

const SVG_ATTRS = [
  'class', 'id', 'role', 'aria-*', 'transform', 'd', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry',
  'dx', 'dy', 'width', 'height', 'viewbox', 'points', 'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width',
  'stroke-opacity', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit',
  'opacity', 'font-family', 'font-size', 'font-style', 'font-weight', 'text-anchor', 'dominant-baseline',
  'alignment-baseline', 'clip-path', 'clippathunits', 'mask', 'pointer-events', 'shape-rendering', 'text-rendering',
  'offset', 'stop-color', 'stop-opacity', 'gradientunits', 'gradienttransform', 'patternunits', 'preserveaspectratio',
  'xmlns', 'xmlns:xlink', 'version', 'style', 'href', 'xlink:href', 'marker-start', 'marker-end', 'marker-mid',
  'fx', 'fy', 'spreadmethod', 'visibility', 'display', 'paint-order', 'vector-effect', 'tabindex', 'focusable',
];

const HTML_ATTRS: sanitizeHtml.IOptions['allowedAttributes'] = {
  '*': ['class', 'id', 'title', 'style', 'align', 'lang', 'dir', 'role', 'aria-*'],
  a: ['href'],
  img: ['src', 'alt', 'width', 'height'],
  table: ['border'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  col: ['span'],
  ol: ['start', 'type'],
  details: ['open'],
};

/** A style or presentation value that would load a resource (url() other than a same-document #fragment). */
function loadsUrl(value: string): boolean {
  const v = value.toLowerCase().replace(/\\/g, '');
  if (v.includes('expression(') || v.includes('@import') || v.includes('image-set(')) return true;
  const urls = [...v.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)];
  return urls.some((m) => !m[2]!.startsWith('#')) || (/url\(/.test(v) && urls.length === 0);
}

/** Ids the report itself uses: notebook content must not claim them (DOM clobbering of the chart bootstrap). */
const RESERVED_ID = /^(ss-|cell-\d|chart-\d|toc$|run-metadata$|report-title$)/;

function cleanAttribs(attribs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attribs)) {
    if (/^on/i.test(k)) continue;
    if (k === 'id' && RESERVED_ID.test(v)) continue;
    if ((k === 'style' || k === 'fill' || k === 'stroke' || k === 'clip-path' || k === 'mask' || k.startsWith('marker'))
      && loadsUrl(v)) continue;
    out[k] = v;
  }
  return out;
}

function isDataImage(src: string | undefined): boolean {
  return !!src && /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$/i.test(src.trim());
}

// The parser keeps tag case (lowerCaseTags: false, so SVG's clipPath survives on every sanitize-html 2.x); HTML
// tag names are lower-cased here. A capitalised <IMG>/<IMAGE> keeps only an inline data image (the link that
// replaces a lower-case one cannot be emitted from this wildcard transform: its text and end tag would be lost).
const CASED_SVG_TAGS = new Set(['clipPath', 'linearGradient', 'radialGradient']);
function normaliseTag(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const name = CASED_SVG_TAGS.has(tagName) ? tagName : tagName.toLowerCase();
  const a = cleanAttribs(attribs);
  if (name !== tagName && (name === 'img' || name === 'image')) {
    for (const k of ['src', 'href', 'xlink:href']) if (a[k] !== undefined && !isDataImage(a[k])) delete a[k];
  }
  return { tagName: name, attribs: a };
}

const ownTransforms: Record<string, (tagName: string, attribs: sanitizeHtml.Attributes) => sanitizeHtml.Tag> = {
  // External images must not load: show them as a link the reader can choose to follow.
  img: (tagName, attribs) => {
    const a = cleanAttribs(attribs);
    if (isDataImage(a.src)) return { tagName, attribs: a };
    const src = a.src ?? '';
    const link: Record<string, string> = /^https?:\/\//i.test(src) ? { href: src, class: 'ss-blocked-image' } : { class: 'ss-blocked-image' };
    return { tagName: 'a', attribs: link,
      text: `[external image not loaded: ${a.alt || src || 'no src'}]` };
  },
  // An SVG <image> may only show inline data, and <a>/<use> may only point inside the document or to http(s).
  image: (tagName, attribs) => {
    const a = cleanAttribs(attribs);
    for (const k of ['href', 'xlink:href']) if (a[k] !== undefined && !isDataImage(a[k])) delete a[k];
    return { tagName, attribs: a };
  },
};

const transformTags: sanitizeHtml.IOptions['transformTags'] = { '*': normaliseTag, ...ownTransforms };

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...HTML_TAGS, ...SVG_TAGS],
  allowedAttributes: { ...HTML_ATTRS, ...Object.fromEntries(SVG_TAGS.map((t) => [t, SVG_ATTRS])) },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'], image: ['data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'xlink:href', 'action', 'formaction', 'data'],
  allowProtocolRelative: false,
  // Keep the text of removed elements (e.g. a <font>), but never of script/style/textarea-like ones.
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'xmp', 'noembed', 'noframes'],
  parseStyleAttributes: false,
  parser: { recognizeSelfClosing: true, lowerCaseTags: false },
  transformTags,
};

/** Sanitise HTML or SVG markup from an untrusted notebook. Deterministic: same input, same output. */
export function sanitizeUntrusted(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
