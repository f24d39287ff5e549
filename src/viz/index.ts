/**
 * semslice/viz: pure chart builders (result -> Vega-Lite spec), a chart registry, and lazy SVG rendering.
 * Nothing here imports vega at module load (see render.ts), and nothing depends on the engine beyond its types.
 */
export { VEGA_LITE_SCHEMA, VEGA_LITE_MIME } from './types.js';
export type { VegaLiteSpec, ChartBundle, SizeOptions } from './types.js';
export { OKABE_ITO, CATEGORY_COLORS, METHOD_STYLE } from './theme.js';
export { criticalNeuronsChart, criticalNeuronRows } from './critical-neurons.js';
export type { CriticalNeuronsOptions, CriticalNeuronRow } from './critical-neurons.js';
export { similarityHeatmap, similarityCells } from './similarity-heatmap.js';
export type { SimilarityHeatmapOptions, SimilarityCell } from './similarity-heatmap.js';
export { componentsChart, componentMembership, componentNeurons, componentLabel } from './components-chart.js';
export type { ComponentsChartOptions } from './components-chart.js';
export { fidelityCurves, fidelityPoints } from './fidelity-curves.js';
export type { FidelityCurvesOptions, FidelityPoint } from './fidelity-curves.js';
export { trainingCurves, trainingPoints } from './training-curves.js';
export type { TrainingCurvesOptions, TrainingPoint } from './training-curves.js';
export { perClassAccuracy, perClassPoints } from './per-class-accuracy.js';
export type { PerClassAccuracyInput, PerClassAccuracyOptions, PerClassPoint } from './per-class-accuracy.js';
export { stabilityChart } from './stability-chart.js';
export type { StabilityChartOptions } from './stability-chart.js';
export { damageHeatmap } from './damage-heatmap.js';
export type { DamageHeatmapOptions } from './damage-heatmap.js';
export { subsetFidelityChart, subsetPoints } from './subset-fidelity-chart.js';
export type { SubsetPoint } from './subset-fidelity-chart.js';
export { renderSvg, compileSpec, toChartBundle, chartText, loadVega, normaliseIds } from './render.js';
export type { RenderOptions, CompiledSpec } from './render.js';
export { registerChart, unregisterChart, buildChart, listCharts } from './registry.js';
export type { ChartEntry, RegisterChartOptions } from './registry.js';
export { imageGrid, type ImageGridInput, type ImageGridOptions, type GridImage } from './image-grid.js';
export { readaptCurves, readaptTradeoff, type ReadaptCurve, type ReadaptTradeoff } from './readapt-curves.js';
export { restructureCurves, niBars, classDamage, type RestructureRun, type RestructureCurvesOptions, type ClassDamageInput } from './restructure-charts.js';
export { forgettingChart, forgettingPoints, capacityChart, capacityPoints, FORGETTING_MEASURES, type ForgettingRow, type CapacityInput } from './incremental-charts.js';
