/**
 * Words that read differently at each end: a hint names an API option (`{ learningRate: 1e-3 }`) in a notebook and a
 * flag (`--lr 1e-3`) at the command line. Messages are written once, as {@link Text}: plain strings with {@link Term}s
 * in them; the API renders terms as option syntax, the CLI with its option -> flag table (src/cli/errors.ts).
 * No dependencies: report and viz code use it without tfjs.
 *
 * @example
 * const hint = say`Pass e.g. ${opt('learningRate', 1e-3)}.`;
 * renderText(hint, API_RENDERER); // 'Pass e.g. { learningRate: 0.001 }.'
 */

/**
 * One API option, optionally with a value. A dotted name is a nested option: 'fineTune.steps' with 100 reads
 * `{ fineTune: { steps: 100 } }` in the API and as the last part's flag at the CLI (`--steps 100`). `words` is how to say it where the running command has no flag for it
 * (e.g. onlyCorrect: false in a command that always profiles every sample).
 */
export interface OptionTerm {
  readonly kind: 'option';
  readonly option: string;
  /** The value to show; absent: the option alone (e.g. "another outDir"). */
  readonly value?: unknown;
  readonly words?: string;
}

/** A phrase with one wording for the API and another for the CLI (a function call vs a command). */
export interface AltTerm {
  readonly kind: 'alt';
  readonly api: string;
  readonly cli: string;
}

export type Term = OptionTerm | AltTerm;

/** Message or hint text: a string, or strings and terms in reading order. JSON-serialisable (worker errors). */
export type Text = string | readonly (string | Term)[];

/** How terms read at one end. */
export interface TermRenderer {
  option(term: OptionTerm): string;
  alt(term: AltTerm): string;
}

/**
 * An option term.
 *
 * @example
 * say`use ${opt('force', true)} to replace it` // API: "use { force: true } to replace it"; CLI: "use --force to replace it"
 */
export function opt(option: string, value?: unknown, words?: string): OptionTerm {
  return { kind: 'option', option, ...(value !== undefined ? { value } : {}), ...(words !== undefined ? { words } : {}) };
}

/**
 * A phrase worded differently for the API and the CLI.
 *
 * @example
 * alt('slice(model, data) and slice.save(file)', 'semslice slice --model DIR --out slice.json')
 */
export function alt(api: string, cli: string): AltTerm {
  return { kind: 'alt', api, cli };
}

function isTerm(v: unknown): v is Term {
  return typeof v === 'object' && v !== null && ((v as Term).kind === 'option' || (v as Term).kind === 'alt');
}

/**
 * Tagged template for {@link Text}: terms stay terms, every other value is interpolated as a string.
 *
 * @example
 * say`eps must be in (0, 1], got ${eps}. Pass e.g. ${opt('eps', 0.3)}.`
 */
export function say(strings: TemplateStringsArray, ...values: unknown[]): Text {
  const parts: (string | Term)[] = [];
  let pending = strings[0] ?? '';
  values.forEach((v, i) => {
    if (isTerm(v)) {
      if (pending) parts.push(pending);
      parts.push(v);
      pending = '';
    } else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || isTerm(x))) {
      // A nested Text.
      for (const x of v as (string | Term)[]) {
        if (typeof x === 'string') pending += x;
        else { if (pending) parts.push(pending); parts.push(x); pending = ''; }
      }
    } else {
      pending += String(v);
    }
    pending += strings[i + 1] ?? '';
  });
  if (pending) parts.push(pending);
  return parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : parts;
}

/** Text as one string, terms rendered by `renderer`. */
export function renderText(text: Text, renderer: TermRenderer): string {
  if (typeof text === 'string') return text;
  return text.map((p) => (typeof p === 'string' ? p : p.kind === 'option' ? renderer.option(p) : renderer.alt(p))).join('');
}

/** A value as it is written in TypeScript: strings quoted, arrays and objects as literals. */
export function literal(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).map(([k, x]) => `${k}: ${literal(x)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(v);
}

/** The API's wording: `{ option: value }` (nested for a dotted name), or without a value the term's words (else the option's name). */
export const API_RENDERER: TermRenderer = {
  option: (t) => {
    if (t.value === undefined) return t.words ?? t.option;
    const [head, ...rest] = t.option.split('.');
    return `{ ${head}: ${literal(rest.reduceRight<unknown>((v, k) => ({ [k]: v }), t.value))} }`;
  },
  alt: (t) => t.api,
};
