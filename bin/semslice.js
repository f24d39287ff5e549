#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm run build`, also run on `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('error: semslice is not built (dist/cli/main.js is missing)\n  hint: run `npm run build` in the semslice folder');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
