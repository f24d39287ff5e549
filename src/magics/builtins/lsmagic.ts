/** `%lsmagic`: list the registered magics with their arguments. */
import * as aq from 'arquero';
import { show } from '../../notebook/show.js';
import type { TableLike } from '../../notebook/parts.js';
import { listMagics, type MagicSpec } from '../registry.js';
import { choicesOf } from '../args.js';

function argsText(m: MagicSpec): string {
  return Object.entries(m.args)
    .map(([k, a]) => `${k}${a.required ? '*' : ''}:${choicesOf(a) ? choicesOf(a)!.join('|') : a.type}${a.default !== undefined ? `=${String(a.default)}` : ''}`)
    .join(' ');
}

/** The rows %lsmagic shows: magic (with % or %%), description, args. */
export function magicRows(): Array<{ magic: string; description: string; args: string }> {
  return listMagics().map((m) => ({ magic: `${m.kind === 'cell' ? '%%' : '%'}${m.name}`, description: m.description, args: argsText(m) }));
}

export const lsmagicMagic: MagicSpec = {
  name: 'lsmagic',
  kind: 'line',
  description: 'List the registered magics and their arguments (* = required).',
  args: {},
  async run() {
    await show(aq.from(magicRows()) as unknown as TableLike, { limit: 1000 });
    return undefined;
  },
};
