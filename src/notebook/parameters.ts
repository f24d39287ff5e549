/**
 * Papermill-style parameters for tslab notebooks. The cell tagged `parameters` declares them
 * (`const theta = 0.95; // full run: 0.99`); injection rewrites those declarations in place (a second cell
 * redeclaring them would work in tslab but would make the notebook read twice the same names) and tags the cell
 * `injected-parameters`. Unknown names are rejected with the list of known ones, and a number outside the range its
 * line declares (`const theta = 0.95; // range (0, 1]`) before anything runs.
 */
import { fail, unknownNameError } from '../engine/messages/index.js';
import { cellSource, type Ipynb, type IpynbCell } from './ipynb.js';

export type ParamValue = string | number | boolean;

const DECL = /^(\s*(?:export\s+)?(?:const|let|var)\s+)([A-Za-z_$][\w$]*)(\s*:\s*[^=]+?)?(\s*=\s*)(.+?)(\s*;?\s*(?:\/\/.*)?)$/;

/** A declaration of the parameters cell: its name and the literal it is set to. */
export interface ParamDecl {
  name: string;
  literal: string;
  line: number;
}

/** The cell tagged `parameters`, or undefined. */
export function parametersCell(nb: Ipynb): IpynbCell | undefined {
  return nb.cells.find((c) => c.cell_type === 'code' && Array.isArray(c.metadata?.tags) && c.metadata.tags.includes('parameters'));
}

/** The declared parameters (one declaration per line, as the notebooks write them). */
export function parameterDecls(cell: IpynbCell): ParamDecl[] {
  return cellSource(cell)
    .split('\n')
    .flatMap((text, line) => {
      const m = DECL.exec(text);
      return m ? [{ name: m[2]!, literal: m[5]!, line }] : [];
    });
}

function literalKind(lit: string): 'number' | 'boolean' | 'string' | 'other' {
  if (/^[-+]?(\d[\d_]*\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(lit)) return 'number';
  if (lit === 'true' || lit === 'false') return 'boolean';
  if (/^(["'`]).*\1$/.test(lit)) return 'string';
  return 'other';
}

/**
 * The range a parameters cell declares for a number, by convention in the line's comment: `// range (0, 1]`,
 * `// integer range [1, 60000]`; brackets say closed, parentheses open, an empty bound is unbounded.
 */
export interface ParamRange { min?: number; max?: number; minOpen: boolean; maxOpen: boolean; integer: boolean; text: string }

export function declaredRange(comment: string): ParamRange | undefined {
  const m = /\b(integer\s+)?range\s*([[(])\s*([-+]?[\d.]+(?:e[-+]?\d+)?)?\s*,\s*([-+]?[\d.]+(?:e[-+]?\d+)?)?\s*([\])])/i.exec(comment);
  if (!m) return undefined;
  const r: ParamRange = { minOpen: m[2] === '(', maxOpen: m[5] === ')', integer: Boolean(m[1]), text: `${m[2]}${m[3] ?? ''}, ${m[4] ?? ''}${m[5]}` };
  if (m[3] !== undefined) r.min = Number(m[3]);
  if (m[4] !== undefined) r.max = Number(m[4]);
  return r;
}

function inRange(n: number, r: ParamRange): boolean {
  if (r.integer && !Number.isInteger(n)) return false;
  if (r.min !== undefined && (r.minOpen ? n <= r.min : n < r.min)) return false;
  return !(r.max !== undefined && (r.maxOpen ? n >= r.max : n > r.max));
}

/** The TS literal for a value, coerced to the declared literal's kind (CLI values arrive as strings). */
function toLiteral(name: string, v: ParamValue, declared: string, comment = ''): string {
  const kind = literalKind(declared);
  if (kind === 'number') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw fail('BAD_PARAMETER', { case: 'not-number', name, declared, value: v });
    const r = declaredRange(comment);
    if (r && !inRange(n, r)) {
      throw fail('BAD_PARAMETER', { case: 'range', name, value: n, range: r.text, integer: r.integer === true, declared });
    }
    return String(n);
  }
  if (kind === 'boolean') {
    if (typeof v === 'boolean') return String(v);
    if (v === 'true' || v === 'false') return v;
    throw fail('BAD_PARAMETER', { case: 'not-boolean', name, declared, value: v });
  }
  const text = typeof v === 'string' ? v : String(v);
  const choices = declaredChoices(comment);
  if (choices && !choices.words.includes(text)) {
    const n = text.trim() === '' ? NaN : Number(text);
    const okNumber = choices.range !== undefined && Number.isFinite(n) && inRange(n, choices.range);
    if (!okNumber) {
      const allowed = [...choices.words, ...(choices.range ? [`a number in ${choices.range.text}`] : [])];
      throw fail('BAD_PARAMETER', { case: 'choices', name, value: text, allowed, declared });
    }
  }
  return JSON.stringify(text);
}

/**
 * The values a string parameter may take, by convention in its line's comment: `// one of mnist, fashion-mnist`;
 * a `range (a, b]` among them admits numbers in that range (`// one of auto, range (0, 1]`). Words end at a colon
 * or semicolon.
 */
export function declaredChoices(comment: string): { words: string[]; range?: ParamRange } | undefined {
  const m = /\bone of\s+([^:;]+)/i.exec(comment);
  if (!m) return undefined;
  const range = declaredRange(m[1]!);
  const rest = m[1]!.replace(/\b(integer\s+)?range\s*[[(][^\])]*[\])]/i, '');
  const words = rest.split(/,|\s+or\s+/).map((w) => w.trim().replace(/^["']|["']$/g, '')).filter((w) => w.length > 0 && /^[\w.+-]+$/.test(w));
  return { words, ...(range ? { range } : {}) };
}

/**
 * Return a copy of nb with the given parameters set in its `parameters` cell. Throws on unknown names, on values
 * of the wrong kind, and when the notebook has no parameters cell but parameters were given.
 *
 * @example
 * const run = injectParameters(nb, { theta: 0.9, epochs: '2' });
 */
export function injectParameters(nb: Ipynb, params: Record<string, ParamValue>): Ipynb {
  const copy = structuredClone(nb);
  const names = Object.keys(params);
  if (names.length === 0) return copy;
  const cell = parametersCell(copy);
  if (!cell) {
    throw fail('NO_PARAMETERS_CELL', { params: names });
  }
  const decls = parameterDecls(cell);
  const known = decls.map((d) => d.name);
  const lines = cellSource(cell).split('\n');
  for (const name of names) {
    const d = decls.find((x) => x.name === name);
    if (!d) {
      throw unknownNameError('UNKNOWN_PARAMETER', 'parameter', name, known);
    }
    const m = DECL.exec(lines[d.line]!)!;
    lines[d.line] = `${m[1]}${m[2]}${m[3] ?? ''}${m[4]}${toLiteral(name, params[name]!, d.literal, m[6] ?? '')}${m[6]}`;
  }
  const text = lines.join('\n');
  cell.source = text.split(/(?<=\n)/).filter((l) => l.length > 0);
  const tags = cell.metadata.tags ?? [];
  if (!tags.includes('injected-parameters')) cell.metadata.tags = [...tags, 'injected-parameters'];
  copy.metadata.semslice = { ...(copy.metadata.semslice as object | undefined), parameters: { ...params } };
  return copy;
}

/**
 * Parse CLI `--param name=value` assignments (values stay strings; injectParameters coerces them to the declared
 * kind). A repeated name keeps the last value.
 *
 * @example
 * parseParamAssignments(['theta=0.9', 'datasets=mnist']); // { theta: '0.9', datasets: 'mnist' }
 */
export function parseParamAssignments(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^([A-Za-z_$][\w$]*)=([\s\S]*)$/.exec(item);
    if (!m) throw fail('BAD_PARAMETER', { case: 'malformed', item });
    out[m[1]!] = m[2]!;
  }
  return out;
}
