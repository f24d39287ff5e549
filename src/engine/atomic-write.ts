import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { fail } from './messages/index.js';

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
      throw fail('OUTPUT_IS_INPUT', { path, relation: 'is', kind: 'file', input });
    }
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * A temporary path next to `target` (same folder, so the final rename is atomic), hidden and unique per process
 * and call. Writers create it, then rename it onto target; on failure they delete it.
 *
 * @example
 * const tmp = tempPathFor('/cache/train-images-idx3-ubyte.gz'); // /cache/.train-images-idx3-ubyte.gz.1234.ab12cd34.part
 */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
}
