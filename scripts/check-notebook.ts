/**
 * Check executed notebooks (CI helper): prints each problem checkExecutedNotebook finds and exits 1 if any.
 * Usage: npx tsx scripts/check-notebook.ts run.ipynb [more.ipynb ...] [--expect MIME ...]
 * Example: npx tsx scripts/check-notebook.ts out/01.ipynb --expect application/vnd.vegalite.v5+json --expect text/html
 */
import { readFile } from 'node:fs/promises';
import { checkExecutedNotebook } from '../src/notebook/check.js';

const args = process.argv.slice(2);
const files: string[] = [];
const expectMimes: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--expect') expectMimes.push(args[++i] ?? '');
  else files.push(args[i]!);
}
if (files.length === 0) {
  process.stderr.write('usage: check-notebook.ts NOTEBOOK.ipynb [...] [--expect MIME ...]\n');
  process.exit(2);
}
let bad = 0;
for (const f of files) {
  let nb: unknown;
  try {
    nb = JSON.parse(await readFile(f, 'utf8'));
  } catch (e) {
    nb = undefined;
    process.stdout.write(`${f}: cannot read as JSON (${(e as Error).message})\n`);
    bad++;
    continue;
  }
  const problems = checkExecutedNotebook(nb, { expectMimes });
  process.stdout.write(problems.length ? `${f}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}\n`).join('')}` : `${f}: ok\n`);
  if (problems.length) bad++;
}
process.exitCode = bad ? 1 : 0;
