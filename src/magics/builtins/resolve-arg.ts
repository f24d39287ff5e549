/** How the maintenance magics turn a `ref` argument into a value: a built-in dataset name, a notebook variable, or a path. */

import { fail } from '../../engine/messages/index.js';
import type { ArgValue } from '../args.js';
import type { MagicContext } from '../registry.js';

/** Dataset names the magics load by name. */
export const MAGIC_DATASETS = ['mnist', 'fashion-mnist', 'synthetic'] as const;

/**
 * A ref argument's value: non-strings as they are; a name in `names` loaded; a notebook variable of that name; else
 * (without `names`) `load(v)`, e.g. a model folder. With `names` an unknown string is a MAGIC_ARGS error.
 *
 * @example
 * const data = await resolveArg('%%readapt', args.data, ctx, (s) => engine.loadData(s), MAGIC_DATASETS);
 */
export async function resolveArg(magic: string, v: ArgValue, ctx: MagicContext, load: (s: string) => Promise<unknown>, names?: readonly string[]): Promise<unknown> {
  if (typeof v !== 'string') return v;
  if (names?.includes(v)) return load(v);
  const variable = /^[A-Za-z_$][\w$]*$/.test(v) ? ctx.lookup(v) : undefined;
  if (variable !== undefined && variable !== null) return variable;
  if (names) throw fail('MAGIC_ARGS', { magic, case: 'no-such-data', value: v, names });
  return load(v);
}
