/**
 * Ctrl-C (SIGINT) and SIGTERM while a command runs: the outputs in progress are undone (engine/output-target.ts:
 * temporary folders and files removed, a notebook run and its kernel stopped) and the process exits with 128 + the
 * signal's number. A write that puts an output in place is let finish first, so an output is either as it was or
 * complete; a second signal does not wait.
 */
import { constants } from 'node:os';
import { interrupt } from '../engine/output-target.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Install the handlers for the duration of a command; returns the function that removes them.
 *
 * @example
 * const done = handleInterrupts();
 * try { await program.parseAsync(argv); } finally { done(); }
 */
export function handleInterrupts(exit: (code: number) => void = (code) => process.exit(code), stderr: (s: string) => void = (s) => process.stderr.write(s)): () => void {
  let seen = 0;
  const handler = (signal: NodeJS.Signals): void => {
    seen++;
    const code = 128 + (constants.signals[signal] ?? 2);
    if (seen > 1) {
      interrupt(() => exit(code), true);
      return;
    }
    const waiting = interrupt(() => {
      stderr(`semslice: interrupted (${signal}); nothing partial was left\n`);
      exit(code);
    });
    if (waiting) stderr(`\nsemslice: interrupted (${signal}); finishing the write under way and stopping what was started ...\n`);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
}
