/**
 * The preprocessor registry. A preprocessor does one job over the report context (nbconvert's layering); the
 * template's conf.json may name which run and in what order, otherwise DEFAULT_PREPROCESSORS runs.
 *
 * @example
 * registerPreprocessor({ name: 'drop-empty', run: (ctx) => { ctx.cells = ctx.cells.filter((c) => c.cell.source.trim()); } });
 */
import { Registry } from '../../engine/registry.js';
import type { ReportContext } from '../context.js';

export interface Preprocessor {
  name: string;
  /** What it does, for docs and listings. */
  description?: string;
  run(ctx: ReportContext): void;
}

const registry = new Registry<Preprocessor>({
  kind: 'preprocessor',
  codePrefix: 'PREPROCESSOR',
  what: 'report preprocessor',
  namePattern: /^[a-z][a-z0-9-]*$/,
});

/** Add a preprocessor; an existing name fails unless `override` is set. */
export function registerPreprocessor(p: Preprocessor, opts: { override?: boolean } = {}): void {
  registry.register(p, opts);
}

export function getPreprocessor(name: string): Preprocessor {
  return registry.get(name);
}

export function listPreprocessors(): string[] {
  return registry.names();
}
