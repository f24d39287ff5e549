/** Public API of magics: the registry, argument parsing, enableMagics() and the `magic` tagged template. */
export { registerMagic, getMagic, listMagics, dispatchMagic, runMagic, lookupVariable, magicLabel } from './registry.js';
export type { MagicSpec, MagicContext } from './registry.js';
export { parseArgs, validateArgs, tokenize, parseScalar } from './args.js';
export type { ArgSpec, ArgsSchema, ArgType, ArgValue, ArgScalar } from './args.js';
export { parseMagicCell, rewriteMagicCell, DISPATCH_GLOBAL } from './cell.js';
export type { MagicCell } from './cell.js';
export { enableMagics, installDispatcher } from './enable.js';
export { magic } from './tagged.js';
export { setSliceEngine, sliceMagic } from './builtins/slice.js';
export type { SliceEngine } from './builtins/slice.js';
export { setReadaptEngine, readaptMagic, type ReadaptEngine } from './builtins/readapt.js';
export { setRestructureEngine, restructureMagic, type RestructureEngine, type RestructureMagicResult } from './builtins/restructure.js';
export { vegaliteMagic } from './builtins/vegalite.js';
export { lsmagicMagic, magicRows } from './builtins/lsmagic.js';
export { registerBuiltinMagics, BUILTIN_MAGICS } from './builtins/register-all.js';
export { setExtendEngine, extendMagic, forgettingRows, type ExtendEngine } from './builtins/extend.js';
