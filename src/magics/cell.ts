/**
 * Recognise `%%name args\nbody` and `%name args` cells and rewrite them into plain TypeScript that tslab accepts:
 * a call of the global dispatcher. Two tslab bugs shape the output: `await (` at the start of an
 * operand is not seen as top-level await, so the await operand starts with `Promise`; identifiers starting with `__`
 * break cross-cell exports, so the only `__` name is a property of globalThis, never a declared identifier.
 */
import { parseArgs } from './args.js';

/** The global the rewritten cells call (set by enableMagics()). */
export const DISPATCH_GLOBAL = '__nbmagic__';

export interface MagicCell {
  name: string;
  args: string;
  /** Cell magics: the lines below the magic line. */
  body: string;
  /** Line magics: code below the magic line, run after it as normal TypeScript. */
  rest: string;
  cell: boolean;
}

const HEAD = /^%(%?)([A-Za-z][\w-]*)(?:[ \t]+(.*))?$/;

/**
 * Parse a magic cell, or undefined for normal code (leading blank lines are skipped).
 *
 * @example
 * parseMagicCell('%%vegalite\n{"mark":"bar"}'); // { name: 'vegalite', args: '', body: '{"mark":"bar"}', rest: '', cell: true }
 */
export function parseMagicCell(code: string): MagicCell | undefined {
  const text = code.replace(/^(\s*\n)+/, '');
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).trimEnd();
  const m = HEAD.exec(first);
  if (!m) return undefined;
  const below = nl < 0 ? '' : text.slice(nl + 1);
  const cell = m[1] === '%';
  return { name: m[2]!, args: (m[3] ?? '').trim(), body: cell ? below : '', rest: cell ? '' : below, cell };
}

/** The `as=NAME` target of a magic line, if it parses and is an identifier that does not start with `__`. */
function bindingName(args: string, name: string): string | undefined {
  try {
    const as = parseArgs(args, name).as;
    return typeof as === 'string' && /^[A-Za-z_$][\w$]*$/.test(as) && !as.startsWith('__') ? as : undefined;
  } catch {
    return undefined; // the dispatcher reports the bad arguments with a proper message
  }
}

/**
 * Rewrite a magic cell into TypeScript, or return undefined for normal code.
 *
 * @example
 * rewriteMagicCell('%lsmagic'); // 'await Promise.resolve((globalThis as any).__nbmagic__("lsmagic", "", "", false)).then(() => undefined);'
 */
export function rewriteMagicCell(code: string): string | undefined {
  const mc = parseMagicCell(code);
  if (!mc) return undefined;
  const call = `Promise.resolve((globalThis as any).${DISPATCH_GLOBAL}(${JSON.stringify(mc.name)}, ${JSON.stringify(mc.args)}, ${JSON.stringify(mc.body)}, ${mc.cell}))`;
  const as = bindingName(mc.args, mc.name);
  // The result is bound (typed any so later cells type-check) or discarded: a value left as the cell's last
  // expression would be printed and auto-displayed a second time.
  const stmt = as ? `const ${as}: any = await ${call};` : `await ${call}.then(() => undefined);`;
  return mc.rest.trim() ? `${stmt}\n${mc.rest}` : stmt;
}
