/**
 * Typed errors. Every error semslice throws on bad input is a SemsliceError with a stable `code` (a key of the message
 * module, messages/index.ts), a message naming the value at fault and a hint saying how to fix it; the CLI prints
 * `error: <message>\n  hint: <hint>` with options as flags, and exits 2. Throw sites do not word errors themselves:
 * they call `fail(code, params)` from messages/index.ts.
 *
 * @example
 * throw fail('UNKNOWN_MODEL', { what: 'model', name: 'lenet', choices: listModels() });
 */
// Only types and the dependency-free text module are imported: report code loads this file without tfjs, and the
// message module imports this one.
import type { ErrorCode } from './messages/index.js';
import type { Said } from './messages/entry.js';
import { API_RENDERER, renderText, type TermRenderer } from './messages/text.js';

export type { ErrorCode } from './messages/index.js';

export class SemsliceError extends Error {
  readonly code: ErrorCode;
  /** The hint in the API's terms (options as `{ name: value }`). */
  readonly hint: string;
  /** Message and hint with their terms, for rendering in other terms (the CLI's flags). JSON-serialisable. */
  readonly said: Said;
  /** Built by `fail(code, params)` (messages/index.ts), which words the error from the code's entry. */
  constructor(code: ErrorCode, said: Said) {
    super(renderText(said.message, API_RENDERER));
    this.name = 'SemsliceError';
    this.code = code;
    this.said = said;
    this.hint = renderText(said.hint, API_RENDERER);
  }
  /** Message plus hint, one line each: what a user sees. */
  toDisplayString(renderer: TermRenderer = API_RENDERER): string {
    return `${renderText(this.said.message, renderer)}\n  hint: ${renderText(this.said.hint, renderer)}`;
  }
}

/** True for errors that come from bad input (shown without a stack trace). */
export function isSemsliceError(e: unknown): e is SemsliceError {
  return e instanceof SemsliceError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'SemsliceError');
}

/** Levenshtein-based "did you mean" for unknown names. */
export function didYouMean(name: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
