/**
 * `semslice readapt`: make a workload (FGSM or PGD images, or a damaged mutant of the model), re-adapt with one method
 * (engine/maintenance/readapt), then write the re-adapted model, the manifest (budget, data, checksums of frozen
 * weights) and the per-epoch table in --out, and print before/after. Every flag is checked before any work: bad
 * input exits 2 with nothing written; a broken --protect contract exits 3 after the outputs are written.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel, saveModel } from '../../engine/models/index.js';
import { Slice } from '../../engine/slicing/index.js';
import { compareReadapt, getReadaptMethod, listReadaptMethods, MAINTENANCE_DEFAULTS, READAPT_WORKLOADS, type ReadaptWorkload } from '../../engine/maintenance/index.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { BACKEND_FLAG, choiceArg, intArg, positiveNumberArg, rangeArg, WORKERS_FLAG } from '../options.js';
import { addPolicyFlags, policyFromFlags, type PolicyFlags } from '../maintenance-flags.js';
import { protectedClasses, reportRetention } from '../retention.js';
import { checkFolderOut, writeFolderOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';
import { fail } from '../../engine/messages/index.js';

const D = MAINTENANCE_DEFAULTS.readapt;

interface Flags extends PolicyFlags {
  model: string; data: string; workload: ReadaptWorkload; eps?: number; count: number; drop: number; method: string; epochs: number;
  out: string; slice?: string; sliceClasses: 'all' | 'present'; batchSize: number; lr: number; cleanRatio: number; target?: number; seed: number; testLimit?: number;
  protect?: string; force?: boolean; backend?: string; workers: number | 'auto';
}

/** Flag combinations that need nothing loaded: every one before any work or any write. */
function checkFlags(f: Flags): void {
  if (f.eps !== undefined && f.workload === 'mutant') throw fail('BAD_READAPT_OPTIONS', { case: 'eps-workload', workload: f.workload });
}

export function registerReadapt(program: Command): void {
  const cmd = program
    .command('readapt')
    .description('Re-adapt a model to adversarial images (FGSM, PGD) or repair a damaged mutant, training only critical neurons (or full, last-layer, DeepArc, random).')
    .requiredOption('--model <dir>', 'model folder (model.json + weights)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .requiredOption('--workload <name>', `workload: ${READAPT_WORKLOADS.join(', ')}`, choiceArg('--workload', READAPT_WORKLOADS))
    .option('--eps <x>', 'attack radius, L-infinity (default: 0.3 MNIST, 0.1 Fashion-MNIST)', rangeArg('--eps', 0, 1, { min: true }))
    .option('--count <n>', 'new samples to learn from and held-out samples to measure on (each)', intArg('--count'), D.count)
    .option('--drop <x>', 'mutant: training-accuracy drop to cause (absolute, 0.3 = 30 points)', rangeArg('--drop', 0, 1, { min: true, max: true }), D.drop)
    .option('--method <name>', `method: ${listReadaptMethods().join(', ')}`, choiceArg('--method', listReadaptMethods()), D.method)
    .option('--epochs <n>', 'training epochs (the same budget for every method)', intArg('--epochs'), D.epochs)
    .requiredOption('--out <dir>', 'output folder: model/, manifest.json, epochs.csv')
    .option('--slice <file>', 'slice JSON of this model (default: slice it now by the slice policy)')
    .option('--slice-classes <which>', 'all: the slice of every class; present: of the classes in the new data', choiceArg('--slice-classes', ['all', 'present']), D.sliceClasses)
    .option('--batch-size <n>', 'batch size', intArg('--batch-size'), D.batchSize)
    .option('--lr <x>', 'Adam learning rate', positiveNumberArg('--lr'), D.learningRate)
    .option('--clean-ratio <x>', 'clean training samples mixed in per new sample', rangeArg('--clean-ratio', 0, 100), D.cleanRatio)
    .option('--target <x>', 'held-out new-sample accuracy counted as re-adapted (default: 0.8; mutant: the original\'s validation accuracy - 0.01)', rangeArg('--target', 0, 1))
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option('--test-limit <n>', 'clean accuracy on the first n test images (held-out adversarial images are made from them too)', intArg('--test-limit'))
    .option('--protect <classes>', 'classes whose clean accuracy must not drop more than --protect-max-drop (e.g. 3,5); exit 3 otherwise')
    .option('--force', 'replace an existing --out folder that semslice wrote (never other files)');
  addPolicyFlags(cmd)
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: Flags) => {
      checkFlags(f);
      await checkFolderOut(f.out, 'readapt', f.force, [f.model, f.slice]);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      try {
        const data = await loadDataset(f.data);
        const protect = protectedClasses(f.protect, data.classNames.length);
        checkCount(f, data.train.size, f.testLimit ? Math.min(f.testLimit, data.test.size) : data.test.size);
        // The slice-vs-model rule (checkSliceFits) before any work; a mutant is made from this model, so its slice is this model's.
        const given = f.slice ? await Slice.load(f.slice, { model, allowForeignSlice: f.allowForeignSlice ?? false }) : null;
        const note = (s: string) => process.stderr.write(`${s}\n`);
        note(f.workload === 'mutant' ? `mutating the model until its training accuracy drops by ${pct(f.drop)} ...` : `${f.workload}: ${f.count} images to learn from (training set), ${f.count} held out (test set) ...`);
        if (!given && getReadaptMethod(f.method).needsSlice) note(`slicing the model by the slice policy (theta ${f.theta}); pass --slice to use your own`);
        const w = await compareReadapt(model, { train: data.train, test: f.testLimit ? data.test.take(f.testLimit) : data.test }, {
          workload: f.workload, methods: [f.method], count: f.count, drop: f.drop, epochs: f.epochs, seed: f.seed, workers: f.workers, ...(f.target !== undefined ? { target: f.target } : {}),
          sliceClasses: f.sliceClasses, batchSize: f.batchSize, learningRate: f.lr, cleanRatio: f.cleanRatio, keepModels: true,
          slicePolicy: policyFromFlags(f), allowForeignSlice: f.allowForeignSlice ?? false, ...(f.eps !== undefined ? { eps: f.eps } : {}),
          onCheckpoint: (_m, row) => note(`step ${row.steps} (epoch ${row.epoch.toFixed(2)}): held-out new samples ${pct(row.newAccuracy, 2)}, clean ${pct(row.cleanAccuracy, 2)}`),
        }, given);
        const r = w.runs[0]!;
        try {
          // Outputs first, the contract after: a broken contract still leaves everything written.
          const cols = ['steps', 'epoch', 'newAccuracy', 'cleanAccuracy', 'loss', 'seconds', 'cumulativeSeconds', 'newPerClass', 'cleanPerClass'] as const;
          const cell = (v: unknown) => (Array.isArray(v) ? `"${v.map((x) => (Number.isNaN(x) ? '' : x)).join(' ')}"` : Number.isNaN(v) ? '' : String(v));
          await writeFolderOut(f.out, 'readapt', f.force, [f.model, f.slice], async (dir) => {
            await saveModel(r.model!, path.join(dir, 'model'), { metadata: { data: f.data, readapt: r.manifest.result } });
            await writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify({ ...r.manifest, workload: w.workload, chosen: r.chosen, frozen: r.frozen }, null, 2) + '\n');
            await writeFileAtomic(path.join(dir, 'epochs.csv'), [cols.join(','), ...r.rows.map((row) => cols.map((c) => cell(row[c])).join(','))].join('\n') + '\n');
          });
          console.log(formatTable(['', 'before', 'after'], [
            ['new-sample accuracy (held out)', pct(r.before.newAccuracy, 2), pct(r.after.newAccuracy, 2)],
            ['clean accuracy', pct(r.before.cleanAccuracy, 2), pct(r.after.cleanAccuracy, 2)],
          ]));
          const change = r.before.cleanPerClass.map((b, k) => `${data.classNames[k] ?? k} ${((r.after.cleanPerClass[k]! - b) * 100).toFixed(1)}`);
          console.log(`per-class clean accuracy change (points): ${change.join(', ')}`);
          if (w.choice) console.log(`slice: theta ${w.choice.theta} (${w.choice.rule}) of classes ${w.choice.classes.join(',')}, ${pct(w.choice.kept)} of the neurons kept`);
          console.log(`method ${r.method}: ${r.trainableParams} of ${r.totalParams} parameters trainable (${pct(r.trainableParams / r.totalParams)}), ${(1000 * r.secondsPerStep).toFixed(2)} ms per step, ${r.trainSeconds.toFixed(1)} s of training in all; ` +
            `${r.stepsToTarget === null ? `target ${pct(r.target)} not reached in ${r.steps} steps (${f.epochs} epochs)` : `target ${pct(r.target)} at step ${r.stepsToTarget} (epoch ${r.epochsToTarget!.toFixed(2)}, ${r.secondsToTarget!.toFixed(1)} s of training)`}; ` +
            `frozen weights ${r.frozen.identical ? 'bit-identical (checksums in manifest.json)' : 'CHANGED'}${r.manifest.note ? `; ${r.manifest.note}` : ''}`);
          console.log(`wrote ${path.join(f.out, 'model')}, manifest.json, epochs.csv`);
          reportRetention(r, protect, f.protectMaxDrop);
        } finally {
          r.model?.dispose();
        }
      } finally {
        model.dispose();
      }
    });
}

/**
 * --count against what the data can give, before any work: each held-out attack image is made from one test image,
 * and the training images supply the new samples and --clean-ratio clean ones per new sample.
 */
function checkCount(f: Flags, trainSize: number, testSize: number): void {
  const perNew = Math.max(1, f.cleanRatio);
  const fromTrain = Math.floor(trainSize / perNew);
  const most = f.workload === 'mutant' ? fromTrain : Math.min(fromTrain, testSize);
  if (f.count <= most) return;
  const at = { case: 'count', count: f.count, data: f.data, most, cleanRatio: f.cleanRatio } as const;
  throw fail('BAD_READAPT_OPTIONS', f.workload !== 'mutant' && testSize < fromTrain
    ? { ...at, from: 'test', testSize }
    : { ...at, from: 'train', trainSize, fromTrain });
}
