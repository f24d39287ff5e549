import { readdir, stat } from 'node:fs/promises';
import { SemsliceError } from '../engine/errors.js';

/** Fail early (before any work) when an output exists and --force was not given. */
export async function assertOutputFree(path: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  try {
    const st = await stat(path);
    if (st.isDirectory() && (await readdir(path)).length === 0) return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  throw new SemsliceError('OUTPUT_EXISTS', `${path} already exists.`, 'Pass --force to replace it, or choose another --out.');
}
