/**
 * Bad input in a cell should read as one line plus a hint, not a stack trace from inside the library. tslab prints
 * a failing cell's error with console.error(e), i.e. util.inspect, so giving SemsliceError an [inspect.custom] in the
 * kernel is enough (the cell still fails, so later cells do not run on bad state). friendly(fn) is the explicit form
 * that keeps the cell going.
 */
import { inspect } from 'node:util';
import { isSemsliceError, SemsliceError } from '../engine/errors.js';
import { inKernel } from './kernel.js';
import { setLogger } from '../engine/log.js';

/** `error: <message>` plus `  hint: <hint>` when there is one (the CLI's wording). */
export function formatError(e: unknown): string {
  if (isSemsliceError(e)) return `error: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

let installed = false;

/**
 * In a tslab kernel, make SemsliceErrors print as their message and hint only. Idempotent; returns whether it is on.
 * Outside a kernel it does nothing (the CLI has its own error display, and tests want real stacks).
 *
 * @example
 * installFriendlyErrors(); // called by the notebook module on load inside a kernel
 */
export function installFriendlyErrors(force = false): boolean {
  if (installed) return true;
  if (!force && !inKernel()) return false;
  Object.defineProperty(SemsliceError.prototype, inspect.custom, {
    configurable: true,
    writable: true,
    value: function friendlyInspect(this: SemsliceError): string {
      return formatError(this);
    },
  });
  installed = true;
  return true;
}

/**
 * Run fn; if it throws a SemsliceError, write its message and hint to stderr (one readable line each) and return
 * undefined instead of failing. Other errors propagate unchanged.
 *
 * @example
 * const model = await friendly(() => ss.models.load('models/typo'));  // "error: No model at models/typo ..."
 */
export async function friendly<T>(fn: () => T | Promise<T>, write: (s: string) => void = (s) => process.stderr.write(s)): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!isSemsliceError(e)) throw e;
    write(formatError(e) + '\n');
    return undefined;
  }
}

let loggerInstalled = false;

/**
 * In a tslab kernel, send the engine's logger to stdout (`semslice: ...`, `semslice warning: ...`) instead of
 * stderr: an executed notebook counts every stderr stream as an error, and a warning is not one. Idempotent.
 *
 * @example
 * installKernelLogger(); // called by the notebook module on load inside a kernel
 */
export function installKernelLogger(force = false): boolean {
  if (loggerInstalled) return true;
  if (!force && !inKernel()) return false;
  setLogger({
    warn: (m) => process.stdout.write(`semslice warning: ${m}\n`),
    info: (m) => process.stdout.write(`semslice: ${m}\n`),
  });
  loggerInstalled = true;
  return true;
}
