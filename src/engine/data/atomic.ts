import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

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

