/**
 * The preprocessor registry. A preprocessor does one job over the report context (nbconvert's layering); the
 * template's conf.json may name which run and in what order, otherwise DEFAULT_PREPROCESSORS runs.
 *
 * @example
 * registerPreprocessor({ name: 'drop-empty', run: (ctx) => { ctx.cells = ctx.cells.filter((c) => c.cell.source.trim()); } });
 */
import { SemsliceError, unknownNameError } from '../errors.js';
import type { ReportContext } from '../context.js';

export interface Preprocessor {
  name: string;
  /** What it does, for docs and listings. */
  description?: string;
  run(ctx: ReportContext): void;
}

const registry = new Map<string, Preprocessor>();

/** Add a preprocessor; an existing name fails unless `override` is set. */
export function registerPreprocessor(p: Preprocessor, opts: { override?: boolean } = {}): void {
  if (!/^[a-z][a-z0-9-]*$/.test(p.name)) {
    throw new SemsliceError('BAD_PREPROCESSOR_NAME', `Invalid preprocessor name "${p.name}".`, 'Use kebab-case: lower-case letters, digits and dashes.');
  }
  if (registry.has(p.name) && !opts.override) {
    throw new SemsliceError('DUPLICATE_PREPROCESSOR', `A preprocessor named "${p.name}" is already registered.`, 'Pick another name, or pass { override: true } to replace it.');
  }
  registry.set(p.name, p);
}

export function getPreprocessor(name: string): Preprocessor {
  const p = registry.get(name);
  if (!p) throw unknownNameError('UNKNOWN_PREPROCESSOR', 'report preprocessor', name, [...registry.keys()]);
  return p;
}

export function listPreprocessors(): string[] {
  return [...registry.keys()];
}
