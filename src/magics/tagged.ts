/**
 * The tagged-template form of magics: valid TypeScript, so it works in any cell, script or test, with or without
 * enableMagics(). Interpolated values are passed as they are (a model object, a dataset), not stringified.
 */

import { fail } from '../engine/messages/index.js';
import { parseArgs, type ArgValue } from './args.js';
import { parseMagicCell } from './cell.js';
import { getMagic, magicLabel, runMagic } from './registry.js';
import { registerBuiltinMagics } from './builtins/register-all.js';

const MARK = '\u0001';

function restore(v: ArgValue, values: unknown[]): ArgValue {
  if (typeof v === 'string' && v.includes(MARK)) {
    const whole = new RegExp(`^${MARK}(\\d+)${MARK}$`).exec(v);
    if (whole) return values[Number(whole[1])] as ArgValue;
    return v.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_, i: string) => String(values[Number(i)]));
  }
  return Array.isArray(v) ? (v.map((x) => restore(x, values)) as ArgValue) : v;
}

/**
 * Run a magic from a template: first word the magic name (a leading % or %% is optional), then key=value
 * arguments; lines after the first are the body. Resolves to the magic's result.
 *
 * @example
 * const s = await magic`slice model=${model} data=mnist theta=0.95 as=s`;
 * await magic`vegalite
 * {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}`;
 */
export async function magic(strings: TemplateStringsArray, ...values: unknown[]): Promise<unknown> {
  registerBuiltinMagics();
  let text = strings[0] ?? '';
  values.forEach((_, i) => (text += `${MARK}${i}${MARK}${strings[i + 1] ?? ''}`));
  text = text.replace(/^\s+/, '');
  const mc = parseMagicCell(/^%/.test(text) ? text : `%%${text}`);
  if (!mc) {
    throw fail('MAGIC_SYNTAX', { line: text.split('\n')[0]! });
  }
  const m = getMagic(mc.name);
  const parsed = parseArgs(mc.args, magicLabel(m), m.args);
  const restored: Record<string, ArgValue> = {};
  for (const [k, v] of Object.entries(parsed)) restored[k] = restore(v, values);
  const body = mc.cell ? mc.body : mc.rest;
  return runMagic(m, restored, restore(body, values) as string, true);
}
