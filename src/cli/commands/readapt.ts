/**
 * `semslice readapt`: make a workload (FGSM or PGD images, or a damaged mutant of the model), re-adapt with one method
 * (engine/maintenance/readapt), then write the re-adapted model, the manifest (budget, data, checksums of frozen
 * weights) and the per-epoch table in --out, and print before/after. Every flag is checked before any work: bad
 * input exits 2 with nothing written; a broken --protect contract exits 3 after the outputs are written.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel, saveModel } from '../../engine/models/index.js';
import { SemsliceError } from '../../engine/errors.js';
import { Slice } from '../../engine/slicing/index.js';
import { readaptWorkload } from '../../engine/maintenance/index.js';
import { listTrainSets } from '../../engine/masks/index.js';
import '../../engine/baselines/deeparc/index.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { BACKEND_FLAG, choiceArg, intArg, numberArg, WORKERS_FLAG } from '../options.js';
import { protectedClasses, reportRetention } from '../retention.js';
import { checkModelOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';

const WORKLOADS = ['fgsm', 'pgd', 'mutant'] as const;

interface Flags {
  model: string; data: string; workload: (typeof WORKLOADS)[number]; eps?: number; count: number; drop: number; method: string; epochs: number;
  out: string; slice?: string; sliceClasses: 'all' | 'present'; batchSize: number; lr: number; target?: number; seed: number; testLimit?: number;
  protect?: string; protectMaxDrop: number; force?: boolean; backend?: string; workers: number | 'auto';
}

/** Flag checks that need nothing loaded: every one before any work or any write. */
function checkFlags(f: Flags): void {
  const bad = (msg: string, hint: string) => new SemsliceError('BAD_READAPT_OPTIONS', msg, hint);
  if (f.eps !== undefined && !(f.eps > 0 && f.eps <= 1)) throw bad(`--eps must be in (0, 1], got ${f.eps}.`, 'Pass e.g. --eps 0.3 (pixels are in [0, 1]).');
  if (!(f.drop > 0 && f.drop < 1)) throw bad(`--drop must be in (0, 1), got ${f.drop}.`, 'Pass e.g. --drop 0.3 (30 points of accuracy).');
  if (f.target !== undefined && !(f.target >= 0 && f.target <= 1)) throw bad(`--target must be in [0, 1], got ${f.target}.`, 'Pass e.g. --target 0.8.');
  if (!(f.lr > 0)) throw bad(`--lr must be positive, got ${f.lr}.`, 'Pass e.g. --lr 0.001.');
  if (f.eps !== undefined && f.workload === 'mutant') throw bad('--eps applies to --workload fgsm or pgd, not mutant.', 'Drop --eps, or use --workload fgsm|pgd.');
}

export function registerReadapt(program: Command): void {
  program
    .command('readapt')
    .description('Re-adapt a model to adversarial images (FGSM, PGD) or repair a damaged mutant, training only critical neurons (or full, last-layer, DeepArc, random).')
    .requiredOption('--model <dir>', 'model folder (model.json + weights)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .requiredOption('--workload <name>', `workload: ${WORKLOADS.join(', ')}`, choiceArg('--workload', WORKLOADS))
    .option('--eps <x>', 'attack radius, L-infinity (default: 0.3 MNIST, 0.1 Fashion-MNIST)', numberArg('--eps'))
    .option('--count <n>', 'new samples to learn from and held-out samples to measure on (each)', intArg('--count'), 1000)
    .option('--drop <x>', 'mutant: training-accuracy drop to cause (absolute, 0.3 = 30 points)', numberArg('--drop'), 0.3)
    .option('--method <name>', `method: ${listTrainSets().join(', ')}`, 'critical')
    .option('--epochs <n>', 'training epochs (the same budget for every method)', intArg('--epochs'), 5)
    .requiredOption('--out <dir>', 'output folder: model/, manifest.json, epochs.csv')
    .option('--slice <file>', 'slice JSON of this model (default: slice it now on 2,000 training images)')
    .option('--slice-classes <which>', 'all: the slice of every class; present: of the classes in the new data', choiceArg('--slice-classes', ['all', 'present']), 'all')
    .option('--batch-size <n>', 'batch size', intArg('--batch-size'), 64)
    .option('--lr <x>', 'Adam learning rate', numberArg('--lr'), 1e-3)
    .option('--target <x>', 'held-out new-sample accuracy counted as re-adapted (default: 0.8; mutant: the original\'s test accuracy - 0.02)', numberArg('--target'))
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option('--test-limit <n>', 'clean accuracy on the first n test images (default 5000; held-out adversarial images come from the rest)', intArg('--test-limit'))
    .option('--protect <classes>', 'classes whose clean accuracy must not drop more than --protect-max-drop (e.g. 3,5); exit 3 otherwise')
    .option('--protect-max-drop <x>', 'largest per-class drop for --protect', numberArg('--protect-max-drop'), 0.01)
    .option('--force', 'replace an existing --out folder')
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: Flags) => {
      checkFlags(f);
      const methods = listTrainSets();
      if (!methods.includes(f.method)) throw new SemsliceError('UNKNOWN_READAPT_METHOD', `Unknown --method "${f.method}".`, `Available: ${methods.join(', ')}.`);
      await checkModelOut(f.out, f.force);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      const data = await loadDataset(f.data);
      const protect = protectedClasses(f.protect, data.classNames.length);
      const given = f.slice ? await Slice.load(f.slice) : null;
      const note = (s: string) => process.stderr.write(`${s}\n`);
      note(f.workload === 'mutant' ? `mutating the model until its training accuracy drops by ${pct(f.drop)} ...` : `${f.workload}: ${f.count} images to learn from (training set), ${f.count} held out (test set) ...`);
      if (!given && (f.method === 'critical' || f.method === 'random')) note('slicing the model on 2,000 training images (default options); pass --slice to use your own');
      const w = await readaptWorkload(model, data, {
        workload: f.workload, methods: [f.method], count: f.count, drop: f.drop, epochs: f.epochs, seed: f.seed, workers: f.workers, ...(f.target !== undefined ? { target: f.target } : {}),
        testCount: f.testLimit ?? Math.min(5000, data.test.size), sliceImages: 2000, sliceClasses: f.sliceClasses, batchSize: f.batchSize, learningRate: f.lr,
        ...(f.eps !== undefined ? { eps: f.eps } : {}),
        onEpoch: (_m, row) => note(`epoch ${row.epoch}: new samples ${pct(row.newAccuracy, 2)}, clean ${pct(row.cleanAccuracy, 2)}`),
      }, given, true);
      const r = w.results[0]!;
      const workloadInfo = w.workload;
      // Outputs first, the contract after: a broken contract still leaves everything written.
      await fs.mkdir(f.out, { recursive: true });
      await saveModel(r.model, path.join(f.out, 'model'), { force: f.force, metadata: { data: f.data, readapt: r.manifest.result } });
      await writeFileAtomic(path.join(f.out, 'manifest.json'), JSON.stringify({ ...r.manifest, workload: workloadInfo, chosen: r.chosen, checksums: r.checksums }, null, 2) + '\n');
      const cols = ['epoch', 'newAccuracy', 'cleanAccuracy', 'loss', 'seconds', 'cumulativeSeconds', 'newPerClass', 'cleanPerClass'] as const;
      const cell = (v: unknown) => (Array.isArray(v) ? `"${v.map((x) => (Number.isNaN(x) ? '' : x)).join(' ')}"` : Number.isNaN(v) ? '' : String(v));
      await writeFileAtomic(path.join(f.out, 'epochs.csv'), [cols.join(','), ...r.rows.map((row) => cols.map((c) => cell(row[c])).join(','))].join('\n') + '\n');
      console.log(formatTable(['', 'before', 'after'], [
        ['new-sample accuracy (held out)', pct(r.before.newAccuracy, 2), pct(r.after.newAccuracy, 2)],
        ['clean accuracy', pct(r.before.cleanAccuracy, 2), pct(r.after.cleanAccuracy, 2)],
      ]));
      const change = r.before.cleanPerClass.map((b, k) => `${data.classNames[k] ?? k} ${((r.after.cleanPerClass[k]! - b) * 100).toFixed(1)}`);
      console.log(`per-class clean accuracy change (points): ${change.join(', ')}`);
      console.log(`method ${r.method}: ${r.trainableParams} of ${r.totalParams} parameters trainable (${pct(r.trainableParams / r.totalParams)}); ` +
        `${r.epochsToTarget === null ? `target ${pct(r.target)} not reached in ${f.epochs} epochs` : `target ${pct(r.target)} at epoch ${r.epochsToTarget} (${r.secondsToTarget!.toFixed(1)} s)`}; ` +
        `frozen weights ${r.frozenIdentical ? 'bit-identical (checksums in manifest.json)' : 'CHANGED'}${r.manifest.note ? `; ${r.manifest.note}` : ''}`);
      console.log(`wrote ${path.join(f.out, 'model')}, manifest.json, epochs.csv`);
      r.model.dispose();
      reportRetention(r, protect, f.protectMaxDrop);
    });
}
