/** The error catalogue lists every code the sources throw, and docs/errors.md is generated from it. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE } from '../../src/engine/error-catalogue.js';
import { errorsMarkdown } from '../../scripts/errors-doc.js';
import { codeOf, ROOT, SRC, tsFiles } from './source-files.js';

/** Codes a source text throws: literal codes of SemsliceError / unknownNameError, registry code overrides and the
 * three codes of every registry prefix. */
export function thrownCodes(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(/(?:new\s+SemsliceError|unknownNameError)\(\s*'([A-Z][A-Z0-9_]*)'/g)) out.add(m[1]!);
  for (const m of code.matchAll(/\b(?:unknown|duplicate|badName):\s*'([A-Z][A-Z0-9_]*)'/g)) out.add(m[1]!);
  // A registry's derived codes, except those its `codes` option overrides (one registry per file).
  for (const m of code.matchAll(/codePrefix:\s*'([A-Z][A-Z0-9_]*)'/g)) {
    if (!/\bunknown:\s*'/.test(code)) out.add(`UNKNOWN_${m[1]}`);
    if (!/\bduplicate:\s*'/.test(code)) out.add(`DUPLICATE_${m[1]}`);
    if (!/\bbadName:\s*'/.test(code)) out.add(`BAD_${m[1]}_NAME`);
  }
  // Helpers that take a code as their first argument and build the SemsliceError themselves.
  for (const m of code.matchAll(/\b(?:fail|cliError|optionError|errorFor)\(\s*'([A-Z][A-Z0-9_]*)'/g)) out.add(m[1]!);
  return [...out];
}

describe('architecture: error catalogue', () => {
  const files = tsFiles(SRC).filter((f) => f !== 'src/engine/error-catalogue.ts' && f !== 'src/engine/registry.ts');
  const thrown = new Map<string, string>();
  for (const f of files) for (const c of thrownCodes(codeOf(f))) if (!thrown.has(c)) thrown.set(c, f);

  it('every code thrown in src/ is in the catalogue', () => {
    const missing = [...thrown].filter(([c]) => !(c in ERROR_CATALOGUE)).map(([c, f]) => `${c} (${f})`);
    assert.deepEqual(missing, [], 'add these to src/engine/error-catalogue.ts');
  });

  it('every catalogue code is thrown somewhere (no stale entries)', () => {
    const stale = Object.keys(ERROR_CATALOGUE).filter((c) => !thrown.has(c));
    assert.deepEqual(stale, [], 'remove these from src/engine/error-catalogue.ts, or throw them');
  });

  it('every entry has a message and a hint', () => {
    for (const [c, e] of Object.entries(ERROR_CATALOGUE)) {
      assert.ok(e.message.length > 5 && e.hint.length > 5, c);
    }
  });

  it('docs/errors.md is generated from the catalogue (npx tsx scripts/errors-doc.ts)', () => {
    assert.equal(readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8'), errorsMarkdown());
  });

  it('the scan finds literal, registry and override codes', () => {
    assert.deepEqual(thrownCodes(`throw new SemsliceError('NO_SITES', 'x');`), ['NO_SITES']);
    assert.deepEqual(thrownCodes(`new Registry({ kind: 'chart', codePrefix: 'CHART' })`).sort(), ['BAD_CHART_NAME', 'DUPLICATE_CHART', 'UNKNOWN_CHART']);
    assert.deepEqual(thrownCodes(`codes: { unknown: 'UNKNOWN_METHOD' }`), ['UNKNOWN_METHOD']);
  });
});
