/**
 * Public API of the slicing computation core: sites, the forward executor, masked evaluation and profiling.
 * (The lead merges these into src/engine/slicing's exports.)
 */
export { findSites, logitsSource, type LogitsSource } from '../../graph/index.js';
export { forward, logitsOf, type ForwardOptions, type ForwardResult } from '../../graph/executor.js';
export { profile, closeProfileWorkers } from './profile.js';
export { ProfileStats } from './stats.js';
export { RAW_METRICS, resolveProfileOptions, type ProfileOptions, type RawMetric, type ResolvedProfileOptions } from './options.js';
