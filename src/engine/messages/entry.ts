/**
 * One error code's words: a function of the values its message names, returning the message (what is wrong, with the
 * value at fault) and the hint (how to fix it, as {@link Text} so options read as flags at the CLI), plus example
 * values that docs/errors.md shows.
 *
 * @example
 * export const SLICING_MESSAGES = {
 *   BAD_THETA: entry({ theta: 1.5 }, ({ theta }) => ({
 *     message: `theta = ${theta} is out of range: it must be in (0, 1].`,
 *     hint: say`Pass e.g. ${opt('theta', 0.95)}.`,
 *   })),
 * };
 */
import type { Text } from './text.js';

/** What an entry says: the message, and the hint. */
export interface Said {
  readonly message: Text;
  readonly hint: Text;
}

export interface MessageEntry<P> {
  /** Values for docs/errors.md (and the test that renders every entry): one per case the entry words differently. */
  readonly examples: readonly P[];
  readonly say: (params: P) => Said;
}

/**
 * Declare an entry: example values first (they also fix the parameter type; pass an array when the entry words
 * several cases, as a union of parameter shapes), then the words.
 */
export function entry<P extends object>(examples: P | readonly P[], say: (params: P) => Said): MessageEntry<P> {
  return { examples: Array.isArray(examples) ? examples : [examples as P], say };
}
