/** Weight pruners (registry: lamp, global, uniform-plus, erk) and the iterative pruning state. */
export { registerPruner, getPruner, listPruners, type PrunerDef } from './registry.js';
export { lampScores, lampCounts, globalCounts, uniformPlusCounts, erkCounts, roundHalfEven, type PrunableLayer } from './pruners.js';
export { PruningState, prunableKernels, type PruneStepResult } from './schedule.js';
