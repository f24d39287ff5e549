import type { Command } from 'commander';
import { isSemsliceError } from '../engine/errors.js';
import { renderText, type OptionTerm, type TermRenderer, type Text } from '../engine/messages/text.js';

/** Exit codes: 0 ok, 1 failure (a bug or an unexpected error), 2 bad input or usage, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * API options whose flag is not the option's name in kebab-case (`maxPerClass` -> `--max-per-class`), or depends on
 * the value. Each gives the flag as it is typed, value included, or undefined where no flag does it.
 */
const OPTION_FLAGS: Record<string, (value: unknown) => string | undefined> = {
  learningRate: (v) => withValue('--lr', v),
  onlyCorrect: (v) => (v === false ? '--all-samples' : undefined),
  shard: (v) => (isShard(v) ? `--shard ${v.index}/${v.count}` : withValue('--shard', v)),
};

function isShard(v: unknown): v is { index: number; count: number } {
  return typeof v === 'object' && v !== null && 'index' in v && 'count' in v;
}

/** `maxPerClass` -> `max-per-class`, `targetCR` -> `target-cr` (a run of capitals is one word). */
const kebab = (option: string): string => option.replace(/([a-z0-9])([A-Z]+)/g, '$1-$2').toLowerCase();

/** A flag with its value as typed: `--force` for true, `--classes 0,1,2` for a list, `--flag` alone without one. */
function withValue(flag: string, v: unknown): string | undefined {
  if (v === undefined || v === true) return flag;
  if (v === false) return undefined;
  if (Array.isArray(v)) return `${flag} ${v.join(',')}`;
  if (typeof v === 'object' && v !== null) return undefined;
  return `${flag} ${String(v)}`;
}

/** The flag (with value) for an option term, or undefined where no flag does it. */
export function flagFor(term: OptionTerm): string | undefined {
  const leaf = leafOf(term);
  const special = OPTION_FLAGS[leaf.option];
  return special ? special(leaf.value) : withValue(`--${kebab(leaf.option)}`, leaf.value);
}

/**
 * A nested option is set by its innermost part's flag: 'fineTune.steps' = 100 and 'earlyStop' = { patience: 3 }
 * read as steps = 100 and patience = 3 (a shard { index, count } is a value, not a nesting).
 */
function leafOf(term: OptionTerm): OptionTerm {
  let option = term.option.split('.').pop()!;
  let value = term.value;
  while (typeof value === 'object' && value !== null && !Array.isArray(value) && !isShard(value) && Object.keys(value).length === 1) {
    [option, value] = Object.entries(value)[0]!;
  }
  return { ...term, option, value };
}

/** How an option reads where the command has no flag for it: its own words, else the option's name in words. */
function inWords(term: OptionTerm): string {
  if (term.words !== undefined) return term.words;
  term = leafOf(term);
  const name = kebab(term.option).replace(/-/g, ' ');
  return term.value === undefined ? name : `${name} ${typeof term.value === 'string' ? term.value : JSON.stringify(term.value)}`;
}

/**
 * The CLI's wording of terms: options as flags, phrases in their CLI form. With `flags` (the long flags of the
 * command that runs), an option whose flag the command lacks is said in words instead of naming a flag it has not.
 *
 * @example
 * renderText(say`Pass e.g. ${opt('learningRate', 1e-3)}.`, cliRenderer()); // 'Pass e.g. --lr 0.001.'
 */
export function cliRenderer(flags?: ReadonlySet<string>): TermRenderer {
  return {
    option: (t) => {
      const flag = flagFor(t);
      if (flag === undefined) return inWords(t);
      return !flags || flags.has(flag.split(' ')[0]!) ? flag : inWords(t);
    },
    alt: (t) => t.cli,
  };
}

/** Text in the CLI's terms. */
export function inCliTerms(text: Text, flags?: ReadonlySet<string>): string {
  return renderText(text, cliRenderer(flags));
}

/** The long flags of a commander command (and of its parents: global flags). */
export function flagsOf(command: Command | undefined): ReadonlySet<string> | undefined {
  if (!command) return undefined;
  const out = new Set<string>();
  for (let c: Command | null = command; c; c = c.parent) for (const o of c.options) if (o.long) out.add(o.long);
  return out;
}

/**
 * Print an error the way a user should see it and return the exit code. Known errors: the message and the hint, in
 * the terms of the command that ran (`flags`: its long flags; without them every option shows as its flag).
 */
export function reportError(e: unknown, stderr: (s: string) => void = (s) => process.stderr.write(s), flags?: ReadonlySet<string>): number {
  if (isSemsliceError(e)) {
    // An error from another realm (a worker) may lack `said`: its message and hint are then shown as they are.
    const said = (e as { said?: { message: Text; hint: Text } }).said ?? { message: e.message, hint: e.hint ?? '' };
    const hint = inCliTerms(said.hint, flags);
    stderr(`error: ${inCliTerms(said.message, flags)}\n${hint ? `  hint: ${hint}\n` : ''}`);
    return EXIT.usage;
  }
  const err = e as { code?: string; message?: string; stack?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('commander.')) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  stderr(`error (unexpected, please report): ${err?.stack ?? String(e)}\n`);
  return EXIT.failure;
}


