/**
 * Escaping helpers. Everything that goes into the report from a notebook passes through one of these, so the
 * rules live in one place.
 *
 * @example
 * escapeHtml('<b>&') // '&lt;b&gt;&amp;'
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<` becomes `\u003c` so neither `</script` nor `<!--` can
 * appear (both would end or corrupt the script element); U+2028/2029 are escaped for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Make inlined JavaScript safe inside `<script>`: `</script` and `<!--` (which switch the HTML tokenizer's script
 * states) get a backslash that JS string and regex literals ignore. The vega builds contain neither today; this keeps
 * a future build from breaking the page.
 */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links) as terminals and kernels emit them.
const ANSI_RE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Remove ANSI escape codes (tracebacks and coloured logs). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, '');
}

/**
 * Apply carriage returns the way a terminal shows them: per line only the text after the last `\r` survives
 * (progress bars written with `\r` keep their final state).
 */
export function applyCarriageReturns(s: string): string {
  if (!s.includes('\r')) return s;
  return s.replace(/\r\n/g, '\n').split('\n').map((line) => {
    const i = line.lastIndexOf('\r');
    return i < 0 ? line : line.slice(i + 1);
  }).join('\n');
}

/** Turn heading text into an anchor slug; `used` makes it unique within one document. */
export function slugify(text: string, used: Set<string>): string {
  const base = text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'section';
  let slug = base;
  for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
  used.add(slug);
  return slug;
}
