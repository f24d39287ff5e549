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
import { ColumnTable, from as aqFrom } from 'arquero';
import { Slice, sweepRows } from './engine/slicing/index.js';
import * as modelsApi from './engine/models/index.js';
import { installRichDisplay, sliceDisplay, sliceText, sweepDisplay, sweepText } from './notebook/rich.js';
import { registerBuiltinMagics, setSliceEngine, setReadaptEngine, setRestructureEngine, setExtendEngine } from './magics/index.js';
import { readaptWorkload, restructure as restructureImpl } from './engine/maintenance/index.js';
import { extendCompare, INCREMENTAL_COMPARISON } from './engine/studies/index.js';
import { listPruners as listPrunersImpl } from './engine/pruning/index.js';
import { listPreSteps as listPreStepsImpl } from './engine/surgery/index.js';
import { listTrainSets } from './engine/masks/index.js';
import './engine/baselines/deeparc/index.js';
import { loadDataset } from './engine/data/index.js';
import { slice as sliceImpl, profile as profileImpl, fidelitySweep as fidelitySweepImpl } from './engine/slicing/index.js';
import { train as trainImpl } from './engine/train/index.js';
import { onFirstUse } from './engine/backend/index.js';
import { assertEveryClass } from './engine/data/checks.js';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from './engine/data/index.js';
import { criticalNeuronsChart, fidelityCurves } from './viz/index.js';
import * as vizModule from './viz/index.js';
import { selfDisplayingFunctions } from './notebook/last-value.js';
import type { FidelityRow } from './engine/slicing/types.js';

// Engine
export { initBackend, backendInfo, releaseBackend, type BackendInfo, type WebGPUAdapterInfo } from './engine/backend/index.js';
export * as data from './engine/data/index.js';
export type { Dataset, DatasetSplits } from './engine/data/index.js';
export { evaluate, predictLabels, evaluateMasked, applyMask, type EvaluateOptions, type EvaluateResult, type MaskedModel, type TrainOptions, type TrainHistory, type EpochMetrics } from './engine/train/index.js';
export {
  sliceFromStats, sweepRows, Slice, ProfileStats, findSites, forward,
  compressionRate, compressionReport, registerMetric, registerSelector, METRICS, CATEGORIES, METHODS,
  SLICE_DEFAULTS, DEFAULT_THETAS, DEFAULT_KS,
  type SliceOptions, type ProfileOptions, type FidelitySweepOptions, type Metric, type SliceJSON, type FidelityRow, type SiteInfo,
} from './engine/slicing/index.js';
export { compareAtEqualCR, compareSweep, describeComparison, subsetFidelity, damageMatrix, mergeClasses, type CurveComparison, type SubsetFidelityRow, type DamageMatrix } from './engine/slicing/index.js';
export * as slicing from './engine/slicing/index.js';
export * as studies from './engine/studies/index.js';
export * as graph from './engine/graph/index.js';

// The long-running entry points choose the backend on first use (initBackend's rule, SEMSLICE_BACKEND honoured)
// when no initBackend call did: without it tfjs would run them on its pure-JS cpu backend, 14-19x slower.
// (evaluate runs where the model's weights are: ss.models.load chooses the backend too.)
/** Train a model in place (see engine/train): `await ss.train(model, data.train, { epochs: 1 })`. */
export const train: typeof trainImpl = onFirstUse(trainImpl);
// Profiling data must hold every class: checked first, so an empty class is not reported as "no correctly
// classified samples" after the whole profiling pass.
const EVERY_CLASS = 'Profile with data that holds every class, e.g. data.train.perClassCap(500) rather than data.train.take(n).';
/** Slice a model on data (see engine/slicing): `await ss.slice(model, data, { metric: 'taylor', theta: 0.95 })`. */
export const slice: typeof sliceImpl = onFirstUse((model, data, opts) => {
  assertEveryClass(data, EVERY_CLASS);
  return sliceImpl(model, data, opts);
});
/** Raw per-class statistics: `await ss.profile(model, data)`. */
export const profile: typeof profileImpl = onFirstUse((model, data, opts) => {
  assertEveryClass(data, EVERY_CLASS);
  return profileImpl(model, data, opts);
});
/** Compression rate against accuracy: `await ss.fidelitySweep(model, data.test, { profileData: data.train })`. */
export const fidelitySweep: typeof fidelitySweepImpl = onFirstUse((model, data, opts) => {
  assertEveryClass(opts?.profileData ?? data, EVERY_CLASS);
  return fidelitySweepImpl(model, data, opts);
});
export { SemsliceError, isSemsliceError } from './engine/errors.js';
export { restructure, assertRetention, type RestructureOptions, type RestructureResult, type RestructureRow, type RetentionContract } from './engine/maintenance/index.js';
export { extendCompare, INCREMENTAL_COMPARISON, type ExtendCompareOptions, type ExtendComparison, type ExtendRun } from './engine/studies/index.js';
export { extend, extendSequence, sliceTask, thetaChoiceOf, TASK_THETA_GRID, capacityMeter, type ExtendOptions, type ExtendResult, type SequenceResult, type CapacityReport, type TaskSliceOptions, type ThetaChoice } from './engine/maintenance/index.js';
export { listIncrementalMethods, registerIncrementalMethod, oldTaskFreezeMasks, type IncrementalMethodDef } from './engine/masks/incremental-methods.js';
import './engine/baselines/incremental/index.js';
export { removeNeurons, removeNeuronsDetailed, registerPreStep, listPreSteps, type SurgeryResult } from './engine/surgery/index.js';
export { registerPruner, listPruners, PruningState, type PrunerDef } from './engine/pruning/index.js';
export * as deeparc from './engine/baselines/deeparc/index.js';
export { readapt, readaptWorkload, type ReadaptWorkloadOptions, type ReadaptWorkloadResult, type ReadaptOptions, type ReadaptResult, type ReadaptRow, type FrozenChecksum } from './engine/maintenance/index.js';
export { fgsm, pgd, mutants, attackDefaults, type AttackOptions, type AdversarialSet, type MutantOptions, type Mutant } from './engine/workloads/index.js';
export { registerTrainSet, listTrainSets, type TrainSetDef } from './engine/masks/index.js';
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
installRichDisplay(Slice, (s) => sliceDisplay(s.toJSON(), { chart: (j) => criticalNeuronsChart(j) }), {
  name: 'slice', text: (s) => sliceText(s.toJSON()),
});
installRichDisplay(ColumnTable as unknown as new (...a: any[]) => InstanceType<typeof ColumnTable>, (t) =>
  isSweepTable(t)
    ? sweepDisplay(sweepRows(t), { chart: (rows: FidelityRow[]) => fidelityCurves(rows) })
    : [{ kind: 'table', table: t }],
{ name: 'arquero-table', text: (t) => (isSweepTable(t) ? sweepText(sweepRows(t)) : t.toString()) });
registerBuiltinMagics();
setSliceEngine({
  loadModel: (dir) => modelsApi.loadModel(dir),
  loadData: (name) => loadDataset(name),
  slice: (model, data, opts) => slice(model as tf.LayersModel, data as Dataset, opts),
});
setReadaptEngine({
  loadModel: (dir) => modelsApi.loadModel(dir),
  loadData: (name) => loadDataset(name),
  methods: () => listTrainSets(),
  run: (model, data, opts, s) => readaptWorkload(model as tf.LayersModel, data as { train: Dataset; test: Dataset }, opts as unknown as Parameters<typeof readaptWorkload>[2], s as Slice | null),
});

setExtendEngine({
  loadModel: (dir) => modelsApi.loadModel(dir),
  loadData: (name) => loadDataset(name),
  methods: () => INCREMENTAL_COMPARISON.map((m) => m.label),
  run: (model, data, opts, s) => extendCompare(model as tf.LayersModel, data as { train: Dataset; test: Dataset }, opts as Parameters<typeof extendCompare>[2], (s ?? null) as Slice | null),
});

setRestructureEngine({
  loadModel: (dir) => modelsApi.loadModel(dir),
  loadData: (name) => loadDataset(name),
  slice: (model, train, opts) => slice(model as tf.LayersModel, (train as Dataset).perClassCap(100), opts),
  restructure: (model, s, opts) => restructureImpl(model as tf.LayersModel, (s ?? null) as Slice | null, opts as unknown as Parameters<typeof restructureImpl>[2]),
  take: (d, n) => ((d as Dataset).size > n ? (d as Dataset).take(n) : d),
  table: (rows) => aqFrom(rows),
  pruners: () => listPrunersImpl(),
  preSteps: () => listPreStepsImpl(),
  dispose: (r) => (r as unknown as { model: tf.LayersModel }).model.dispose(),
});

function isSweepTable(t: InstanceType<typeof ColumnTable>): boolean {
  const cols = t.columnNames();
  return ['method', 'metric', 'cr', 'accuracy', 'perClass'].every((c) => cols.includes(c));
}
