/** Maintenance strategies: restructure (RQ2); per-class retention contracts shared by every strategy. */
export { restructure, type RestructureOptions, type RestructureResult, type RestructureRow, type RestructureManifest, type FineTuneOptions } from './restructure.js';
export { assertRetention, checkRetention, retentionMethod, type RetentionContract, type RetentionRow, type Retains } from './retention.js';
export { readapt, type ReadaptOptions, type ReadaptResult, type ReadaptRow, type ReadaptManifest, type FrozenChecksum } from './readapt.js';
export { extend, type ExtendOptions, type ExtendResult, type ExtendRow, type ExtendTask, type ExtendManifest, type FrozenChecksums, type LogitsCheck } from './extend.js';
export { capacityMeter, classLabel, type CapacityReport, type CapacityRow } from './capacity.js';
export { incrementalAccuracy, type IncrementalAccuracy, type InferenceTask } from './incremental-eval.js';
export { sliceTask, thetaChoiceOf, TASK_THETA_GRID, type TaskSliceOptions, type ThetaChoice } from './slice-task.js';
export { extendSequence, type ExtendSequenceOptions, type SequenceResult, type SequenceRow } from './extend-sequence.js';
export { readaptWorkload, type ReadaptWorkloadOptions, type ReadaptWorkloadResult } from './readapt-workload.js';
