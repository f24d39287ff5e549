import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import { assertFitsModel, loadDataset, type Dataset } from '../../engine/data/index.js';
import { loadModel } from '../../engine/models/index.js';
import { dataMismatch, degenerateModel } from '../../engine/models/sanity.js';
import { SemsliceError } from '../../engine/errors.js';
import { fail } from '../../engine/messages/index.js';
import { checkProfileData, slice, compressionRate, listMetrics, listSelectors, SLICE_DEFAULTS, type Slice } from '../../engine/slicing/index.js';
import { evaluateMasked } from '../../engine/train/index.js';
import { progressCallback } from '../../notebook/progress.js';
import { BACKEND_FLAG, choiceArg, intArg, rangeArg, tauArg } from '../options.js';
import { checkFileOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';

interface SliceFlags {
  model: string; data: string; split: string; metric: string; method: string; theta?: number; k?: number; tau: number | 'auto';
  limit?: number; maxPerClass?: number; allSamples?: boolean; out?: string; force?: boolean; backend?: string; evaluate?: boolean;
  anyData?: boolean; bootstrap?: number;
}

const SPLITS = ['train', 'test'] as const;
const METHOD_PARAM: Record<string, 'theta' | 'k'> = { semantic: 'theta', 'category-topk': 'k', 'global-topk': 'k' };

/** --theta belongs to the semantic method, --k to the top-k ones: a flag the method ignores is an error, not a no-op. */
function checkMethodFlags(f: SliceFlags): void {
  const param = METHOD_PARAM[f.method];
  if (param === undefined) return; // unknown methods get the engine's did-you-mean error
  if (param === 'theta' && f.k !== undefined) {
    throw fail('FLAG_NOT_USED', { flag: 'k', value: f.k, method: f.method });
  }
  if (param === 'k' && f.theta !== undefined) {
    throw fail('FLAG_NOT_USED', { flag: 'theta', value: f.theta, method: f.method });
  }
  if (param === 'k' && f.k === undefined) {
    throw fail('FLAG_MISSING', { method: f.method, flag: 'k', example: 50 });
  }
}

/**
 * Data of another dataset than the model's, data that does not fit it (shape, labels beyond its classes), a class
 * with no samples, and a model that predicts one class for everything stop the run, in that order (each names the
 * true cause before a later check could blame its consequence).
 */
async function checkModelAndData(model: tf.LayersModel, data: Dataset, f: SliceFlags): Promise<void> {
  const mismatch = dataMismatch(model, data);
  if (mismatch && !f.anyData) {
    throw fail('DATA_MISMATCH', { model: f.model, trainedOn: mismatch.trainedOn, given: mismatch.given });
  }
  assertFitsModel(data, model.inputs[0]!.shape);
  checkProfileData(model, data, { everyClass: false });
  checkEveryClass(data, f);
  const d = await degenerateModel(model, data);
  if (d) {
    throw fail('DEGENERATE_MODEL', { model: f.model, predicted: data.classNames[d.predicted] ?? String(d.predicted), checked: d.checked });
  }
}

export function registerSlice(program: Command): void {
  program
    .command('slice')
    .description('Profile a model on data, find the critical neurons of every class, merge them into components.')
    .requiredOption('--model <dir>', 'model folder (model.json + weights)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .option('--split <split>', 'split to profile on: train or test', choiceArg('--split', SPLITS), 'train')
    .option('--metric <name>', `contribution metric: ${listMetrics().join(', ')}`, choiceArg('--metric', listMetrics()), SLICE_DEFAULTS.metric)
    .option('--method <name>', 'semantic (theta), category-topk or global-topk (k)', choiceArg('--method', listSelectors()), SLICE_DEFAULTS.method)
    .option('--theta <x>', `cumulative share kept per class and site, in (0, 1] (semantic; default ${SLICE_DEFAULTS.theta})`, rangeArg('--theta', 0, 1, { min: true }))
    .option('--k <percent>', 'percent of neurons kept, in (0, 100] (top-k baselines)', rangeArg('--k', 0, 100, { min: true }))
    .option('--tau <x|auto>', 'where to cut the class dendrogram: a similarity in [0, 1], or auto', tauArg, SLICE_DEFAULTS.tau)
    .option('--limit <n>', 'profile the first n samples of the split only', intArg('--limit'))
    .option('--max-per-class <n>', 'at most n samples per class', intArg('--max-per-class'))
    .option('--all-samples', 'profile misclassified samples too (default: correctly classified only)')
    .option('--any-data', 'allow --data other than the dataset the model was trained on')
    .option('--bootstrap <n>', 'also measure how stable each class\'s critical set is over n resampled profiles (0 = not)', intArg('--bootstrap', 0))
    .option('--evaluate', 'also report CR and test accuracy of the masked model')
    .option('--out <file>', 'write the slice as JSON')
    .option('--force', 'replace an existing --out file that semslice wrote (never other files)')
    .option(...BACKEND_FLAG)
    .action(async (f: SliceFlags) => {
      checkMethodFlags(f);
      if (f.out) await checkFileOut(f.out, 'slice file', f.force);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      try {
        await sliceAndReport(model, f);
      } finally {
        model.dispose();
      }
    });
}

async function sliceAndReport(model: tf.LayersModel, f: SliceFlags): Promise<void> {
  const splits = await loadDataset(f.data);
  const base = f.split === 'test' ? splits.test : splits.train;
  const data = f.limit ? base.take(f.limit) : base;
  await checkModelAndData(model, data, f);
  const s = await slice(model, data, {
    metric: f.metric, method: f.method, theta: f.theta, k: f.k ?? null, tau: f.tau, bootstrap: f.bootstrap ?? 0,
    onlyCorrect: !f.allSamples, maxPerClass: f.maxPerClass ?? null, onProgress: progressCallback('semslice'),
  });
  printSliceSummary(s);
  if (f.evaluate) {
    const mask = s.mask();
    const cr = compressionRate(model, mask);
    const ev = await evaluateMasked(model, splits.test, mask, { batchSize: 512 });
    console.log(`\nmasked model: CR ${pct(cr)}, test accuracy ${pct(ev.accuracy, 2)} on ${splits.test.size} samples`);
  }
  if (f.out) {
    await s.save(f.out, { force: f.force, option: 'out' });
    console.log(`\nslice written to ${f.out}`);
  }
}

/** A class with no samples at all cannot be profiled: say so in terms of the flags that chose the samples. */
function checkEveryClass(data: Dataset, f: SliceFlags): void {
  const counts = data.classCounts();
  const empty = counts.map((n, c) => (n === 0 ? c : -1)).filter((c) => c >= 0);
  if (empty.length === 0) return;
  const classes = empty.map((c) => ({ name: data.classNames[c] ?? String(c), label: c }));
  throw fail('NO_SAMPLES', { case: 'none', classes, dataset: `${f.data}/${f.split}`, ...(f.limit ? { limit: f.limit } : {}) });
}

/** The readable summary `semslice slice` prints: per site counts by category, then the components. */
export function printSliceSummary(s: Slice): void {
  const p = s.params;
  console.log(`\nslice: ${p.method}, metric ${p.metric}, ${p.method === 'semantic' ? `theta ${p.theta}` : `k ${p.k}%`}, tau ${p.tau}; `
    + `${s.counts.reduce((a, b) => a + b, 0)} profiled samples (${p.onlyCorrect ? 'correctly classified only' : 'all'})`);
  const rows = s.summary().objects() as Array<Record<string, unknown>>;
  const cols = ['site', 'kind', 'neurons', 'critical', 'exclusive', 'shared', 'common', 'idle'];
  console.log(formatTable(cols, rows.map((r) => cols.map((c) => String(r[c])))));
  const names = s.classNames;
  console.log(`\n${s.components.length} semantic component(s)`);
  s.components.forEach((c, i) => {
    const sizes = Object.entries(c.neurons).map(([site, n]) => `${site} ${n.length}`).join(', ');
    console.log(`  #${i + 1} classes ${c.classes.map((k) => names[k] ?? String(k)).join(', ')}: ${sizes}`);
  });
  const st = s.stability;
  if (st) {
    const per = st.classes.map((c, i) => `${names[c] ?? c} ${st.jaccard[i]!.toFixed(2)}`).join(', ');
    console.log(`
stability over ${st.replicates} bootstrap profiles (mean Jaccard of each class's critical set; 1 = the same neurons every time): ${per}`);
  }
}
