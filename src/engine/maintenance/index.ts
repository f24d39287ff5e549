/** Maintenance strategies: restructure (RQ2); per-class retention contracts shared by every strategy. */
export { restructure, type RestructureOptions, type RestructureResult, type RestructureRow, type RestructureManifest, type FineTuneOptions } from './restructure.js';
export { assertRetention, checkRetention, retentionMethod, type RetentionContract, type RetentionRow, type Retains } from './retention.js';
export { readapt, type ReadaptOptions, type ReadaptResult, type ReadaptRow, type ReadaptManifest, type FrozenChecksum } from './readapt.js';
