import { isSemsliceError } from '../engine/errors.js';

/** Exit codes: 0 ok, 1 failure (a bug or an unexpected error), 2 bad input or usage, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Print an error the way a user should see it and return the exit code. Known errors: one line plus the hint. */
export function reportError(e: unknown, stderr: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (isSemsliceError(e)) {
    const hint = e.hint ? inCliTerms(e.hint) : undefined;
    stderr(`error: ${e.message}\n${hint ? `  hint: ${hint}\n` : ''}`);
    return EXIT.usage;
  }
  const err = e as { code?: string; message?: string; stack?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('commander.')) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  stderr(`error (unexpected, please report): ${err?.stack ?? String(e)}\n`);
  return EXIT.failure;
}

/**
 * Engine hints name the API's options; at the CLI the same fix is a flag. Each entry rewrites one API phrase the
 * engine uses into the flag that does the same (a hint with no match is shown as it is).
 */
const API_TO_FLAGS: Array<[RegExp, string]> = [
  [/\{ ?shard: \{ ?index: (\w+), count: (\w+) ?\} ?\}/g, '--shard $1/$2'],
  [/the shard count \{ ?count: (\w+) ?\}/g, '--shards $1'],
  [/--force \(force: true\)/g, '--force'],
  [/\bwith onlyCorrect: false\b/g, 'with --all-samples'],
  [/\{ ?onlyCorrect: false ?\}|\bonlyCorrect: false\b/g, '--all-samples'],
  [/\{ ?learningRate: ([^ }]+) ?\}/g, '--lr $1'],
  [/\{ ?batchSize: ([^ }]+) ?\}/g, '--batch-size $1'],
  [/\{ ?seed: ([^ }]+) ?\}/g, '--seed $1'],
  [/\{ ?theta: ([^ }]+) ?\}/g, '--theta $1'],
  [/\{ ?k: ([^ }]+) ?\}/g, '--k $1'],
  [/\{ ?tau: ([^ }]+) ?\}/g, '--tau $1'],
  [/\{ ?maxPerClass: ([^ }]+) ?\}/g, '--max-per-class $1'],
  [/\{ ?backend: "?(\w+)"? ?\}/g, '--backend $1'],
  [/\{ ?workers: ([^ }]+) ?\}/g, '--workers $1'],
  [/\(force: true\)|\{ ?force: true ?\}|\bforce: true\b/g, '--force'],
  [/\{ ?allowForeignSlice: true ?\}|\ballowForeignSlice: true\b/g, '--allow-foreign-slice'],
  [/\{ ?bootstrap: (\d+) ?\}|\bbootstrap: (\d+)\b/g, '--bootstrap $1$2'],
  [/\bslice\(model, data\)(?: and slice\.save\(file\))?/g, 'semslice slice --model DIR --out slice.json'],
  [/\b(written by|with) [Ss]lice\.save\(\)/g, '$1 semslice slice --out FILE'],
  [/re-create it with slice\(\)/g, 're-create it with semslice slice --out FILE'],
  // Data folders: the API's { dir } has no flag; at the CLI the folder is SEMSLICE_DATA_DIR, or the package.
  [/Pass \{ ?dir ?\} naming the unpacked binary version \(([^)]*)\), or set SEMSLICE_DATA_DIR to its parent/g, 'Set SEMSLICE_DATA_DIR to the folder that holds the unpacked binary version ($1)'],
  [/\bpass \{ ?dir ?\} or set SEMSLICE_DATA_DIR/g, 'set SEMSLICE_DATA_DIR'],
  [/,? or pass \{ ?dir ?\}(?: naming a folder with [^()]*\(raw or \.gz\))?/g, ''],
  [/,? or pass \{ ?download: true ?\} to fetch them from \S+ into \S+?(?=\.$)| \(or load with \{ ?download: true ?\}\)/g, ''],
];

/** An engine hint with its API option syntax replaced by the CLI's flags. */
export function inCliTerms(hint: string): string {
  return API_TO_FLAGS.reduce((h, [re, flag]) => h.replace(re, flag), hint);
}
