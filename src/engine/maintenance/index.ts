/**
 * Maintenance: restructure (RQ2), readapt (RQ3), extend (RQ4), each with its method list and its one comparison
 * driver, over what they share (common/: the slice policy, the slice-vs-model rule, frozen-weight checks, parameter
 * counts, splits, manifests, the stop rule, the defaults table, retention contracts).
 */
export { taskSlice, givenSliceChoice, policyOf, THETA_GRID, SLICE_POLICY_DEFAULTS, type SlicePolicyOptions, type SliceChoice, type TaskSlice } from './common/task-slice.js';
export { checkSliceFits, type SliceFitOptions, type SliceOrigin } from './common/slice-check.js';
export { compareFrozen, frozenValues, type FrozenCheck, type FrozenWeight, type FrozenValues, type WeightMasks } from './common/frozen.js';
export { countParams, onesOf, weightSize } from './common/params.js';
export { maintenanceSplits, dataRecord, VALIDATION_SPLIT, type MaintenanceData, type MaintenanceSplits, type DataRecord } from './common/data.js';
export { manifestBase, sliceRecord, type ManifestBase, type SliceRecord, type TrainBudget } from './common/manifest.js';
export { applyStopRule, type StopOutcome, type StopReason, type StopRow } from './common/stop-rule.js';
export { MAINTENANCE_DEFAULTS, type MaintenanceDefaults, type RestructureDefaults, type ReadaptDefaults, type ExtendDefaults } from './common/defaults.js';
export { assertRetention, checkRetention, retentionMethod, type RetentionContract, type RetentionRow, type Retains } from './common/retention.js';

export { restructure, type RestructureOptions, type RestructureResult, type RestructureRow, type RestructureManifest, type FineTuneOptions } from './restructure/restructure.js';
export { registerRestructureMethod, getRestructureMethod, listRestructureMethods, restructureMethodsFor, type RestructureMethodDef, type PreStepContext, type PreStepOutcome } from './restructure/methods.js';
export { compareRestructure, describeRestructure, type RestructureComparisonOptions, type RestructureComparison, type RestructureRun } from './restructure/compare.js';
export { trajectoryAtCR, type TrajectoryReadout } from './restructure/trajectory.js';

export { readapt, type ReadaptOptions, type ReadaptResult, type ReadaptRow, type ReadaptManifest } from './readapt/readapt.js';
export { registerReadaptMethod, getReadaptMethod, listReadaptMethods, type ReadaptMethodDef, type ReadaptMethodContext, type ReadaptChoice } from './readapt/methods.js';
export { compareReadapt, describeReadapt, READAPT_WORKLOADS, type ReadaptWorkload, type ReadaptComparisonOptions, type ReadaptComparison, type ReadaptRun, type ReadaptSliceSpec, readaptRunLabel } from './readapt/compare.js';

export { extend, type ExtendOptions, type ExtendResult, type ExtendRow, type ExtendTask, type ExtendManifest, type ExtendBudget, type ExtendCurvePoint, type TrainedShare, type LogitsCheck } from './extend/extend.js';
export { registerExtendMethod, getExtendMethod, listExtendMethods, extendArm, INCREMENTAL_COMPARISON, EWC_LAMBDA_GRID, DEFAULT_REPLAY, type ExtendMethodDef, type ExtendMethodContext, type ExtendPlan, type ExtendArm, type ExtendHeads } from './extend/methods.js';
export { compareExtend, describeExtend, type ExtendComparisonOptions, type ExtendComparison, type ExtendRun } from './extend/compare.js';
export { extendSequence, type ExtendSequenceOptions, type SequenceResult, type SequenceRow } from './extend/sequence.js';
export { capacityMeter, classLabel, type CapacityReport, type CapacityRow } from './extend/capacity.js';
export { incrementalAccuracy, type IncrementalAccuracy, type InferenceTask } from './extend/incremental-eval.js';
