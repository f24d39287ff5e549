/**
 * The words of every error semslice throws, one entry per code (vega-lite's log/message.ts is the model). Throw sites
 * name a code and the values its message needs; the entry writes message and hint. docs/errors.md is generated from
 * these entries (`npx tsx scripts/errors-doc.ts`), and test/architecture/errors.test.ts checks that every throw site
 * goes through {@link fail} with a literal code.
 *
 * The entries are grouped in files by the part of semslice that throws them; a code lives in exactly one file.
 *
 * @example
 * throw fail('BAD_THETA', { theta });
 * throw fail('NO_SLICE', { strategy: 'readapt', method });
 */
import { SemsliceError, didYouMean } from '../errors.js';
import type { MessageEntry, Said } from './entry.js';
import { CORE_MESSAGES, type UnknownName } from './core.js';
import { ENGINE_MESSAGES } from './engine.js';
import { MAINTENANCE_MESSAGES } from './maintenance.js';
import { FRONT_MESSAGES } from './front.js';

export const MESSAGES = {
  ...CORE_MESSAGES,
  ...ENGINE_MESSAGES,
  ...MAINTENANCE_MESSAGES,
  ...FRONT_MESSAGES,
} as const;

/** The code of every error semslice throws. */
export type ErrorCode = keyof typeof MESSAGES;

/** The values an error code's message names. */
export type ParamsOf<C extends ErrorCode> = (typeof MESSAGES)[C] extends MessageEntry<infer P> ? P : never;

/** The codes whose entries take parameters of shape P (e.g. every unknown-name code). */
export type CodesWith<P> = { [C in ErrorCode]: [P] extends [ParamsOf<C>] ? ([ParamsOf<C>] extends [P] ? C : never) : never }[ErrorCode];

/** What the entry of `code` says for `params`. */
export function said<C extends ErrorCode>(code: C, params: ParamsOf<C>): Said {
  return (MESSAGES[code] as unknown as MessageEntry<ParamsOf<C>>).say(params);
}

/**
 * The error for `code`, worded by its entry. Throw it: `throw fail('CODE', { ... })`.
 *
 * @example
 * if (!(theta > 0 && theta <= 1)) throw fail('BAD_THETA', { theta });
 */
export function fail<C extends ErrorCode>(code: C, ...params: {} extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]): SemsliceError {
  return new SemsliceError(code, said(code, (params[0] ?? {}) as ParamsOf<C>));
}

export type { Said, MessageEntry } from './entry.js';
export { entry } from './entry.js';
export * from './text.js';

/**
 * The error for a name not in a closed vocabulary: names the bad value, a close choice if any, and the choices.
 *
 * @example
 * throw unknownNameError('UNKNOWN_SITE', 'site', 'fc3', ['conv1', 'conv2', 'fc1', 'fc2']);
 */
export function unknownNameError(code: CodesWith<UnknownName>, what: string, name: string, choices: readonly string[]): SemsliceError {
  const guess = didYouMean(name, choices);
  return new SemsliceError(code, said(code, { what, name, choices, ...(guess !== undefined ? { guess } : {}) } as ParamsOf<typeof code>));
}
