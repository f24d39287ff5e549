/**
 * Every error goes through the message module (src/engine/messages): throw sites call fail() with a literal code and
 * values, never text; every entry is thrown somewhere; docs/errors.md is generated from the entries; hints at the CLI
 * never show the API's option syntax.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MESSAGES } from '../../src/engine/messages/index.js';
import { errorsMarkdown, renderedExamples } from '../../scripts/errors-doc.js';
import { codeOf, ROOT, SRC, tsFiles } from './source-files.js';

/** Where a SemsliceError may be constructed directly: fail() itself, and the revival of a worker's error (its code and words cross over). */
const CONSTRUCTS = new Set(['src/engine/messages/index.ts', 'src/engine/slicing/profile/workers/profile-pool.ts', 'src/engine/train/parallel/data-parallel.ts']);
/** Where fail() may take a computed code: the registry's derived codes (typed by RegistryPrefix). */
const COMPUTED = new Set(['src/engine/registry.ts']);

/** Codes a source text throws: literal codes of fail / unknownNameError, a registry's codes and code overrides. */
export function thrownCodes(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(/\b(?:fail|unknownNameError)\(\s*'([A-Z][A-Z0-9_]*)'/g)) out.add(m[1]!);
  for (const m of code.matchAll(/\b(?:unknown|duplicate|badName):\s*'([A-Z][A-Z0-9_]*)'/g)) out.add(m[1]!);
  for (const m of code.matchAll(/codePrefix:\s*'([A-Z][A-Z0-9_]*)'/g)) {
    if (!/\bunknown:\s*'/.test(code)) out.add(`UNKNOWN_${m[1]}`);
    if (!/\bduplicate:\s*'/.test(code)) out.add(`DUPLICATE_${m[1]}`);
    if (!/\bbadName:\s*'/.test(code)) out.add(`BAD_${m[1]}_NAME`);
  }
  return [...out];
}

/** The string literals of a source text ('...', "...", `...` with its ${} parts dropped), in order. */
function stringLiterals(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const q = text[i]!;
    if (q !== "'" && q !== '"' && q !== '`') continue;
    let s = '';
    let depth = 0;
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') { s += text[++i] ?? ''; continue; }
      if (q === '`' && c === '$' && text[i + 1] === '{') { depth++; i++; continue; }
      if (depth > 0) { if (c === '}') depth--; continue; }
      if (c === q) break;
      s += c;
    }
    out.push(s);
  }
  return out;
}

/**
 * Argument text without what may be worded at a throw site: regular expressions (not strings) and an `expected:`
 * value (the range or form an option takes, e.g. 'a list of distinct class numbers', named like a value).
 */
function withoutAllowed(args: string): string {
  return args
    .replace(/(?<=[(,=:!&|?]\s*)\/(?:\\.|\[(?:\\.|[^\]])*\]|[^/\\\n])+\/[gimsuy]*/g, 'RE')
    .replace(/\bexpected:\s*(['"`])(?:\\.|\$\{[^}]*\}|(?!\1).)*\1/g, 'expected: X');
}

/** The argument text of each `fail('CODE', ...)` call (balanced parentheses). */
function failCalls(code: string): Array<{ code: string; args: string }> {
  const out: Array<{ code: string; args: string }> = [];
  for (const m of code.matchAll(/\bfail\(\s*'([A-Z][A-Z0-9_]*)'/g)) {
    let depth = 1;
    let i = m.index! + m[0].length;
    const start = i;
    let quote: string | undefined;
    for (; i < code.length && depth > 0; i++) {
      const c = code[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"' || c === '`') quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    out.push({ code: m[1]!, args: code.slice(start, i - 1) });
  }
  return out;
}

describe('architecture: errors go through the message module', () => {
  const files = tsFiles(SRC).filter((f) => !f.startsWith('src/engine/messages/'));
  const sources = new Map(files.map((f) => [f, codeOf(f)] as const));
  const thrown = new Map<string, string>();
  for (const [f, c] of sources) for (const code of thrownCodes(c)) if (!thrown.has(code)) thrown.set(code, f);

  it('no SemsliceError is built outside fail() (and worker revival)', () => {
    const direct = [...sources].filter(([f, c]) => !CONSTRUCTS.has(f) && /new\s+SemsliceError\s*\(/.test(c)).map(([f]) => f);
    assert.deepEqual(direct, [], 'throw fail(CODE, params) instead (src/engine/messages/index.ts)');
  });

  it('fail() is called with a literal code', () => {
    const computed = [...sources].filter(([f, c]) => !COMPUTED.has(f) && /(?<![.\w])fail\(\s*[^'\s)]/.test(c)).map(([f]) => f);
    assert.deepEqual(computed, []);
  });

  it('throw sites pass values, not sentences', () => {
    // A string literal of five or more words in fail()'s parameters is message text that belongs in the entry.
    const prose = [...sources].flatMap(([f, c]) => failCalls(c)
      .filter(({ args }) => stringLiterals(withoutAllowed(args)).some((s) => s.trim().split(/\s+/).length >= 5))
      .map(({ code, args }) => `${f}: fail('${code}'${args.trim().slice(0, 80)})`));
    assert.deepEqual(prose, []);
  });

  it('every code thrown is an entry (registries derive theirs from their prefix)', () => {
    const missing = [...thrown].filter(([c]) => !(c in MESSAGES)).map(([c, f]) => `${c} (${f})`);
    assert.deepEqual(missing, [], 'add these to src/engine/messages');
  });

  it('every entry is thrown somewhere (no stale entries)', () => {
    const stale = Object.keys(MESSAGES).filter((c) => !thrown.has(c));
    assert.deepEqual(stale, [], 'remove these from src/engine/messages, or throw them');
  });

  it('every example renders a message and a hint; at the CLI no hint shows API option syntax', () => {
    for (const [code, message, hint, cli] of renderedExamples()) {
      assert.ok(message.length > 5 && hint.length > 5, code);
      assert.doesNotMatch(message + hint, /undefined|\[object Object\]/, code);
      assert.doesNotMatch(cli, /\{ ?[a-z]\w*: /, `${code}: ${cli}`);
    }
  });

  it('docs/errors.md is generated from the entries (npx tsx scripts/errors-doc.ts)', () => {
    assert.equal(readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8'), errorsMarkdown());
  });

  it('the scans find literal, registry and override codes, and prose at a throw site', () => {
    assert.deepEqual(thrownCodes(`throw fail('NO_SITES', { model: m.name });`), ['NO_SITES']);
    assert.deepEqual(thrownCodes(`new Registry({ kind: 'chart', codePrefix: 'CHART' })`).sort(), ['BAD_CHART_NAME', 'DUPLICATE_CHART', 'UNKNOWN_CHART']);
    assert.deepEqual(thrownCodes(`codes: { unknown: 'UNKNOWN_METHOD' }`), ['UNKNOWN_METHOD']);
    assert.deepEqual(failCalls(`throw fail('BAD_K', { k, where: f(x) });`), [{ code: 'BAD_K', args: ', { k, where: f(x) }' }]);
    assert.equal(withoutAllowed("{ case: /^[a-z]=[\"']/.test(w) ? 'a' : 'b', expected: `at least ${n} of the pixels here`, k: 'x' }"), "{ case: RE.test(w) ? 'a' : 'b', expected: X, k: 'x' }");
    assert.deepEqual(stringLiterals("{ a: 'x y', b: `in ${w} the model is too small`, c: \"q\" }"), ['x y', 'in  the model is too small', 'q']);
  });
});
