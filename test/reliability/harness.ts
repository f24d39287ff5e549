/**
 * The reliability harness: a bad input goes through the CLI (in-process) or the API, and the answer must be one clear
 * message in the caller's terms, exit code 2 (or a SemsliceError with code and hint), no stack trace, and not one
 * file created, changed or deleted in the working folder (checksums of every file, folder, mode and symbolic link
 * before and after).
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isSemsliceError } from '../../src/engine/errors.js';
import { runCli } from '../cli/run-cli.js';

/** path -> "mode sha256" for every file and folder under dir (folders: mode only; links: where they point). */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = await lstat(p);
      if (st.isSymbolicLink()) {
        out.set(p, `link -> ${await readlink(p)}`);
      } else if (e.isDirectory()) {
        out.set(`${p}/`, (st.mode & 0o7777).toString(8));
        await walk(p);
      } else {
        out.set(p, `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(await readFile(p)).digest('hex')}`);
      }
    }
  }
  await walk(dir);
  return out;
}

export function assertSameTree(before: Map<string, string>, after: Map<string, string>, what: string): void {
  const diff: string[] = [];
  for (const [p, v] of before) if (after.get(p) !== v) diff.push(after.has(p) ? `changed ${p}` : `deleted ${p}`);
  for (const p of after.keys()) if (!before.has(p)) diff.push(`created ${p}`);
  assert.deepEqual(diff, [], `${what}: the working folder must be untouched`);
}

const STACK = /\n\s+at .+[:(]\d+:\d+/;
/** API syntax that must not appear in a CLI message: an options object, `{ dir }`, `someOption: true`, option names. */
export const API_SYNTAX = /\{ ?[a-zA-Z]+: |\{ ?[a-zA-Z]+ ?\}|\b[a-z]+[A-Z]\w*: (true|false|\d)|onlyCorrect|learningRate|maxPerClass|force: true/;

export interface CliCase {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** The message must name the problem... */
  problem: RegExp;
  /** ...and the fix, in CLI terms (a flag, a value to use, a command). */
  fix: RegExp;
}

export async function expectCliRefusal(c: CliCase, work: string): Promise<void> {
  const before = await snapshot(work);
  const r = await runCli(c.args, c.env);
  const label = `semslice ${c.args.join(' ')}`;
  assert.equal(r.code, 2, `${label}: exit code 2 expected, got ${r.code}\n${r.err}${r.out}`);
  assert.equal((r.err.match(/^error/gm) ?? []).length, 1, `${label}: one error message expected:\n${r.err}`);
  assert.match(r.err, c.problem, `${label}: names the problem:\n${r.err}`);
  assert.match(r.err, c.fix, `${label}: names the fix:\n${r.err}`);
  assert.doesNotMatch(r.err, STACK, `${label}: no stack trace:\n${r.err}`);
  assert.doesNotMatch(r.err, /unexpected, please report/, label);
  assert.doesNotMatch(r.err, API_SYNTAX, `${label}: the fix must be said with flags, not API options:\n${r.err}`);
  assertSameTree(before, await snapshot(work), label);
}

export interface ApiCase {
  name: string;
  run: () => Promise<unknown>;
  code: string;
  problem: RegExp;
  /** The hint, in API terms (options, functions), never a CLI flag. */
  fix: RegExp;
}

export async function expectApiRefusal(c: ApiCase, work: string): Promise<void> {
  const before = await snapshot(work);
  let caught: unknown;
  try {
    await c.run();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `${c.name}: expected a SemsliceError, nothing was thrown`);
  assert.ok(isSemsliceError(caught), `${c.name}: expected a SemsliceError, got ${String((caught as Error)?.stack ?? caught)}`);
  const e = caught as Error & { code: string; hint?: string };
  assert.equal(e.code, c.code, `${c.name}: ${e.message}`);
  assert.match(e.message, c.problem, `${c.name}: names the problem`);
  assert.ok(e.hint && e.hint.length > 5, `${c.name}: has a hint`);
  assert.match(e.hint!, c.fix, `${c.name}: the hint names the fix`);
  assert.doesNotMatch(e.hint!, /(^|\s)--[a-z]/, `${c.name}: an API hint must not name CLI flags: ${e.hint}`);
  assertSameTree(before, await snapshot(work), c.name);
}

/**
 * A command that must succeed: exit 0, and in the working folder only the paths under `changes` created, changed or
 * deleted (every other file byte for byte and mode for mode as it was). Returns the run's output.
 */
export async function expectCliSuccess(args: string[], work: string, changes: string[], env?: Record<string, string>): Promise<{ out: string; err: string }> {
  const before = await snapshot(work);
  const r = await runCli(args, env);
  const label = `semslice ${args.join(' ')}`;
  assert.equal(r.code, 0, `${label}: exit code 0 expected, got ${r.code}\n${r.err}`);
  const under = (p: string) => changes.some((c) => p === c || p === `${c}/` || p.startsWith(`${c}/`));
  const keep = (m: Map<string, string>) => new Map([...m].filter(([p]) => !under(p)));
  assertSameTree(keep(before), keep(await snapshot(work)), `${label} (outside ${changes.join(', ')})`);
  return r;
}

/** The hidden temporary files and folders semslice writes beside an output (they must never be left behind). */
export async function leftovers(dir: string): Promise<string[]> {
  return [...(await snapshot(dir)).keys()].filter((p) => /\/\.[^/]*\.(part|tmp)\/?$|\/\.[^/]*\.run-\d+-\d+\.ipynb$/.test(p));
}
