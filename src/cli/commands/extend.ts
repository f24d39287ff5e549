/**
 * `semslice extend`: learn a new task (classes --new) in a model that knows --old, with one method; writes the grown
 * model, each task's slice and the result table, and prints old / new / all accuracy before and after, whether the
 * old task's logits and the frozen weights are bit-identical, and the capacity left. Every bad input (class sets,
 * method, output folder, no free neurons) fails before anything is written.
 */
import * as path from 'node:path';
import * as fs from 'node:fs/promises';
import type { Command } from 'commander';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel, saveModel } from '../../engine/models/index.js';
import { SemsliceError } from '../../engine/errors.js';
import { logitsModel } from '../../engine/graph/index.js';
import { Slice } from '../../engine/slicing/index.js';
import { extend, sliceTask, thetaChoiceOf, type TaskSliceOptions } from '../../engine/maintenance/index.js';
import '../../engine/baselines/incremental/index.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { InvalidArgumentError } from 'commander';
import { BACKEND_FLAG, choiceArg, intArg, numberArg, WORKERS_FLAG } from '../options.js';
import { reportRetention } from '../retention.js';
import { checkModelOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';
import { parseClassSet } from '../../engine/data/class-set.js';

/** CLI method names: `replay` and `ours+replay` take --replay. */
export const EXTEND_CLI_METHODS = ['ours', 'naive', 'replay', 'ewc', 'deeparc', 'ours+replay'] as const;

interface Flags {
  model: string; data: string; old: string; new: string; method: string; replay: number; lambda?: number; epochs: number;
  out: string; slice?: string; theta: number | 'auto'; metric: string; tolerance: number; k?: number; batchSize: number; lr: number; seed: number; limit?: number; testLimit?: number;
  protect?: string; protectMaxDrop: number; force?: boolean; backend?: string; workers: number | 'auto';
}

function thetaArg(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0 && n <= 1)) throw new InvalidArgumentError(`--theta takes a number in (0, 1] or auto, got "${v}".`);
  return n;
}

export function registerExtend(program: Command): void {
  program
    .command('extend')
    .description('Learn new classes in a model that knows old ones (incremental development, RQ4); with method ours the old task\'s predictions stay bit-identical.')
    .requiredOption('--model <dir>', 'model folder (trained on --old with the full output head: semslice train --classes)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .requiredOption('--old <classes>', 'classes the model knows, e.g. 0-4')
    .requiredOption('--new <classes>', 'classes to learn, e.g. 5-9')
    .option('--method <name>', `method: ${EXTEND_CLI_METHODS.join(', ')}`, choiceArg('--method', EXTEND_CLI_METHODS), 'ours')
    .option('--replay <x>', 'share of the old task\'s training data replayed (replay, ours+replay)', numberArg('--replay'), 0.1)
    .option('--lambda <x>', 'EWC strength (default: chosen on the grid 1e2, 1e4, 1e6)', numberArg('--lambda'))
    .option('--epochs <n>', 'passes over the new task\'s data (the same budget for every method)', intArg('--epochs'), 1)
    .requiredOption('--out <dir>', 'output folder: model/, slice-old.json, slice-new.json, result.json')
    .option('--slice <file>', 'slice JSON of the old task (default: slice it now on 2,000 of its training images)')
    .option('--theta <x|auto>', 'theta of the slices made here; auto: the smallest theta whose masked task accuracy on held-out task images stays within --tolerance of the unmasked', thetaArg, 'auto' as const)
    .option('--metric <name>', 'contribution metric of the slices made here', 'taylor')
    .option('--tolerance <x>', 'largest masked-accuracy drop --theta auto accepts (0.01 = one point)', numberArg('--tolerance'), 0.01)
    .option('--k <pct>', 'make the slices here with global top-k (percent of neurons kept) instead of theta', numberArg('--k'))
    .option('--batch-size <n>', 'batch size', intArg('--batch-size'), 64)
    .option('--lr <x>', 'Adam learning rate', numberArg('--lr'), 1e-3)
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option('--limit <n>', 'use the first n training images of each task', intArg('--limit'))
    .option('--test-limit <n>', 'measure on the first n test images', intArg('--test-limit'))
    .option('--protect <classes>', 'classes whose task accuracy must not drop more than --protect-max-drop; exit 3 otherwise')
    .option('--protect-max-drop <x>', 'largest per-class drop for --protect', numberArg('--protect-max-drop'), 0.01)
    .option('--force', 'replace an existing --out folder')
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: Flags) => {
      const bad = (msg: string, hint: string) => new SemsliceError('BAD_EXTEND_OPTIONS', msg, hint);
      const old = parseClassSet(f.old, '--old');
      const fresh = parseClassSet(f.new, '--new');
      const overlap = old.filter((c) => fresh.includes(c));
      if (overlap.length) throw bad(`--old ${f.old} and --new ${f.new} overlap in ${overlap.join(', ')}.`, 'Make the tasks disjoint, e.g. --old 0-4 --new 5-9.');
      if (!(f.replay > 0 && f.replay <= 1)) throw bad(`--replay must be in (0, 1], got ${f.replay}.`, 'Pass e.g. --replay 0.1 (10% of the old task).');
      const protect = f.protect ? parseClassSet(f.protect, '--protect') : null;
      await checkModelOut(f.out, f.force);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      try {
        const units = logitsModel(model).units;
        const outside = [...old, ...fresh].filter((c) => c >= units);
        if (outside.length) throw bad(`classes ${outside.join(', ')} are not outputs of the model (it has ${units}: 0..${units - 1}).`, 'Train the model with the full output head (semslice train --classes 0-4 keeps all outputs).');
        const data = await loadDataset(f.data);
        const pool = data.train.shuffle(f.seed);
        const cap = (d: typeof pool) => (f.limit ? d.take(f.limit) : d);
        const oldData = cap(pool.subsetClasses(old));
        const newData = cap(pool.subsetClasses(fresh));
        const test = f.testLimit ? data.test.take(f.testLimit) : data.test;
        const note = (s: string) => process.stderr.write(`${s}\n`);
        const so: TaskSliceOptions = f.k !== undefined ? { method: 'global-topk', metric: f.metric, k: f.k, seed: f.seed } : { metric: f.metric, theta: f.theta, tolerance: f.tolerance, seed: f.seed };
        let sliceOld: Slice;
        if (f.slice) sliceOld = (await Slice.load(f.slice)).forClasses(old);
        else {
          note(`slicing the old task (${f.old}) on ${Math.min(2000, oldData.size)} training images (${f.metric}, theta ${f.theta}) ...`);
          // theta auto measures on held-out old-task images the slice does not profile (the 500 after the 2,000).
          const held = oldData.size > 2000 ? oldData.select(Int32Array.from({ length: Math.min(500, oldData.size - 2000) }, (_, i) => 2000 + i)) : undefined;
          sliceOld = await sliceTask(model, oldData.take(2000), old, { ...so, ...(held ? { validation: held } : {}) });
          const c = thetaChoiceOf(sliceOld);
          if (c) note(`theta auto: ${c.theta} (masked ${pct(c.masked, 2)} vs unmasked ${pct(c.unmasked, 2)} on ${c.validationSamples} held-out images${c.withinTolerance ? '' : `; none of the grid within ${c.tolerance}`})`);
        }
        const params: Record<string, number> = {};
        if (f.method === 'replay' || f.method === 'ours+replay') params['replay'] = f.replay;
        if (f.lambda !== undefined) params['lambda'] = f.lambda;
        note(`learning ${f.new} with ${f.method}: ${newData.size} images, ${f.epochs} epoch(s) ...`);
        const r = await extend(model, sliceOld, newData, {
          method: f.method, oldClasses: old, newClasses: fresh, oldData, test, epochs: f.epochs, batchSize: f.batchSize, learningRate: f.lr, seed: f.seed, workers: f.workers, params,
          sliceOptions: { ...so, onlyCorrect: false }, sliceNew: true,
        });
        try {
          // Outputs first, the contract after: a broken contract still leaves everything written.
          await fs.mkdir(f.out, { recursive: true });
          await saveModel(r.model, path.join(f.out, 'model'), { force: f.force, metadata: { data: f.data, extend: { method: r.method, tasks: r.manifest.tasks } } });
          await sliceOld.save(path.join(f.out, 'slice-old.json'));
          if (r.taskSlice) await r.taskSlice.save(path.join(f.out, 'slice-new.json'));
          const result = { ...r.manifest, sliceChoice: r.sliceChoice, rows: r.rows, perClass: r.perClass.objects(), frozen: r.frozen, oldLogits: r.oldLogits, capacity: r.capacity, grid: r.grid, warnings: r.warnings };
          await writeFileAtomic(path.join(f.out, 'result.json'), JSON.stringify(result, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2) + '\n');
          console.log(formatTable(['', 'before', 'after'], r.rows.map((x) => [`${x.scenario} ${x.part}`, pct(x.before, 2), pct(x.after, 2)])));
          console.log(`old task (${f.old}) logits on ${r.oldLogits.samples} test images: ${r.oldLogits.identical ? `bit-identical (checksum ${r.oldLogits.after})` : `CHANGED (largest difference ${r.oldLogits.maxAbsDiff.toExponential(2)})`}; ` +
            `frozen weights: ${r.frozen.frozenEntries} of ${r.frozen.totalEntries} entries, ${r.frozen.identical ? 'checksums equal' : 'CHANGED'}`);
          if (r.manifest.slices.old) console.log(`slices (${r.manifest.slices.old.metric}): old task theta ${r.manifest.slices.old.theta ?? `k ${r.manifest.slices.old.k}`}${r.sliceChoice.old ? ' (auto)' : ''}${r.manifest.slices.new ? `, new task theta ${r.manifest.slices.new.theta ?? `k ${r.manifest.slices.new.k}`}${r.sliceChoice.new ? ' (auto)' : ''}` : ''}`);
          if (r.capacity.sites.length) console.log(`capacity left: ${r.capacity.sites.map((s) => `${s.site} ${s.free}/${s.neurons}`).join(', ')}`);
          for (const w of r.capacity.warnings) console.log(`warning: ${w}`);
          if (r.grid.length) console.log(`EWC lambda chosen on the grid: ${r.chosen['lambda']} (${r.grid.map((g) => `${g.value}: ${pct(g.score, 1)}`).join(', ')})`);
          console.log(`wrote ${path.join(f.out, 'model')}, slice-old.json${r.taskSlice ? ', slice-new.json' : ''}, result.json`);
          reportRetention(r, protect, f.protectMaxDrop);
        } finally {
          r.model.dispose();
        }
      } finally {
        model.dispose();
      }
    });
}
