/**
 * `semslice restructure`: pre-step, fine-tuning and iterative pruning to a target CR (engine/maintenance/restructure),
 * then the model folder, the manifest (manifest.json) and the per-iteration table (iterations.csv or .json) in --out,
 * and a readable summary. A broken --protect contract exits 3 after the outputs are written.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel, saveModel } from '../../engine/models/index.js';
import { SemsliceError } from '../../engine/errors.js';
import { Slice } from '../../engine/slicing/index.js';
import { restructure } from '../../engine/maintenance/index.js';
import { listPruners, prunableKernels } from '../../engine/pruning/index.js';
import { listPreSteps } from '../../engine/surgery/index.js';
import '../../engine/baselines/deeparc/index.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { BACKEND_FLAG, intArg, numberArg, WORKERS_FLAG } from '../options.js';
import { protectedClasses, reportRetention } from '../retention.js';
import { checkModelOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';

interface Flags {
  model: string; data: string; pruner: string; targetCr: number; maxDrop: number; pre?: string; slice?: string; out: string;
  amount: number; steps: number; batchSize: number; maxIterations: number; trainLimit?: number; testLimit?: number; seed: number;
  table: 'csv' | 'json'; protect?: string; protectMaxDrop: number; force?: boolean; backend?: string; workers: number | 'auto';
}

function csv(rows: Array<Record<string, unknown>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => (Array.isArray(v) ? `"${v.map((x) => (Number.isNaN(x) ? '' : x)).join(' ')}"` : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function registerRestructure(program: Command): void {
  program
    .command('restructure')
    .description('Compress a model: remove neurons outside a slice (or nothing, random neurons, DeepArc blocks), then prune iteratively to a target CR.')
    .requiredOption('--model <dir>', 'model folder (model.json + weights)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .option('--pruner <name>', `pruner: ${listPruners().join(', ')}`, 'lamp')
    .option('--target-cr <x>', 'target compression rate of the whole model, in (0, 1)', numberArg('--target-cr'), 0.9)
    .option('--max-drop <x>', 'largest accuracy drop allowed (absolute, 0.01 = one point)', numberArg('--max-drop'), 0.01)
    .option('--pre <name>', `pre-step: ${listPreSteps().join(', ')} (default: slice with --slice, else none)`)
    .option('--slice <file>', 'slice JSON of this model (semslice slice --out)')
    .requiredOption('--out <dir>', 'output folder: model/, manifest.json, iterations.csv')
    .option('--amount <x>', 'fraction of surviving weights pruned per iteration', numberArg('--amount'), 0.2)
    .option('--steps <n>', 'fine-tuning batches per round', intArg('--steps', 0), 50)
    .option('--batch-size <n>', 'fine-tuning batch size', intArg('--batch-size'), 64)
    .option('--max-iterations <n>', 'upper bound on pruning iterations', intArg('--max-iterations'), 30)
    .option('--train-limit <n>', 'use the first n training samples', intArg('--train-limit'))
    .option('--test-limit <n>', 'measure accuracy on the first n test samples', intArg('--test-limit'))
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option('--table <fmt>', 'per-iteration table format: csv or json', 'csv')
    .option('--protect <classes>', 'classes whose accuracy must not drop more than --protect-max-drop (e.g. 3,5); exit 3 otherwise')
    .option('--protect-max-drop <x>', 'largest per-class drop for --protect', numberArg('--protect-max-drop'), 0.01)
    .option('--force', 'replace an existing --out folder')
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: Flags) => {
      if (!(f.targetCr > 0 && f.targetCr < 1)) throw new SemsliceError('BAD_RESTRUCTURE_OPTIONS', `--target-cr must be in (0, 1), got ${f.targetCr}.`, 'Pass e.g. --target-cr 0.9.');
      if (f.table !== 'csv' && f.table !== 'json') throw new SemsliceError('BAD_OPTION', `--table must be csv or json, got "${f.table}".`, 'Pass --table csv or --table json.');
      if (f.pre && !listPreSteps().includes(f.pre)) throw new SemsliceError('UNKNOWN_PRE_STEP', `Unknown --pre "${f.pre}".`, `Available: ${listPreSteps().join(', ')}.`);
      if (!listPruners().includes(f.pruner)) throw new SemsliceError('UNKNOWN_PRUNER', `Unknown --pruner "${f.pruner}".`, `Available: ${listPruners().join(', ')}.`);
      await checkModelOut(f.out, f.force);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      if (prunableKernels(model).length === 0) {
        model.dispose();
        throw new SemsliceError('NOTHING_TO_PRUNE', `Model ${f.model} has no Dense or Conv2D kernel to prune.`, 'Restructure a model with Dense or Conv2D layers (semslice info DIR lists them).');
      }
      try {
        await restructureLoaded(model, f);
      } finally {
        model.dispose();
      }
    });
}

async function restructureLoaded(model: tf.LayersModel, f: Flags): Promise<void> {
  const data = await loadDataset(f.data);
  const protect = protectedClasses(f.protect, data.classNames.length);
  const slice = f.slice ? await Slice.load(f.slice) : null;
  if (!slice && (f.pre === 'slice' || f.pre === 'random')) {
    throw new SemsliceError('NO_SLICE', `--pre ${f.pre} needs --slice.`, 'Pass --slice slice.json (semslice slice --out slice.json), or --pre none.');
  }
  const train = f.trainLimit ? data.train.take(f.trainLimit) : data.train;
  const test = f.testLimit ? data.test.take(f.testLimit) : data.test;
  const r = await restructure(model, slice, {
    train, test, pruner: f.pruner, targetCR: f.targetCr, maxDrop: f.maxDrop, amountPerIteration: f.amount, maxIterations: f.maxIterations,
    fineTune: { steps: f.steps, batchSize: f.batchSize, workers: f.workers }, seed: f.seed, ...(f.pre ? { pre: f.pre } : {}),
    onIteration: (row) => process.stderr.write(`iteration ${row.iteration}: CR ${pct(row.cr)}, accuracy ${pct(row.accuracy, 2)}\n`),
  });
  // Outputs first, the contract after: a broken contract still leaves everything written.
  await fs.mkdir(f.out, { recursive: true });
  await saveModel(r.model, path.join(f.out, 'model'), { force: f.force, metadata: { data: f.data, restructure: r.manifest.result } });
  await writeFileAtomic(path.join(f.out, 'manifest.json'), JSON.stringify(r.manifest, null, 2) + '\n');
  const rows = r.rows.map((x) => ({ ...x }));
  await writeFileAtomic(path.join(f.out, `iterations.${f.table}`), f.table === 'csv' ? csv(rows) : JSON.stringify(rows, null, 2) + '\n');
  const nonZero = r.final.liveParams;
  console.log(formatTable(['', 'original', 'restructured'], [
    ['parameters', String(r.original.params), String(r.final.params)],
    ['non-zero (live) weights', String(r.original.params), String(nonZero)],
    ['accuracy', pct(r.original.accuracy, 2), pct(r.ma, 2)],
  ]));
  const drops = r.original.perClass.map((b, k) => `${data.classNames[k] ?? k} ${((b - r.final.perClass[k]!) * 100).toFixed(1)}`);
  console.log(`per-class accuracy drop (points): ${drops.join(', ')}`);
  console.log(`pre ${r.manifest.pre}, pruner ${f.pruner}: NI ${r.ni}, CR ${pct(r.cr)}, MA ${pct(r.ma, 2)} (${r.reached ? 'target reached' : `stopped: ${r.stop}`})${r.manifest.note ? `; ${r.manifest.note}` : ''}`);
  console.log(`wrote ${path.join(f.out, 'model')}, manifest.json, iterations.${f.table}`);
  r.model.dispose();
  reportRetention(r, protect, f.protectMaxDrop);
}
