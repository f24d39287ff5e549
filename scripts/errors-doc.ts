/**
 * Writes docs/errors.md from the message module (src/engine/messages): every code with its message and hint, worded
 * from the entry's example values, in the API's terms and, where they differ, the CLI's.
 * Run: npx tsx scripts/errors-doc.ts   (test/architecture/errors.test.ts fails when the file is out of date)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MESSAGES, type ErrorCode } from '../src/engine/messages/index.js';
import type { MessageEntry } from '../src/engine/messages/entry.js';
import { API_RENDERER, renderText } from '../src/engine/messages/text.js';
import type { Command } from 'commander';
import { inCliTerms } from '../src/cli/errors.js';
import { buildProgram } from '../src/cli/main.js';

/** Every long flag of every command: a CLI hint names only these (an option no command has is said in words). */
function allFlags(): Set<string> {
  const out = new Set<string>();
  const walk = (c: Command): void => { for (const o of c.options) if (o.long) out.add(o.long); c.commands.forEach(walk); };
  walk(buildProgram());
  return out;
}

/** Every code's examples as rendered text: [code, message, hint in the API's terms, hint at the CLI]. */
export function renderedExamples(): Array<[ErrorCode, string, string, string]> {
  const out: Array<[ErrorCode, string, string, string]> = [];
  const flags = allFlags();
  for (const code of Object.keys(MESSAGES).sort() as ErrorCode[]) {
    const e = MESSAGES[code] as unknown as MessageEntry<object>;
    for (const ex of e.examples) {
      const said = e.say(ex);
      out.push([code, renderText(said.message, API_RENDERER), renderText(said.hint, API_RENDERER), inCliTerms(said.hint, flags)]);
    }
  }
  return out;
}

/** The markdown of docs/errors.md. */
export function errorsMarkdown(): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = renderedExamples().map(([code, message, hint, cli]) =>
    `| \`${code}\` | ${esc(message)} | ${esc(hint)}${cli !== hint ? `<br>CLI: ${esc(cli)}` : ''} |`);
  return [
    '# Errors',
    '',
    'Every error semslice raises on bad input is a `SemsliceError` with a stable `code`, a message naming the value at',
    'fault and a hint saying how to fix it. At the command line it prints as `error: MESSAGE` and `hint: HINT`, with',
    'options said as the command\'s flags, and the command exits with code 2 (3 when a retention contract is broken',
    'after the outputs were written). In a notebook the same two lines show without a stack trace. Catch by code:',
    '',
    '```ts',
    'try { await ss.slice(model, data, { theta: 1.5 }); }',
    "catch (e) { if (ss.isSemsliceError(e) && e.code === 'BAD_THETA') { /* ... */ } }",
    '```',
    '',
    'Each code has one entry in `src/engine/messages/` that words it from the values at fault; the rows below show',
    'it for example values (a code worded differently in several cases has a row per case). This file is generated',
    'by `npx tsx scripts/errors-doc.ts`.',
    '',
    '| code | message (example) | hint (API; CLI where it differs) |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsMarkdown());
  console.log(`docs/errors.md: ${Object.keys(MESSAGES).length} codes`);
}
