import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../engine/backend/index.js';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel } from '../../engine/models/index.js';
import { slice, compressionRate, evaluateMasked, type Slice } from '../../engine/slicing/index.js';
import { progressCallback } from '../../notebook/progress.js';
import { BACKEND_FLAG, intArg, numberArg } from '../options.js';
import { assertOutputFree } from '../output.js';
import { formatTable, pct } from '../format.js';

interface SliceFlags {
  model: string; data: string; split: string; metric: string; method: string; theta?: number; k?: number; tau: number;
  limit?: number; maxPerClass?: number; allSamples?: boolean; out?: string; force?: boolean; backend?: string; evaluate?: boolean;
}

export function registerSlice(program: Command): void {
  program
    .command('slice')
    .description('Profile a model on data, find the critical neurons of every class, merge them into components.')
    .requiredOption('--model <dir>', 'model folder (model.json + weights)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .option('--split <split>', 'split to profile on: train or test', 'train')
    .option('--metric <name>', 'contribution metric: avg, var, taylor, deeplift, ens', 'taylor')
    .option('--method <name>', 'semantic (theta), category-topk or global-topk (k)', 'semantic')
    .option('--theta <x>', 'cumulative share kept per class and site, in (0, 1] (semantic)', numberArg('--theta'))
    .option('--k <percent>', 'percent of neurons kept, in (0, 100] (top-k baselines)', numberArg('--k'))
    .option('--tau <x>', 'similarity cut for merging classes into components', numberArg('--tau'), 0.5)
    .option('--limit <n>', 'profile the first n samples of the split only', intArg('--limit'))
    .option('--max-per-class <n>', 'at most n samples per class', intArg('--max-per-class'))
    .option('--all-samples', 'profile misclassified samples too (default: correctly classified only)')
    .option('--evaluate', 'also report CR and test accuracy of the masked model')
    .option('--out <file>', 'write the slice as JSON')
    .option('--force', 'replace an existing --out file')
    .option(...BACKEND_FLAG)
    .action(async (f: SliceFlags) => {
      if (f.out) await assertOutputFree(f.out, f.force);
      await initBackend({ backend: (f.backend ?? 'auto') as 'auto' });
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
  const s = await slice(model, data, {
    metric: f.metric, method: f.method, theta: f.theta, k: f.k ?? null, tau: f.tau,
    onlyCorrect: !f.allSamples, maxPerClass: f.maxPerClass ?? null, onProgress: progressCallback('semslice'),
  });
  printSliceSummary(s);
  if (f.evaluate) {
    const mask = s.mask();
    const cr = compressionRate(model, mask);
    const ev = evaluateMasked(model, splits.test, mask, { batchSize: 512 });
    console.log(`\nmasked model: CR ${pct(cr)}, test accuracy ${pct(ev.accuracy, 2)} on ${splits.test.size} samples`);
  }
  if (f.out) {
    await s.save(f.out);
    console.log(`\nslice written to ${f.out}`);
  }
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
}
