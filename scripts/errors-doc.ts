/**
 * Writes docs/errors.md from the error catalogue (src/engine/error-catalogue.ts).
 * Run: npx tsx scripts/errors-doc.ts   (test/architecture/errors.test.ts fails when the file is out of date)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE } from '../src/engine/error-catalogue.js';

/** The markdown of docs/errors.md. */
export function errorsMarkdown(): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = Object.entries(ERROR_CATALOGUE).map(([code, e]) => `| \`${code}\` | ${esc(e.message)} | ${esc(e.hint)} |`);
  return [
    '# Errors',
    '',
    'Every error semslice raises on bad input is a `SemsliceError` with a stable `code`, a message naming the value at',
    'fault and a hint saying how to fix it. At the command line it prints as `error: MESSAGE` and `hint: HINT` and the',
    'command exits with code 2 (3 when a retention contract is broken after the outputs were written). In a notebook',
    'the same two lines show without a stack trace. Catch by code in code:',
    '',
    '```ts',
    'try { await ss.slice(model, data, { theta: 1.5 }); }',
    "catch (e) { if (ss.isSemsliceError(e) && e.code === 'BAD_THETA') { /* ... */ } }",
    '```',
    '',
    'Messages below show `…` where the real message names the value at fault; the real hint can be more specific.',
    'This file is generated from `src/engine/error-catalogue.ts` by `npx tsx scripts/errors-doc.ts`.',
    '',
    '| code | message | usual fix |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsMarkdown());
  console.log(`docs/errors.md: ${Object.keys(ERROR_CATALOGUE).length} codes`);
}
