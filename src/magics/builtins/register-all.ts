/** The built-in magics, registered once (idempotent: callers may invoke it any number of times). */
import { listMagics, registerMagic } from '../registry.js';
import { lsmagicMagic } from './lsmagic.js';
import { sliceMagic } from './slice.js';
import { readaptMagic } from './readapt.js';
import { extendMagic } from './extend.js';
import { restructureMagic } from './restructure.js';
import { vegaliteMagic } from './vegalite.js';

export const BUILTIN_MAGICS = [sliceMagic, readaptMagic, restructureMagic, extendMagic, vegaliteMagic, lsmagicMagic];

export function registerBuiltinMagics(): void {
  const have = new Set(listMagics().map((m) => m.name));
  for (const m of BUILTIN_MAGICS) if (!have.has(m.name)) registerMagic(m);
}
