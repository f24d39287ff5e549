/**
 * semslice: neuron-level semantic slicing of trained image classifiers (NeuSemSlice), on TensorFlow.js, native in
 * Jupyter (tslab) and in HTML reports.
 *
 * @example
 * import * as ss from 'semslice';            // in tslab from this repo: import * as ss from '../dist/index.js'
 * await ss.initBackend();                     // tensorflow -> webgpu (a GPU) -> wasm -> cpu, printed
 * const data = await ss.data.mnist();
 * const model = await ss.models.load('models/lenet5-mnist');
 * const s = await ss.slice(model, data.train.take(2000), { metric: 'taylor', theta: 0.95 });
 * s                                           // last value of a cell: summary table and chart
 * const sweep = await ss.fidelitySweep(model, data.test.take(2000), { metrics: ['taylor', 'avg'] });
 * ss.show(ss.viz.fidelityCurves(ss.sweepRows(sweep)));
 */
import { ColumnTable } from 'arquero';
import { Slice, sweepRows } from './engine/slicing/index.js';
import * as modelsApi from './engine/models/index.js';
import { installRichDisplay, sliceDisplay, sliceText, sweepDisplay, sweepText } from './notebook/rich.js';
import { registerBuiltinMagics } from './magics/index.js';
import { slice as sliceImpl, profile as profileImpl, fidelitySweep as fidelitySweepImpl } from './engine/slicing/index.js';
import { train as trainImpl } from './engine/train/index.js';
import { onFirstUse } from './engine/backend/index.js';
import * as vizModule from './viz/index.js';
import { selfDisplayingFunctions } from './notebook/last-value.js';

// Engine
export { initBackend, backendInfo, releaseBackend, type BackendInfo, type WebGPUAdapterInfo } from './engine/backend/index.js';
export * as data from './engine/data/index.js';
export type { Dataset, DatasetSplits } from './engine/data/index.js';
export { evaluate, predictLabels, evaluateMasked, applyMask, type EvaluateOptions, type EvaluateResult, type MaskedModel, type TrainOptions, type TrainHistory, type EpochMetrics } from './engine/train/index.js';
export { recomputeBatchNormStatistics, type RecomputeBatchNormOptions } from './engine/train/index.js';
export {
  sliceFromStats, sweepRows, Slice, ProfileStats, findSites, forward,
  compressionRate, compressionReport, registerMetric, registerSelector, METRICS, CATEGORIES, METHODS,
  SLICE_DEFAULTS, DEFAULT_THETAS, DEFAULT_KS,
  type SliceOptions, type ProfileOptions, type FidelitySweepOptions, type Metric, type SliceJSON, type FidelityRow, type SiteInfo,
} from './engine/slicing/index.js';
export { compareAtEqualCR, compareSweep, describeComparison, describeDamage, subsetFidelity, damageMatrix, mergeClasses, areaBetween, differenceAt, curveOf, type AreaBetween, type CurveComparison, type SubsetFidelityRow, type DamageMatrix } from './engine/slicing/index.js';
export * as slicing from './engine/slicing/index.js';
export * as studies from './engine/studies/index.js';
export * as graph from './engine/graph/index.js';

// The long-running entry points choose the backend on first use (initBackend's rule, SEMSLICE_BACKEND honoured)
// when no initBackend call did: without it tfjs would run them on its pure-JS cpu backend, 14-19x slower.
// (evaluate runs where the model's weights are: ss.models.load chooses the backend too.)
/** Train a model in place (see engine/train): `await ss.train(model, data.train, { epochs: 1 })`. */
export const train: typeof trainImpl = onFirstUse(trainImpl);
/** Slice a model on data (see engine/slicing): `await ss.slice(model, data, { metric: 'taylor', theta: 0.95 })`. */
export const slice: typeof sliceImpl = onFirstUse(sliceImpl);
/** Raw per-class statistics: `await ss.profile(model, data)`. */
export const profile: typeof profileImpl = onFirstUse(profileImpl);
/** Compression rate against accuracy: `await ss.fidelitySweep(model, data.test, { profileData: data.train })`. */
export const fidelitySweep: typeof fidelitySweepImpl = onFirstUse(fidelitySweepImpl);
export { SemsliceError, isSemsliceError, type ErrorCode } from './engine/errors.js';
// Maintenance: the slice policy, the three strategies, their method lists and comparison drivers, the defaults table.
export {
  taskSlice, givenSliceChoice, THETA_GRID, SLICE_POLICY_DEFAULTS, MAINTENANCE_DEFAULTS, checkSliceFits, maintenanceSplits, applyStopRule, assertRetention,
  restructure, compareRestructure, describeRestructure, trajectoryAtCR, registerRestructureMethod, listRestructureMethods,
  readapt, compareReadapt, describeReadapt, readaptRunLabel, registerReadaptMethod, listReadaptMethods, READAPT_WORKLOADS,
  extend, compareExtend, describeExtend, extendSequence, registerExtendMethod, listExtendMethods, INCREMENTAL_COMPARISON, capacityMeter,
  type SlicePolicyOptions, type SliceChoice, type TaskSlice, type MaintenanceData, type MaintenanceDefaults, type FrozenCheck, type RetentionContract,
  type RestructureOptions, type RestructureResult, type RestructureRow, type RestructureComparison, type RestructureComparisonOptions, type RestructureMethodDef,
  type ReadaptOptions, type ReadaptResult, type ReadaptRow, type ReadaptComparison, type ReadaptComparisonOptions, type ReadaptMethodDef, type ReadaptRun, type ReadaptSliceSpec,
  type ExtendOptions, type ExtendResult, type ExtendComparison, type ExtendComparisonOptions, type ExtendRun, type ExtendMethodDef, type SequenceResult, type CapacityReport,
} from './engine/maintenance/index.js';
export { oldTaskFreezeMasks, neuronTrainMasks, randomNeuronsLike, mostActiveLike } from './engine/masks/index.js';
export { removeNeurons, removeNeuronsDetailed, type SurgeryResult } from './engine/surgery/index.js';
export { registerPruner, listPruners, PruningState, type PrunerDef } from './engine/pruning/index.js';
export * as baselines from './engine/baselines/index.js';
export { fgsm, pgd, mutants, attackDefaults, type AttackOptions, type AdversarialSet, type AttackKeep, type MutantOptions, type Mutant } from './engine/workloads/index.js';
export { withLogger, setLogger, type Logger, type ProgressEvent, type ProgressCallback } from './engine/log.js';

/** Models: the zoo (build), save and load, summaries and fingerprints. `models.load(dir)` = loadModel. */
export const models = {
  ...modelsApi,
  /** Load a saved model folder (model.json + weights). @example await ss.models.load('models/lenet5-mnist') */
  load: modelsApi.loadModel,
  /** Save a model folder atomically. @example await ss.models.save(model, 'models/mine') */
  save: modelsApi.saveModel,
  /** Build a fresh zoo model. @example ss.models.build('lenet5', { inputShape: [28, 28, 1], numClasses: 10 }) */
  build: modelsApi.buildModel,
};

// Display, notebooks, magics, reports
/** Chart builders (src/viz); a chart they return displays itself as a chart when it is a cell's last value. */
export const viz: typeof vizModule = selfDisplayingFunctions(vizModule);
export {
  show, table, progress, progressCallback, friendly, inKernel, registerDisplay, installRichDisplay, runMetadata,
} from './notebook/index.js';
export * as notebook from './notebook/index.js';
export { enableMagics, magic, registerMagic, listMagics } from './magics/index.js';
export * as report from './report/index.js';

// A Slice and a fidelity-sweep table display themselves when they are a cell's last value.
installRichDisplay(Slice, (s) => sliceDisplay(s.toJSON()), {
  name: 'slice', text: (s) => sliceText(s.toJSON()),
});
installRichDisplay(ColumnTable as unknown as new (...a: any[]) => InstanceType<typeof ColumnTable>, (t) =>
  isSweepTable(t)
    ? sweepDisplay(sweepRows(t))
    : [{ kind: 'table', table: t }],
{ name: 'arquero-table', text: (t) => (isSweepTable(t) ? sweepText(sweepRows(t)) : t.toString()) });
registerBuiltinMagics();
function isSweepTable(t: InstanceType<typeof ColumnTable>): boolean {
  const cols = t.columnNames();
  return ['method', 'metric', 'cr', 'accuracy', 'perClass'].every((c) => cols.includes(c));
}
