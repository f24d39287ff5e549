import { isSemsliceError } from '../engine/errors.js';

/** Exit codes: 0 ok, 1 failure (a bug or an unexpected error), 2 bad input or usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Print an error the way a user should see it and return the exit code. Known errors: one line plus the hint. */
export function reportError(e: unknown, stderr: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (isSemsliceError(e)) {
    stderr(`error: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
    return EXIT.usage;
  }
  const err = e as { code?: string; message?: string; stack?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('commander.')) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  stderr(`error (unexpected, please report): ${err?.stack ?? String(e)}\n`);
  return EXIT.failure;
}
