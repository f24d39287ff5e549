/**
 * Typed errors. Every error semslice throws on bad input is a SemsliceError with a stable `code`
 * and a `hint` that says how to fix it; the CLI prints `error: <message>\n  hint: <hint>` and exits 2.
 *
 * @example
 * throw new SemsliceError('UNKNOWN_MODEL', `Unknown model "lenet"`, 'Available: mlp, lenet5, vgg-small, resnet-small.');
 */
// Re-exported, not imported: this file stays free of dependencies (report code loads it without tfjs), and the
// catalogue is plain data. test/architecture/errors.test.ts checks that every code thrown is in the catalogue.
export { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

export class SemsliceError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  /** `code` is one of the catalogue's (error-catalogue.ts); docs/errors.md lists them all. */
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'SemsliceError';
    this.code = code;
    this.hint = hint;
  }
  /** Message plus hint, one line each: what a user sees. */
  toDisplayString(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** True for errors that come from bad input (shown without a stack trace). */
export function isSemsliceError(e: unknown): e is SemsliceError {
  return e instanceof SemsliceError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'SemsliceError');
}

/** Levenshtein-based "did you mean" for unknown names. */
export function didYouMean(name: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Error for a name not in a closed vocabulary: names the argument, the bad value and the choices. */
export function unknownNameError(code: string, what: string, name: string, choices: readonly string[]): SemsliceError {
  const guess = didYouMean(name, choices);
  return new SemsliceError(
    code,
    `Unknown ${what} "${name}".${guess ? ` Did you mean "${guess}"?` : ''}`,
    `Available: ${choices.join(', ')}.`,
  );
}
