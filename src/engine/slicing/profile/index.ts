/** Profiling: one pass over the data computing every metric's raw per-class statistics, on worker threads if asked. */
export { profile, closeProfileWorkers, checkProfileData } from './profile.js';
export { ProfileStats } from './stats.js';
export { RAW_METRICS, resolveProfileOptions, type ProfileOptions, type RawMetric, type ResolvedProfileOptions } from './options.js';
