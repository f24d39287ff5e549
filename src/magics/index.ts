/** Public API of magics: the registry, argument parsing, enableMagics() and the `magic` tagged template. */
export { registerMagic, getMagic, listMagics, dispatchMagic, runMagic, lookupVariable, magicLabel } from './registry.js';
export type { MagicSpec, MagicContext } from './registry.js';
export { parseArgs, validateArgs, tokenize, parseScalar } from './args.js';
export type { ArgSpec, ArgsSchema, ArgType, ArgValue, ArgScalar } from './args.js';
export { parseMagicCell, rewriteMagicCell, DISPATCH_GLOBAL } from './cell.js';
export type { MagicCell } from './cell.js';
export { enableMagics, installDispatcher } from './enable.js';
export { magic } from './tagged.js';
export { magicEngine } from './engine.js';
export { sliceMagic } from './builtins/slice.js';
export { readaptMagic } from './builtins/readapt.js';
export { restructureMagic } from './builtins/restructure.js';
export { vegaliteMagic } from './builtins/vegalite.js';
export { lsmagicMagic, magicRows } from './builtins/lsmagic.js';
export { registerBuiltinMagics, BUILTIN_MAGICS } from './builtins/register-all.js';
export { extendMagic, forgettingRows } from './builtins/extend.js';
