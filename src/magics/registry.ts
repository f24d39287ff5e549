/**
 * The magic registry. A magic is {name, kind, args schema, run}; `%%name args\nbody` (cell) or `%name args` (line)
 * cells, and the `magic` tagged template, all end in dispatchMagic(), which validates before anything runs.
 */
import { fail, unknownNameError } from '../engine/messages/index.js';
import { Registry } from '../engine/registry.js';
import { parseArgs, validateArgs, type ArgsSchema, type ArgValue } from './args.js';

export interface MagicContext {
  /** Validated arguments, defaults filled in. */
  args: Record<string, ArgValue>;
  /** The cell body after the magic line ('' for line magics). */
  body: string;
  /** Look a variable up by name: notebook variables (tslab), then globals; undefined when absent. */
  lookup(name: string): unknown;
}

export interface MagicSpec {
  name: string;
  /** 'cell' magics take a body (`%%name`, or `%name` with none); 'line' magics take none. */
  kind: 'cell' | 'line';
  description: string;
  args: ArgsSchema;
  /** Does the work and the displaying; what it returns is bound by `as=NAME` (when the magic declares `as`). */
  run(ctx: MagicContext): unknown | Promise<unknown>;
}

const magics = new Registry<MagicSpec>({
  kind: 'magic',
  codePrefix: 'MAGIC',
  namePattern: /^[A-Za-z][\w-]*$/,
});

/**
 * Register a magic. Duplicate names fail unless `{ override: true }`.
 *
 * @example
 * registerMagic({ name: 'hello', kind: 'line', description: 'Greets.', args: { who: { type: 'string', description: 'whom', default: 'world' } },
 *   run: ({ args }) => console.log(`hello ${args.who}`) });
 */
export function registerMagic(spec: MagicSpec, opts: { override?: boolean } = {}): void {
  magics.register(spec, opts);
}

export function getMagic(name: string): MagicSpec {
  if (!magics.has(name)) {
    // Worded for notebooks: names written as %name.
    throw unknownNameError('UNKNOWN_MAGIC', 'magic', `%${name}`, magics.names().sort().map((k) => `%${k}`));
  }
  return magics.get(name);
}

/** How a magic is written: `%%name` (cell) or `%name` (line); used in every message. */
export function magicLabel(m: Pick<MagicSpec, 'name' | 'kind'>): string {
  return `${m.kind === 'cell' ? '%%' : '%'}${m.name}`;
}

/** Registered magics, sorted by name. */
export function listMagics(): MagicSpec[] {
  return magics.list().sort((a, b) => a.name.localeCompare(b.name));
}

/** Notebook variables live in tslab's exports object; globals are the fallback. */
export function lookupVariable(name: string): unknown {
  const g = globalThis as Record<string, unknown> & { __tslab__?: { exports?: Record<string, unknown> } };
  const locals = g.__tslab__?.exports;
  if (locals && name in locals) return locals[name];
  return g[name];
}

/**
 * Parse, validate and run a magic. `cell` is true for `%%name` (body allowed). Throws SemsliceError before running
 * anything on an unknown magic or bad argument.
 *
 * @example
 * await dispatchMagic('vegalite', '', '{"mark":"bar","data":{"values":[]}}', true);
 */
export async function dispatchMagic(name: string, argText: string, body: string, cell: boolean): Promise<unknown> {
  const m = getMagic(name);
  return runMagic(m, parseArgs(argText, magicLabel(m), m.args), body, cell);
}

/** Validate already-parsed values, bind `as=NAME` to a global, and run. */
export async function runMagic(m: MagicSpec, values: Record<string, ArgValue>, body: string, cell: boolean): Promise<unknown> {
  if (m.kind === 'line' && cell && body.trim() !== '') {
    throw fail('MAGIC_KIND', { magic: m.name });
  }
  const args = validateArgs(magicLabel(m), values, m.args);
  const result = await m.run({ args, body, lookup: lookupVariable });
  if (typeof args.as === 'string') (globalThis as Record<string, unknown>)[args.as] = result;
  return result;
}
