import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { SemsliceError } from './errors.js';

/**
 * Write a file atomically: to a temporary file in the same folder, then rename over the target, so a reader never
 * sees a half-written file and a failure leaves the previous file (if any) intact.
 *
 * @example
 * await writeFileAtomic('reports/out/demo.html', html, { inputs: ['demo.ipynb'] });
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { inputs?: string[] } = {},
): Promise<void> {
  const target = resolve(path);
  for (const input of opts.inputs ?? []) {
    if (resolve(input) === target) {
      throw new SemsliceError('OUTPUT_IS_INPUT', `The output path ${path} is the input file.`, 'Choose another output path; inputs are never overwritten.');
    }
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
