/** `--protect` at the CLI: which classes a maintenance command must not hurt, and exit code 3 when it did. */
import { isSemsliceError } from '../engine/errors.js';
import { fail } from '../engine/messages/index.js';

/**
 * The class numbers of `--protect 3,5` (undefined without the flag).
 *
 * @example
 * protectedClasses('3,5', 10); // [3, 5]
 */
export function protectedClasses(s: string | undefined, numClasses: number): number[] | undefined {
  if (s === undefined) return undefined;
  return s.split(',').map((x) => {
    const k = Number(x.trim());
    if (!Number.isInteger(k) || k < 0 || k >= numClasses) {
      throw fail('BAD_RETENTION', { case: 'class', cls: x.trim(), classes: numClasses });
    }
    return k;
  });
}

/**
 * After the outputs are written: check the retention contract and, when it is broken, say so and set exit code 3
 * (other errors propagate).
 *
 * @example
 * reportRetention(result, protect, f.protectMaxDrop);
 */
export function reportRetention(result: { assertRetention(o: { classes: readonly number[]; maxDrop: number }): void }, classes: readonly number[] | null | undefined, maxDrop: number): void {
  if (!classes) return;
  try {
    result.assertRetention({ classes, maxDrop });
  } catch (e) {
    if (!isSemsliceError(e) || e.code !== 'RETENTION_BROKEN') throw e;
    console.error(`error: ${e.message}\n  the outputs above were written; exit code 3`);
    process.exitCode = 3;
  }
}
