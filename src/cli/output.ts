/**
 * The output rule (engine/output-target.ts) in the CLI's flags, for every command that writes. Each command checks
 * its outputs before any work (a training run or a profile must not end in "cannot write"), then writes them
 * through the same rule, to the path the check resolved (a link is written through, never replaced).
 */
import {
  checkDirTarget, checkFileTarget, uninterrupted, writeOutputFolder, type TargetCheck,
} from '../engine/output-target.js';

type Inputs = ReadonlyArray<string | undefined>;

/** The option a flag sets ('--out-dir' -> 'outDir'): messages name it, and the CLI shows it as the flag again. */
const optionOf = (flag: string): string => flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A model folder (train). */
export async function checkModelOut(dir: string, force: boolean | undefined, flag = '--out'): Promise<TargetCheck> {
  return checkDirTarget(dir, { force, option: optionOf(flag) });
}

/** A results folder of command `writer` (restructure, readapt, extend): checked before the work, written whole after it. */
export async function checkFolderOut(dir: string, writer: string, force: boolean | undefined, inputs: Inputs, flag = '--out'): Promise<TargetCheck> {
  return checkDirTarget(dir, { force, inputs, option: optionOf(flag), what: `semslice ${writer} writes a folder` });
}

/** Write a results folder whole (see writeOutputFolder); `writer` is the command, recorded in the folder's marker. */
export async function writeFolderOut(dir: string, writer: string, force: boolean | undefined, inputs: Inputs, fill: (tmp: string) => Promise<void>, flag = '--out'): Promise<string> {
  return writeOutputFolder(dir, { writer, force, inputs, option: optionOf(flag), what: `semslice ${writer} writes a folder` }, fill);
}

/** A single-file output (slice, report, run, demo): `what` names it in messages. */
export async function checkFileOut(file: string, what: string, force: boolean | undefined, inputs: Inputs = [], flag = '--out'): Promise<TargetCheck> {
  return checkFileTarget(file, { what, force, inputs, option: optionOf(flag) });
}

/** Write a single-file output: checked again, then written atomically to the resolved path, uninterrupted. */
export async function writeFileOut(file: string, what: string, force: boolean | undefined, inputs: Inputs, write: (path: string) => Promise<void>, flag = '--out'): Promise<string> {
  const t = await checkFileOut(file, what, force, inputs, flag);
  await uninterrupted(() => write(t.path));
  return t.path;
}
