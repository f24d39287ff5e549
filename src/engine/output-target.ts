/**
 * The one output rule, for every command and API call that writes: where an output may go is decided before any
 * long work and before anything is touched.
 *
 * - An existing output is refused unless force; force replaces only what semslice wrote. Semslice's own outputs
 *   carry a marker: a folder its marker file (.semslice-output.json, naming the writer and the entries it wrote; a
 *   study folder its study.json), a file its format (a slice file's "format", a report's generator tag, a notebook's
 *   metadata.semslice.writtenBy). Anything else, or a folder holding anything else, is left as it is.
 * - Symbolic links are resolved before anything is compared or written: an output that is an input (or holds one, or
 *   lies inside one) through a link is refused, and a link is never replaced by a file (the file it points to is).
 * - The location must be writable (probed by creating and removing a hidden temporary file, since permission bits
 *   say nothing for root or for /proc).
 * - A folder output is written whole into a hidden temporary folder beside it and renamed into place, so a reader
 *   (or an interrupted run) never sees half of it. Temporary outputs are registered here: a process interrupted
 *   (Ctrl-C) removes them, and waits for a rename in progress instead of leaving half a replacement.
 *
 * Messages name the output by the option that gives it (`option`: 'out', 'outDir', ...), which the CLI shows as its flag.
 *
 * @example
 * await checkDirTarget('models/lenet5', { force: true });                         // throws OUTPUT_NOT_OURS on thesis.txt
 * await checkFileTarget('slice.json', { force: false, what: 'slice file', option: 'out' });
 * await writeOutputFolder('runs/r1', { writer: 'restructure', force: true }, async (tmp) => { ... });
 */
import { readdirSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readFile, readlink, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { tempPathFor } from './atomic-write.js';
import { fail } from './messages/index.js';

/** The marker semslice writes into every folder it writes: the writer and the entries it wrote there. */
export const OUTPUT_MARKER = '.semslice-output.json';
/** Files of a model folder that semslice writes (and so may replace with force). */
export const MODEL_FILES = ['model.json', 'weights.bin', OUTPUT_MARKER] as const;
/** The files of a study folder (study.json is its marker), with the report bench/study-report.ts writes beside them. */
const STUDY_FILES = ['study.json', 'results.jsonl', 'results.csv', 'timings.csv', 'row-timings.csv', 'report.md'];
/** What restructure, readapt and extend wrote before their folders carried the marker, by the file naming the kind. */
const LEGACY_RESULTS: Record<string, string[]> = {
  'manifest.json': ['model/', 'manifest.json', 'iterations.csv', 'iterations.json', 'epochs.csv'],
  'result.json': ['model/', 'result.json', 'slice-old.json', 'slice-new.json'],
};

/** What semslice wrote at an output location (a folder's writer and entries, or a file's kind). */
export interface Ours {
  /** The command or function that wrote it: model, study, restructure, readapt, extend, ... or a file kind. */
  writer: string;
  /** A folder's entries semslice wrote (sub-folders end in '/'). */
  entries: string[];
}

export interface TargetCheck {
  /** The absolute path the output is written to, symbolic links resolved. */
  path: string;
  /** True when something is there now (an empty folder counts). */
  exists: boolean;
  /** What semslice wrote there, when something of semslice's is there (replaced only with force). */
  ours?: Ours;
}

/** Options every check takes. */
export interface TargetOptions {
  /** Replace an existing output that semslice wrote. Default false. */
  force?: boolean;
  /** The option that names the output ('out', 'outDir', 'dir'), for messages; the CLI shows its flag. Default: "path". */
  option?: string;
  /** Files and folders this run reads: never an output, never inside one that is replaced, never holding one. */
  inputs?: ReadonlyArray<string | undefined>;
  /** What the output is, for messages: "report" (a file), "semslice restructure writes a folder" (a folder). */
  what?: string;
}

type Errno = NodeJS.ErrnoException;

async function statOrUndefined(p: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(p);
  } catch (e) {
    if ((e as Errno).code === 'ENOENT') return undefined;
    if ((e as Errno).code === 'ENOTDIR') return undefined; // a parent is a file: reported by checkWritable
    throw e;
  }
}

/**
 * The path an output really goes to: the real path of what exists (links resolved), else of its nearest existing
 * folder joined with the rest. A link to nothing is refused: writing through it would create a file wherever it
 * points.
 */
export async function realOutputPath(p: string, option?: string): Promise<string> {
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch (e) {
    const code = (e as Errno).code;
    if (code !== 'ENOENT') return abs; // ENOTDIR, EACCES ...: checkWritable says what is wrong
  }
  const link = await lstat(abs).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    throw fail('OUTPUT_NOT_WRITABLE', { path: p, case: 'dangling-link', target: await readlink(abs), option });
  }
  const rest: string[] = [];
  let d = abs;
  while (dirname(d) !== d) {
    rest.unshift(basename(d));
    d = dirname(d);
    try {
      return join(await realpath(d), ...rest);
    } catch {
      // keep climbing
    }
  }
  return abs;
}

/** The real path of an input (as given when it does not exist: a missing input is its reader's error). */
async function realInput(p: string): Promise<string> {
  try {
    return await realpath(resolve(p));
  } catch {
    return resolve(p);
  }
}

const inside = (child: string, parent: string): boolean => {
  const r = relative(parent, child);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
};

/** OUTPUT_IS_INPUT when the output is an input, holds one (a folder output), or lies inside an input folder. */
async function checkInputs(given: string, real: string, opts: TargetOptions, folder: boolean): Promise<void> {
  const link = resolve(given) !== real ? real : undefined;
  for (const input of opts.inputs ?? []) {
    if (input === undefined) continue;
    const r = await realInput(input);
    const relation = r === real ? 'is' : folder && inside(r, real) ? 'holds' : inside(real, r) ? 'is inside' : undefined;
    if (relation) {
      const kind = (await statOrUndefined(r))?.isDirectory() ? 'folder' : 'file';
      throw fail('OUTPUT_IS_INPUT', { path: given, relation, kind, input, ...(link ? { link } : {}), option: opts.option });
    }
  }
}

/**
 * Throw OUTPUT_NOT_WRITABLE unless a file can be created where `target` goes: its nearest existing ancestor
 * must be a folder in which a file can be created. Leaves nothing behind.
 */
export async function checkWritable(target: string, option?: string): Promise<void> {
  const abs = resolve(target);
  let dir = dirname(abs);
  let st = await statOrUndefined(dir);
  while (!st && dirname(dir) !== dir) {
    dir = dirname(dir);
    st = await statOrUndefined(dir);
  }
  if (!st) throw fail('OUTPUT_NOT_WRITABLE', { path: target, case: 'no-parent', option });
  if (!st.isDirectory()) throw fail('OUTPUT_NOT_WRITABLE', { path: target, case: 'parent-is-file', parent: dir, option });
  const probe = tempPathFor(join(dir, 'probe'));
  try {
    const h = await open(probe, 'wx');
    await h.close();
  } catch (e) {
    throw fail('OUTPUT_NOT_WRITABLE', { path: target, case: 'cannot-create', dir, reason: (e as Errno).code ?? (e as Error).message, option });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** A temporary file or folder semslice writes next to an output (tempPathFor's names): its own, whatever the process. */
const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{8}\.part$/;

async function readJson(p: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(p, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * What semslice wrote in a folder, when it provably did: its marker's writer and entries; a study folder (its
 * study.json); a restructure, readapt or extend folder, or a model folder, written before the marker existed (the
 * kind in its manifest; semslice's metadata in model.json). Else undefined.
 *
 * @example
 * await semsliceFolder('runs/r1'); // { writer: 'restructure', entries: ['.semslice-output.json', 'manifest.json', 'model/', 'iterations.csv'] }
 */
export async function semsliceFolder(dir: string): Promise<Ours | undefined> {
  const m = (await readJson(join(dir, OUTPUT_MARKER))) as { writtenBy?: unknown; writer?: unknown; files?: unknown } | undefined;
  if (m?.writtenBy === 'semslice' && Array.isArray(m.files) && m.files.every((f) => typeof f === 'string')) {
    return { writer: typeof m.writer === 'string' ? m.writer : 'model', entries: [...new Set([...(m.files as string[]), OUTPUT_MARKER])] };
  }
  const study = (await readJson(join(dir, 'study.json'))) as { format?: unknown } | undefined;
  if (study?.format === 'semslice.study') return { writer: 'study', entries: STUDY_FILES };
  // A maintenance output written before the marker existed: its manifest (result.json for extend) names its kind.
  for (const [file, entries] of Object.entries(LEGACY_RESULTS)) {
    const kind = ((await readJson(join(dir, file))) as { kind?: unknown } | undefined)?.kind;
    const writer = typeof kind === 'string' ? /^semslice-(restructure|readapt|extend)$/.exec(kind)?.[1] : undefined;
    if (writer) return { writer, entries };
  }
  const model = (await readJson(join(dir, 'model.json'))) as { userDefinedMetadata?: { semslice?: unknown } } | undefined;
  if (model?.userDefinedMetadata?.semslice) return { writer: 'model', entries: [...MODEL_FILES] };
  return undefined;
}

/** The entries of a folder (sub-folders end in '/'), sorted. */
async function entriesOf(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
}

/** Names for a message: the first five and how many more. */
export function listEntries(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

/** What is there, for messages: "a saved model", "a study semslice ran", "the output of semslice restructure". */
export function describeOutput(ours: Ours): string {
  if (ours.entries.length === 0) return `a ${ours.writer} semslice wrote`; // a file: its kind
  if (ours.writer === 'model') return 'a saved model';
  if (ours.writer === 'study') return 'a study semslice ran';
  return `the output of semslice ${ours.writer}`;
}

/**
 * Check a folder output. Absent or empty: fine. Non-empty: needs force, and force may replace only a folder
 * semslice wrote (its marker lists every entry there); anything else there is refused, nothing touched.
 */
export async function checkDirTarget(dir: string, opts: TargetOptions = {}): Promise<TargetCheck> {
  const option = opts.option;
  const real = await realOutputPath(dir, option);
  await checkInputs(dir, real, opts, true);
  const st = await statOrUndefined(real);
  if (st && !st.isDirectory()) {
    throw fail('OUTPUT_NOT_DIR', { path: dir, ...(opts.what !== undefined ? { what: opts.what } : {}), option });
  }
  let ours: Ours | undefined;
  if (st) {
    const entries = (await entriesOf(real)).filter((e) => !TEMP_NAME.test(e.replace(/\/$/, '')));
    if (entries.length > 0) {
      ours = await semsliceFolder(real);
      const own = new Set(ours?.entries ?? []);
      const foreign = entries.filter((e) => !own.has(e));
      if (foreign.length > 0) {
        throw fail('OUTPUT_NOT_OURS', { path: dir, foreign: listEntries(foreign), option });
      }
      if (!opts.force) {
        throw fail('OUTPUT_EXISTS', { path: dir, holds: `${describeOutput(ours!)} (${listEntries(entries.filter((e) => e !== OUTPUT_MARKER))})`, option });
      }
    }
  }
  await checkWritable(join(real, 'probe'), option);
  if (st) await checkWritable(real, option); // a replaced folder is renamed into place from beside it
  return { path: real, exists: st !== undefined, ...(ours ? { ours } : {}) };
}

/**
 * The kind of a file semslice wrote, from its content: "slice file" (format semslice.slice), "report" (semslice's
 * generator tag), "notebook" (metadata.semslice.writtenBy); undefined for anything else.
 *
 * @example
 * semsliceFileKind(await readFile('demo.html', 'utf8')); // 'report'
 */
export function semsliceFileKind(text: string): string | undefined {
  if (/<meta name="generator" content="semslice[ "]/.test(text.slice(0, 1 << 16))) return 'report';
  let j: { format?: unknown; nbformat?: unknown; metadata?: { semslice?: { writtenBy?: unknown } } } | undefined;
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    return undefined;
  }
  if (j?.format === 'semslice.slice') return 'slice file';
  if (typeof j?.nbformat === 'number' && typeof j.metadata?.semslice?.writtenBy === 'string') return 'notebook';
  return undefined;
}

/**
 * Check a single-file output. Absent: fine. A folder: refused. A file: force replaces it when semslice wrote it
 * (semsliceFileKind); any other file is refused, with or without force. An input is never an output.
 */
export async function checkFileTarget(file: string, opts: TargetOptions & { what: string }): Promise<TargetCheck> {
  const option = opts.option;
  const real = await realOutputPath(file, option);
  await checkInputs(file, real, opts, false);
  const st = await statOrUndefined(real);
  if (st?.isDirectory()) {
    throw fail('OUTPUT_IS_DIR', { path: file, what: opts.what, option });
  }
  let ours: Ours | undefined;
  if (st) {
    let text = '';
    try {
      text = await readFile(real, 'utf8');
    } catch {
      text = '';
    }
    const kind = semsliceFileKind(text);
    if (!kind) {
      throw fail('OUTPUT_NOT_OURS', { path: file, option });
    }
    ours = { writer: kind, entries: [] };
    if (!opts.force) {
      throw fail('OUTPUT_EXISTS', { path: file, holds: describeOutput(ours), option });
    }
  }
  await checkWritable(real, option);
  return { path: real, exists: st !== undefined, ...(ours ? { ours } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs in progress, and interruption.

const cleanups = new Set<() => void | Promise<void>>();
let busy = 0;
let interrupted: (() => void) | undefined;
let interrupting = false;
/** The longest an interrupted process waits for its cleanups (a child process to stop) before it exits anyway. */
const CLEANUP_WAIT_MS = 15_000;

/**
 * Register what an interrupted process must undo (remove a temporary output, stop a child process that writes one).
 * A cleanup may return a promise (a child process stopping); the process waits for it, a bounded time, before it
 * exits. Returns the function that unregisters it.
 *
 * @example
 * const release = onInterrupt(() => rmSync(tmp, { recursive: true, force: true }));
 * try { await work(tmp); } finally { release(); }
 */
export function onInterrupt(cleanup: () => void | Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => { cleanups.delete(cleanup); };
}

/** True once the process is being interrupted (the CLI then reports nothing but the interruption). */
export function isInterrupted(): boolean {
  return interrupting;
}

function runCleanups(): Array<Promise<void>> {
  const pending: Array<Promise<void>> = [];
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      const r = c();
      if (r) pending.push(r.catch(() => undefined));
    } catch {
      // best effort: the process is going away
    }
  }
  return pending;
}

/** Undo what is in progress, then exit: at once, or when the asynchronous cleanups have settled (bounded). */
function finish(exit: () => void, now: boolean): boolean {
  const done = (): void => {
    try {
      exit();
    } finally {
      interrupting = false; // reached only where exit returns (a test's exit)
    }
  };
  const pending = runCleanups();
  if (pending.length === 0 || now) {
    done();
    return false;
  }
  void Promise.race([Promise.allSettled(pending), new Promise((res) => setTimeout(res, CLEANUP_WAIT_MS).unref())]).then(done);
  return true;
}

/**
 * onInterrupt for a folder that a long run writes into piece by piece (a study folder): remove the temporary files
 * this process has open there (tempPathFor's names carry its pid); what is complete stays (a study resumes from it).
 *
 * @example
 * const release = onInterruptCleanFolder('runs/fidelity');
 */
export function onInterruptCleanFolder(dir: string): () => void {
  const mine = new RegExp(`^\\..+\\.${process.pid}\\.[0-9a-f]{8}\\.part$`);
  return onInterrupt(() => {
    for (const name of readdirSync(dir)) if (mine.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
  });
}

/**
 * Run fn (a rename that puts an output in place, a file's final write) so that an interruption waits for it:
 * the output is then either as it was or complete, never half replaced.
 *
 * @example
 * await uninterrupted(() => rename(tmp, target));
 */
export async function uninterrupted<T>(fn: () => Promise<T>): Promise<T> {
  busy++;
  try {
    return await fn();
  } finally {
    busy--;
    if (busy === 0 && interrupted) {
      const exit = interrupted;
      interrupted = undefined;
      finish(exit, false);
    }
  }
}

/**
 * What a signal handler calls: undo the outputs in progress and call `exit`, at once, or when the uninterrupted
 * writes under way and the asynchronous cleanups have finished (`now`: without waiting). Returns true when it waits.
 *
 * @example
 * process.on('SIGINT', () => interrupt(() => process.exit(130)));
 */
export function interrupt(exit: () => void, now = false): boolean {
  interrupting = true;
  if (busy > 0 && !now) {
    interrupted = exit;
    return true;
  }
  interrupted = undefined;
  return finish(exit, now);
}

/**
 * Write a folder output whole: `fill(tmp)` writes into a temporary folder beside the target, then a marker naming
 * the writer and the entries is added and the folder is renamed into place (an existing one, checked again: empty
 * or semslice's own with force, is replaced, keeping its mode). On an error or an interruption the temporary
 * folder is removed and the target is as it was. Returns the real path written.
 *
 * @example
 * await writeOutputFolder('runs/r1', { writer: 'restructure', force: true, inputs: ['models/lenet5'] }, async (tmp) => {
 *   await saveModel(model, join(tmp, 'model'));
 *   await writeFile(join(tmp, 'manifest.json'), json);
 * });
 */
export async function writeOutputFolder(dir: string, opts: TargetOptions & { writer: string }, fill: (tmp: string) => Promise<void>): Promise<string> {
  const t = await checkDirTarget(dir, opts);
  const made = await mkdir(dirname(t.path), { recursive: true }); // the first folder it created, if any
  const tmp = tempPathFor(t.path);
  let placed = false;
  const undo = (): void => {
    rmSync(tmp, { recursive: true, force: true });
    if (made && !placed) rmSync(made, { recursive: true, force: true }); // folders made for this output only
  };
  const release = onInterrupt(undo);
  try {
    await mkdir(tmp);
    await fill(tmp);
    const files = [...(await entriesOf(tmp)), OUTPUT_MARKER];
    await writeFile(join(tmp, OUTPUT_MARKER), JSON.stringify({ writtenBy: 'semslice', writer: opts.writer, files: [...new Set(files)].sort() }) + '\n');
    await uninterrupted(async () => {
      const st = await statOrUndefined(t.path);
      if (!st) {
        await rename(tmp, t.path);
        placed = true;
        return;
      }
      await chmod(tmp, Number(st.mode) & 0o7777);
      const old = tempPathFor(t.path);
      await rename(t.path, old);
      try {
        await rename(tmp, t.path);
      } catch (e) {
        await rename(old, t.path);
        throw e;
      }
      placed = true;
      await rm(old, { recursive: true, force: true });
    });
  } finally {
    release();
    if (!placed) undo();
  }
  return t.path;
}

/**
 * Remove what semslice wrote in a folder it may replace (checked with force): its own entries, and temporary files
 * a killed run left; the folder itself (its mode, a link to it) stays.
 *
 * @example
 * const t = await checkDirTarget(out, { force: true });
 * if (t.ours) await clearOurs(t);
 */
export async function clearOurs(t: TargetCheck): Promise<void> {
  const own = new Set(t.ours?.entries ?? []);
  for (const e of await entriesOf(t.path)) {
    const name = e.replace(/\/$/, '');
    if (own.has(e) || TEMP_NAME.test(name)) await rm(join(t.path, name), { recursive: true, force: true });
  }
}
