/**
 * Where an output may go, decided before any long work and before anything is touched: an existing output is
 * replaced only with force, and force replaces only what semslice itself wrote (a user's own files in an output
 * folder, or a file semslice did not write, are refused). The location must be writable (probed by creating and
 * removing a hidden temporary file, since permission bits say nothing for root or for /proc).
 *
 * Messages speak the caller's terms: the API's option names by default, the CLI's flags when it passes `terms`.
 *
 * @example
 * await checkDirTarget('models/lenet5', { force: true });                       // throws OUTPUT_NOT_OURS on thesis.txt
 * await checkFileTarget('slice.json', { force: false, terms: CLI_TERMS('--out') });
 */
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { tempPathFor } from './atomic-write.js';
import { SemsliceError } from './errors.js';

/** The marker semslice writes into every model folder it saves: the files it wrote there. */
export const OUTPUT_MARKER = '.semslice-output.json';
/** Files of a model folder that semslice writes (and so may replace with force). */
export const MODEL_FILES = ['model.json', 'weights.bin', OUTPUT_MARKER] as const;

/** How the caller names the force switch and the output location. */
export interface OutputTerms {
  /** e.g. '--force' at the CLI, 'force: true' in the API. */
  force: string;
  /** e.g. '--out' at the CLI, 'another path' in the API. */
  out: string;
}

export const API_TERMS: OutputTerms = { force: 'force: true', out: 'another path' };

/** The CLI's terms for a command whose output flag is `flag`. */
export function cliTerms(flag: string): OutputTerms {
  return { force: '--force', out: `another ${flag}` };
}

export interface TargetCheck {
  /** The absolute path. */
  path: string;
  /** True when something is there now (an empty folder counts). */
  exists: boolean;
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
 * Throw OUTPUT_NOT_WRITABLE unless a file can be created where `target` goes: its nearest existing ancestor
 * must be a folder in which a file can be created. Leaves nothing behind.
 */
export async function checkWritable(target: string, terms: OutputTerms = API_TERMS): Promise<void> {
  const abs = resolve(target);
  let dir = dirname(abs);
  let st = await statOrUndefined(dir);
  while (!st && dirname(dir) !== dir) {
    dir = dirname(dir);
    st = await statOrUndefined(dir);
  }
  const fail = (why: string): SemsliceError => new SemsliceError('OUTPUT_NOT_WRITABLE',
    `Cannot write ${target}: ${why}.`, `Choose ${terms.out} in a folder you can write to.`);
  if (!st) throw fail('no parent folder exists');
  if (!st.isDirectory()) throw fail(`${dir} is a file, not a folder`);
  const probe = tempPathFor(join(dir, 'probe'));
  try {
    const h = await open(probe, 'wx');
    await h.close();
  } catch (e) {
    throw fail(`files cannot be created in ${dir} (${(e as Errno).code ?? (e as Error).message})`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** The entries of a folder that are not semslice's model files (sub-folders end in '/'). */
async function foreignEntries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const ours = new Set<string>(MODEL_FILES);
  const foreign = entries.filter((e) => !(ours.has(e.name) && e.isFile())).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  if (foreign.length > 0) return foreign.sort();
  if (entries.some((e) => e.name === OUTPUT_MARKER)) return [];
  // A folder saved before the marker existed: ours when its model.json carries semslice's metadata.
  try {
    const j = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { semslice?: unknown } };
    if (j?.userDefinedMetadata?.semslice) return [];
  } catch {
    // unreadable or not JSON: not provably ours
  }
  return entries.map((e) => e.name).sort();
}

function list(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

/**
 * Check a model-folder output. Absent or empty: fine. Non-empty: needs force, and force may replace only a folder
 * semslice wrote (model.json, weights.bin and its marker); anything else there is refused, nothing touched.
 */
export async function checkDirTarget(dir: string, opts: { force?: boolean; terms?: OutputTerms } = {}): Promise<TargetCheck> {
  const terms = opts.terms ?? API_TERMS;
  const abs = resolve(dir);
  const st = await statOrUndefined(abs);
  if (st && !st.isDirectory()) {
    throw new SemsliceError('OUTPUT_NOT_DIR', `${dir} is a file; a model is saved as a folder (model.json + weights.bin).`,
      `Choose ${terms.out} that is a folder or does not exist yet; ${terms.force} never replaces a file with a folder.`);
  }
  if (st && (await readdir(abs)).length > 0) {
    const foreign = await foreignEntries(abs);
    if (foreign.length > 0) {
      throw new SemsliceError('OUTPUT_NOT_OURS',
        `${dir} already holds files semslice did not write (${list(foreign)}); they are left as they are.`,
        `Choose ${terms.out}; ${terms.force} replaces only a model folder semslice wrote (${MODEL_FILES.join(', ')}).`);
    }
    if (!opts.force) {
      throw new SemsliceError('OUTPUT_EXISTS', `${dir} already holds a saved model.`, `Pass ${terms.force} to replace it, or choose ${terms.out}.`);
    }
  }
  await checkWritable(join(abs, 'model.json'), terms);
  return { path: abs, exists: st !== undefined };
}

/**
 * Check a single-file output. Absent: fine. A folder: refused. A file: needs force, and force replaces only a file
 * for which `isOurs(text)` holds (one semslice wrote); the input itself is never an output.
 */
export async function checkFileTarget(file: string, opts: {
  force?: boolean; terms?: OutputTerms; isOurs: (text: string) => boolean; what: string; inputs?: string[];
}): Promise<TargetCheck> {
  const terms = opts.terms ?? API_TERMS;
  const abs = resolve(file);
  for (const input of opts.inputs ?? []) {
    if (resolve(input) === abs) {
      throw new SemsliceError('OUTPUT_IS_INPUT', `The output ${file} is the input file.`, `Choose ${terms.out}; inputs are never overwritten.`);
    }
  }
  const st = await statOrUndefined(abs);
  if (st?.isDirectory()) {
    throw new SemsliceError('OUTPUT_IS_DIR', `${file} is a folder; the ${opts.what} is one file.`, `Choose ${terms.out} that names a file, e.g. ${join(file, 'out')}.`);
  }
  if (st) {
    if (!opts.force) {
      throw new SemsliceError('OUTPUT_EXISTS', `${file} already exists.`, `Pass ${terms.force} to replace it, or choose ${terms.out}.`);
    }
    let text = '';
    try {
      text = (await readFile(abs)).subarray(0, 1 << 20).toString('utf8');
    } catch {
      text = '';
    }
    if (!opts.isOurs(text)) {
      throw new SemsliceError('OUTPUT_NOT_OURS', `${file} exists and is not a ${opts.what} semslice wrote; it is left as it is.`,
        `Choose ${terms.out}; ${terms.force} replaces only a ${opts.what} semslice wrote.`);
    }
  }
  await checkWritable(abs, terms);
  return { path: abs, exists: st !== undefined };
}

/** True for the text of a slice file semslice wrote (its JSON carries format "semslice.slice"). */
export function isSliceFileText(text: string): boolean {
  try {
    return (JSON.parse(text) as { format?: unknown })?.format === 'semslice.slice';
  } catch {
    return false;
  }
}

/** True for a report semslice wrote (its generator line). */
export function isReportText(text: string): boolean {
  return /<meta name="generator" content="semslice[ "]/.test(text);
}
