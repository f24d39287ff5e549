/**
 * Semantic slicing (docs/algorithm.md): profiling, scoring, selection, categorisation, merging, the Slice and the
 * fidelity sweep. Sites, the executor, masks and compression accounting live in graph/ and masks/; they are
 * re-exported here because a slice is read through them.
 *
 * @example
 * import { slice, fidelitySweep, Slice } from './engine/slicing/index.js';
 * const s = await slice(model, data.train, { metric: 'taylor', theta: 0.95 });
 * await s.save('lenet5.slice.json');
 */
export * from './types.js';
export * from './profile/index.js';
export { findSites, logitsSource, forward, logitsOf, type LogitsSource, type ForwardOptions, type ForwardResult } from '../graph/index.js';
export { registerMetric, unregisterMetric, getMetric, listMetrics, scoresFrom, globalScoresFrom, normaliseRows, type MetricDef } from './metrics.js';
export {
  registerSelector, unregisterSelector, getSelector, listSelectors, selectCritical, selectSemantic, selectTopK, selectGlobalTopK, semanticPrefix,
  rankDescending, topKCount, checkTheta, checkK, THETA_TOLERANCE, type CriticalSets, type SelectionContext, type SelectorDef,
} from './selection.js';
export { categorise, categoriseSite, similarity, jaccardFromCounts } from './categorise.js';
export { averageLinkage, components, componentsOf, checkTau, dendrogram, mergeClasses, silhouette, AUTO_FALLBACK_TAU, type Tau, type MergeStep, type MergeResult } from './merge.js';
export { bootstrapStability, resamplePositions, warnSmallSample, STABLE_JACCARD, MIN_STABLE_SAMPLES } from './stability.js';
export { compareAtEqualCR, compareSweep, describeComparison, curveOf, interpolateAt, areaBetween, differenceAt, type AreaBetween, COMPARE_TOLERANCE, type CurvePoint, type ComparedPoint, type CurveComparison, type SweepComparison } from './compare.js';
export { subsetFidelity, bracketK, type SubsetFidelityRow, type SubsetFidelityOptions } from './subset-fidelity.js';
export { damageMatrix, describeDamage, knockoutSets, summarise as summariseDamage, type DamageMatrix, type DamageOptions, type DamageSummary } from './damage.js';
export { Slice, type SliceLoadOptions, type SliceSaveOptions } from './slice.js';
export { checkSliceFits, type SliceFitOptions, type SliceOrigin } from './slice-fit.js';
export { sliceSchema, validateSliceJSON, SCORE_DIGITS } from './slice-schema.js';
export { slice, sliceFromStats, type FromStatsOptions } from './slice-entry.js';
export { SLICE_DEFAULTS, resolveSliceOptions, type SliceOptions, type ResolvedSliceOptions } from './options.js';
export { maskFromNeurons, type NeuronMask } from '../masks/neuron-mask.js';
export { compressionRate, compressionReport, type CompressionReport, type LayerCompression } from '../masks/compression.js';
export { fidelitySweep, sweepRows, rowsToTable, beyondPaper, DEFAULT_THETAS, PAPER_THETAS, WIDE_THETAS, DEFAULT_KS, type FidelitySweepOptions } from './fidelity.js';
