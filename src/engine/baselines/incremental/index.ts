/** Incremental-development baselines as plain functions: replay samples, EWC's Fisher and penalty. */
export { replaySample, concatData } from './replay.js';
export { empiricalFisher, ewcPenalty, disposeEwc, type EwcState } from './ewc.js';
