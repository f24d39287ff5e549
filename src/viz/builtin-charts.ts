/**
 * The built-in chart registry entries, in one list (the registry seeds itself from it). Adding a built-in chart:
 * write the builder in its own file, add its entry here, add a test in test/viz.
 */
import { componentsChart } from './components-chart.js';
import { criticalNeuronsChart } from './critical-neurons.js';
import { fidelityCurves } from './fidelity-curves.js';
import { perClassAccuracy } from './per-class-accuracy.js';
import { similarityHeatmap } from './similarity-heatmap.js';
import { trainingCurves } from './training-curves.js';
import { stabilityChart } from './stability-chart.js';
import { damageHeatmap } from './damage-heatmap.js';
import { subsetFidelityChart } from './subset-fidelity-chart.js';
import { imageGrid } from './image-grid.js';
import { readaptCurves, readaptTradeoff } from './readapt-curves.js';
import { classDamage, niBars, restructureCurves } from './restructure-charts.js';
import { capacityChart, forgettingChart } from './incremental-charts.js';
import type { ChartEntry } from './registry.js';

export const BUILTIN_CHARTS: ChartEntry<any, any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  { name: 'critical-neurons', description: 'Critical neurons per class and site, stacked by category. Input: SliceJSON.', build: criticalNeuronsChart },
  { name: 'similarity-heatmap', description: 'Class x class Jaccard similarity of critical sets (overall or { site }). Input: SliceJSON.', build: similarityHeatmap },
  { name: 'components', description: 'Semantic components: member classes and neurons per site. Input: SliceJSON.', build: componentsChart },
  { name: 'fidelity-curves', description: 'RQ1: accuracy % against CR % per method and metric. Input: FidelityRow[].', build: fidelityCurves },
  { name: 'training-curves', description: 'Loss and accuracy per epoch, train and validation. Input: TrainHistory or EpochMetrics[].', build: trainingCurves },
  { name: 'stability', description: 'Bootstrap stability: per-class critical-set Jaccard and pairwise co-membership. Input: SliceJSON with stability.', build: stabilityChart },
  { name: 'damage-matrix', description: 'Accuracy lost per class when each class\'s own neurons are switched off. Input: DamageMatrix.', build: damageHeatmap },
  { name: 'subset-fidelity', description: 'Class-subset slices: accuracy against category-wise top-k at the same CR. Input: SubsetFidelityRow[].', build: subsetFidelityChart },
  { name: 'image-grid', description: 'Small grid of grayscale images by row (e.g. clean vs adversarial). Input: { height, width, images: [{ pixels, title, row }] }.', build: imageGrid },
  { name: 'readapt-curves', description: 'RQ3: held-out new-sample and clean accuracy per optimiser step, a line per method. Input: [{ method, rows }].', build: readaptCurves },
  { name: 'readapt-tradeoff', description: 'RQ3: held-out new-sample against clean accuracy per clean ratio, a line per method. Input: [{ method, points: [{ ratio, newAccuracy, cleanAccuracy }] }].', build: readaptTradeoff },
  { name: 'restructure-curves', description: 'RQ2: accuracy % against CR % along the pruning iterations, a line per method. Input: [{ method, rows }].', build: restructureCurves },
  { name: 'ni-bars', description: 'RQ2: pruning iterations (NI) per method, CR and MA in the tooltip. Input: [{ method, ni, cr, ma, reached }].', build: niBars },
  { name: 'class-damage', description: 'Accuracy points lost per class and method. Input: { classNames, before, methods: [{ method, perClass }] }.', build: classDamage },
  { name: 'forgetting', description: 'RQ4: old-task accuracy before and after, new-task and all-class accuracy, grouped by method. Input: [{ method, oldBefore, oldAfter, newAfter, allAfter? }].', build: forgettingChart },
  { name: 'capacity', description: 'RQ4 capacity meter: per site, neurons read by the tasks so far and neurons free, with the warning threshold. Input: CapacityReport.', build: capacityChart },
  { name: 'per-class-accuracy', description: 'Grouped bars of accuracy per class. Input: { classNames, series: [{ name, perClass }] }.', build: perClassAccuracy },
];
