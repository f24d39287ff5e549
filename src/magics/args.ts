/**
 * key=value argument parsing for magics: `model=models/lenet5 theta=0.95 label="two words" classes=1,2,3 fast=true`.
 * Quoted values stay strings; unquoted ones become numbers, booleans or comma lists. Validation against a magic's
 * schema names the magic, the argument and the allowed ones, so nothing runs on a typo.
 */
import { didYouMean } from '../engine/errors.js';
import { fail } from '../engine/messages/index.js';

export type ArgScalar = string | number | boolean;
/** A parsed value: scalars, lists, or (tagged template only) any interpolated object. */
export type ArgValue = ArgScalar | ArgScalar[] | object;

/** `scalar`: a number, string or boolean as written (e.g. tau=0.5 or tau=auto). */
export type ArgType = 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'ref' | 'identifier' | 'scalar';

/** One argument of a magic. `ref`: a variable name or value (e.g. a model) or a plain string (e.g. a path). */
export interface ArgSpec {
  type: ArgType;
  description: string;
  default?: ArgValue;
  required?: boolean;
  /** Allowed values of a string; a function is asked at check time (e.g. the metrics registered so far). */
  choices?: readonly string[] | (() => readonly string[]);
}

/** The allowed values of an argument, if it has a closed list. */
export function choicesOf(spec: ArgSpec): readonly string[] | undefined {
  return typeof spec.choices === 'function' ? spec.choices() : spec.choices;
}
export type ArgsSchema = Record<string, ArgSpec>;

interface Token {
  key: string;
  raw: string;
  quoted: boolean;
}

/** Split `a=1 b="x y" c='z'` into tokens; throws on a bare word or an unclosed quote. */
export function tokenize(text: string, magic = 'magic', schema?: ArgsSchema): Token[] {
  const out: Token[] = [];
  const re = /\s*([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']*))(?=\s|$)/y;
  let pos = 0;
  const s = text.trim();
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) {
      const rest = s.slice(pos).trim();
      const word = rest.split(/\s+/)[0] ?? rest;
      const allowed = schema ? Object.keys(schema) : [];
      throw fail('MAGIC_ARGS', { magic, case: /^[A-Za-z_][\w-]*=["']/.test(word) ? 'unclosed-quote' : 'not-key-value', word, allowed });
    }
    const dq = m[2];
    const sq = m[3];
    out.push({ key: m[1]!, raw: dq !== undefined ? dq.replace(/\\(.)/g, '$1') : (sq ?? m[4] ?? ''), quoted: dq !== undefined || sq !== undefined });
    pos = re.lastIndex;
    while (pos < s.length && /\s/.test(s[pos]!)) pos++;
  }
  return out;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** An unquoted value: true/false, a number, a comma list, else the string itself. */
export function parseScalar(raw: string): ArgScalar {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (NUMBER.test(raw)) return Number(raw);
  return raw;
}

/**
 * Parse key=value text into values (no schema check). Duplicate keys are an error.
 *
 * @example
 * parseArgs('theta=0.95 classes=1,2 name="a b"'); // { theta: 0.95, classes: [1, 2], name: 'a b' }
 */
export function parseArgs(text: string, magic = 'magic', schema?: ArgsSchema): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const t of tokenize(text, magic, schema)) {
    if (t.key in out) throw fail('MAGIC_ARGS', { magic, case: 'twice', key: t.key, allowed: schema ? Object.keys(schema) : [] });
    out[t.key] = t.quoted ? t.raw : t.raw.includes(',') ? t.raw.split(',').filter((x) => x !== '').map(parseScalar) : parseScalar(t.raw);
  }
  return out;
}

/** What a value of the wrong type is shown as, and what the argument expects (MAGIC_ARGS, case 'type'). */
function typeMismatch(spec: ArgSpec, v: unknown): { expected: string; got: string } {
  const got = typeof v === 'object' ? Object.prototype.toString.call(v) : JSON.stringify(v);
  const choices = choicesOf(spec);
  const expected = choices ? `one of ${choices.join(', ')}` : `${/^[aeiou]/.test(spec.type) ? 'an' : 'a'} ${spec.type}`;
  return { expected, got };
}

/** Marks a value coerce() cannot take. */
const WRONG_TYPE = Symbol('wrong type');

function coerce(spec: ArgSpec, v: ArgValue): ArgValue | typeof WRONG_TYPE {
  const isObj = typeof v === 'object' && !Array.isArray(v);
  switch (spec.type) {
    case 'ref':
      return Array.isArray(v) ? v.join(',') : v;
    case 'list':
      return Array.isArray(v) ? v : isObj ? v : [v as ArgScalar];
    case 'number':
    case 'integer':
      return typeof v !== 'number' || (spec.type === 'integer' && !Number.isInteger(v)) ? WRONG_TYPE : v;
    case 'boolean':
      return typeof v !== 'boolean' ? WRONG_TYPE : v;
    case 'identifier':
      return typeof v !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(v) ? WRONG_TYPE : v;
    case 'string': {
      if (isObj || Array.isArray(v)) return WRONG_TYPE;
      const s = String(v);
      const choices = choicesOf(spec);
      return choices && !choices.includes(s) ? WRONG_TYPE : s;
    }
    case 'scalar':
      return isObj || Array.isArray(v) ? WRONG_TYPE : v;
  }
}

/**
 * Check parsed values against a schema: unknown keys, types, choices, required ones; fill defaults.
 *
 * @example
 * validateArgs('slice', { theta: 0.9 }, { theta: { type: 'number', description: 'threshold', default: 0.95 } });
 */
export function validateArgs(magic: string, values: Record<string, ArgValue>, schema: ArgsSchema): Record<string, ArgValue> {
  const allowed = Object.keys(schema);
  const out: Record<string, ArgValue> = {};
  for (const [key, v] of Object.entries(values)) {
    const spec = schema[key];
    if (!spec) {
      const guess = didYouMean(key, allowed);
      throw fail('MAGIC_ARGS', { magic, case: 'unknown', key, ...(guess !== undefined ? { guess } : {}), allowed });
    }
    const c = coerce(spec, v);
    if (c === WRONG_TYPE) throw fail('MAGIC_ARGS', { magic, case: 'type', key, description: spec.description, ...typeMismatch(spec, v) });
    out[key] = c;
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (key in out) continue;
    if (spec.required) {
      throw fail('MAGIC_ARGS', { magic, case: 'missing', key, description: spec.description });
    }
    if (spec.default !== undefined) out[key] = spec.default;
  }
  return out;
}
