/**
 * `semslice restructure`: one restructuring method and pruner through the comparison driver (compareRestructure):
 * the slice policy slices the model when the method needs a slice and --slice is not given; then the model folder,
 * the manifest (manifest.json) and the per-iteration table (iterations.csv or .json) in --out, and a readable summary.
 * Every flag is checked before any work; a broken --protect contract exits 3 after the outputs are written.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel, saveModel } from '../../engine/models/index.js';
import { SemsliceError } from '../../engine/errors.js';
import { fail } from '../../engine/messages/index.js';
import { Slice } from '../../engine/slicing/index.js';
import { compareRestructure, getRestructureMethod, listRestructureMethods, MAINTENANCE_DEFAULTS, restructureMethodsFor } from '../../engine/maintenance/index.js';
import { listPruners, prunableKernels } from '../../engine/pruning/index.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { BACKEND_FLAG, choiceArg, intArg, positiveNumberArg, rangeArg, WORKERS_FLAG } from '../options.js';
import { addPolicyFlags, policyFromFlags, type PolicyFlags } from '../maintenance-flags.js';
import { protectedClasses, reportRetention } from '../retention.js';
import { checkFolderOut, writeFolderOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';

const D = MAINTENANCE_DEFAULTS.restructure;

interface Flags extends PolicyFlags {
  model: string; data: string; pruner: string; targetCr: number; maxDrop: number; pre: string; slice?: string; out: string;
  amount: number; steps: number; batchSize: number; lr: number; maxIterations: number; trainLimit?: number; testLimit?: number; seed: number;
  table: 'csv' | 'json'; protect?: string; force?: boolean; backend?: string; workers: number | 'auto';
}

function csv(rows: Array<Record<string, unknown>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => (Array.isArray(v) ? `"${v.map((x) => (Number.isNaN(x) ? '' : x)).join(' ')}"` : v === null ? '' : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function registerRestructure(program: Command): void {
  const cmd = program
    .command('restructure')
    .description('Compress a model: remove neurons outside a slice (or nothing, random or least active neurons, DeepArc blocks), then prune iteratively to a target CR.')
    .requiredOption('--model <dir>', 'model folder (model.json + weights)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .option('--pre <name>', `method removing neurons first: ${listRestructureMethods().join(', ')}`, choiceArg('--pre', listRestructureMethods()), D.pre)
    .option('--pruner <name>', `pruner: ${listPruners().join(', ')}`, choiceArg('--pruner', listPruners()), D.pruner)
    .option('--target-cr <x>', 'target compression rate of the whole model, in (0, 1)', rangeArg('--target-cr', 0, 1, { min: true, max: true }), D.targetCR)
    .option('--max-drop <x>', 'largest accuracy drop allowed, on the validation split (absolute, 0.01 = one point)', rangeArg('--max-drop', 0, 1), D.maxDrop)
    .option('--slice <file>', 'slice JSON of this model (default: slice it now by the slice policy, when --pre needs a slice)')
    .requiredOption('--out <dir>', 'output folder: model/, manifest.json, iterations.csv')
    .option('--amount <x>', 'fraction of surviving weights pruned per iteration', rangeArg('--amount', 0, 1, { min: true, max: true }), D.amountPerIteration)
    .option('--steps <n>', 'fine-tuning batches per round (after the pre-step and every iteration)', intArg('--steps', 0), D.fineTune.steps)
    .option('--batch-size <n>', 'fine-tuning batch size', intArg('--batch-size'), D.fineTune.batchSize)
    .option('--lr <x>', 'fine-tuning Adam learning rate', positiveNumberArg('--lr'), D.fineTune.learningRate)
    .option('--max-iterations <n>', 'upper bound on pruning iterations', intArg('--max-iterations'), D.maxIterations)
    .option('--train-limit <n>', 'use the first n training samples (fine-tuning, validation split, slicing)', intArg('--train-limit'))
    .option('--test-limit <n>', 'measure accuracy on the first n test samples', intArg('--test-limit'))
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option('--table <fmt>', 'per-iteration table format: csv or json', choiceArg('--table', ['csv', 'json']), 'csv')
    .option('--protect <classes>', 'classes whose test accuracy must not drop more than --protect-max-drop (e.g. 3,5); exit 3 otherwise')
    .option('--force', 'replace an existing --out folder that semslice wrote (never other files)');
  addPolicyFlags(cmd)
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: Flags) => {
      await checkFolderOut(f.out, 'restructure', f.force, [f.model, f.slice]);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      if (prunableKernels(model).length === 0) {
        model.dispose();
        throw fail('NOTHING_TO_PRUNE', { model: f.model });
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
  const applies = restructureMethodsFor(model);
  if (!applies.includes(f.pre)) {
    throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'not-applicable', pre: f.pre, model: f.model, description: getRestructureMethod(f.pre).description, applies });
  }
  // The slice-vs-model rule (checkSliceFits) before any work.
  const slice = f.slice ? await Slice.load(f.slice, { model, allowForeignSlice: f.allowForeignSlice ?? false }) : null;
  const train = f.trainLimit ? data.train.take(f.trainLimit) : data.train;
  const test = f.testLimit ? data.test.take(f.testLimit) : data.test;
  if (!slice && getRestructureMethod(f.pre).needsSlice) process.stderr.write(`slicing the model by the slice policy (theta ${f.theta}); pass --slice to use your own\n`);
  const cmp = await compareRestructure(model, { train, test }, {
    methods: [f.pre], pruners: [f.pruner], targetCR: f.targetCr, maxDrop: f.maxDrop, amountPerIteration: f.amount, maxIterations: f.maxIterations,
    fineTune: { steps: f.steps, batchSize: f.batchSize, learningRate: f.lr, workers: f.workers }, seed: f.seed, keepModels: true,
    slicePolicy: policyFromFlags(f), allowForeignSlice: f.allowForeignSlice ?? false,
    onIteration: (_run, row) => process.stderr.write(`iteration ${row.iteration}: CR ${pct(row.cr)}, validation accuracy ${pct(row.accuracy, 2)}${row.testAccuracy !== null ? `, test ${pct(row.testAccuracy, 2)}` : ''}\n`),
  }, slice);
  const r = cmp.runs[0]!;
  try {
    // Outputs first, the contract after: a broken contract still leaves everything written.
    const rows = r.rows.map((x) => ({ ...x }));
    await writeFolderOut(f.out, 'restructure', f.force, [f.model, f.slice], async (dir) => {
      await saveModel(r.model!, path.join(dir, 'model'), { metadata: { data: f.data, restructure: r.manifest.result } });
      await writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify(r.manifest, null, 2) + '\n');
      await writeFileAtomic(path.join(dir, `iterations.${f.table}`), f.table === 'csv' ? csv(rows) : JSON.stringify(rows, null, 2) + '\n');
    });
    console.log(formatTable(['', 'original', 'restructured'], [
      ['parameters', String(r.original.params), String(r.final.params)],
      ['non-zero (live) weights', String(r.original.params), String(r.final.liveParams)],
      ['test accuracy', pct(r.original.testAccuracy ?? NaN, 2), pct(r.ma, 2)],
    ]));
    const drops = r.original.perClass.map((b, k) => `${data.classNames[k] ?? k} ${((b - r.final.perClass[k]!) * 100).toFixed(1)}`);
    console.log(`per-class accuracy drop (points): ${drops.join(', ')}`);
    if (cmp.choice) console.log(`slice: theta ${cmp.choice.theta} (${cmp.choice.rule}), ${pct(cmp.choice.kept)} of the neurons kept`);
    console.log(`pre ${r.method}, pruner ${f.pruner}: NI ${r.ni}, CR ${pct(r.cr)}, MA ${pct(r.ma, 2)} (${r.reached ? 'target reached' : `stopped: ${r.stop}`})${r.manifest.note ? `; ${r.manifest.note}` : ''}`);
    console.log(`wrote ${path.join(f.out, 'model')}, manifest.json, iterations.${f.table}`);
    reportRetention(r, protect, f.protectMaxDrop);
  } finally {
    r.model?.dispose();
  }
}
