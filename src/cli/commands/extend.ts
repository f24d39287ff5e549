/**
 * `semslice extend`: learn a new task (classes --new) in a model that knows --old, with one method, through the
 * comparison driver (compareExtend): the old task is sliced by the slice policy (theta auto with --min-free) unless
 * --slice is given; writes the grown model, each task's slice and the result, and prints old / new / all accuracy
 * before and after, whether the old task's logits and the frozen weights are bit-identical, and the capacity left.
 * Every bad input (class sets, method, output folder, no free neurons) fails before anything is written.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadDataset } from '../../engine/data/index.js';
import { loadModel, saveModel } from '../../engine/models/index.js';
import { fail } from '../../engine/messages/index.js';
import { logitsModel } from '../../engine/graph/index.js';
import { Slice } from '../../engine/slicing/index.js';
import { compareExtend, getExtendMethod, listExtendMethods, MAINTENANCE_DEFAULTS } from '../../engine/maintenance/index.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { BACKEND_FLAG, choiceArg, intArg, positiveNumberArg, rangeArg, WORKERS_FLAG } from '../options.js';
import { addPolicyFlags, policyFromFlags, type PolicyFlags } from '../maintenance-flags.js';
import { reportRetention } from '../retention.js';
import { checkFolderOut, writeFolderOut } from '../output.js';
import { initCliBackend } from '../backend.js';
import { formatTable, pct } from '../format.js';
import { parseClassSet } from '../../engine/data/class-set.js';

const D = MAINTENANCE_DEFAULTS.extend;

interface Flags extends PolicyFlags {
  model: string; data: string; old: string; new: string; method: string; replay: number; lambda?: number; epochs: number;
  out: string; slice?: string; minFree: number; batchSize: number; lr: number; seed: number; limit?: number; testLimit?: number;
  protect?: string; force?: boolean; backend?: string; workers: number | 'auto';
}

export function registerExtend(program: Command): void {
  const cmd = program
    .command('extend')
    .description('Learn new classes in a model that knows old ones (incremental development, RQ4); with method ours the old task\'s predictions stay bit-identical.')
    .requiredOption('--model <dir>', 'model folder (trained on --old with the full output head: semslice train --classes)')
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .requiredOption('--old <classes>', 'classes the model knows, e.g. 0-4')
    .requiredOption('--new <classes>', 'classes to learn, e.g. 5-9')
    .option('--method <name>', `method: ${listExtendMethods().join(', ')}`, choiceArg('--method', listExtendMethods()), D.method)
    .option('--replay <x>', 'share of the old task\'s training data replayed (replay, ours+replay)', rangeArg('--replay', 0, 1, { min: true }), D.replay)
    .option('--lambda <x>', 'EWC strength (default: chosen on a validation grid)', positiveNumberArg('--lambda'))
    .option('--epochs <n>', 'passes over the new task\'s data (the same budget for every method)', intArg('--epochs'), D.epochs)
    .requiredOption('--out <dir>', 'output folder: model/, slice-old.json, slice-new.json, result.json')
    .option('--slice <file>', 'slice JSON of the old task (default: slice it now by the slice policy)')
    .option('--min-free <x>', 'share of every layer the old task\'s slice leaves free for the new task (theta auto)', rangeArg('--min-free', 0, 1, { max: true }), D.minFree)
    .option('--batch-size <n>', 'batch size', intArg('--batch-size'), D.batchSize)
    .option('--lr <x>', 'Adam learning rate', positiveNumberArg('--lr'), D.learningRate)
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option('--limit <n>', 'use the first n training images of each task (default: --per-task of the defaults)', intArg('--limit'))
    .option('--test-limit <n>', 'measure on the first n test images', intArg('--test-limit'))
    .option('--protect <classes>', 'classes whose task accuracy must not drop more than --protect-max-drop; exit 3 otherwise')
    .option('--force', 'replace an existing --out folder that semslice wrote (never other files)');
  addPolicyFlags(cmd)
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: Flags) => {
      const old = parseClassSet(f.old, '--old');
      const fresh = parseClassSet(f.new, '--new');
      const overlap = old.filter((c) => fresh.includes(c));
      if (overlap.length) throw fail('BAD_EXTEND_OPTIONS', { case: 'overlap', old, fresh, overlap });
      const protect = f.protect ? parseClassSet(f.protect, '--protect') : null;
      await checkFolderOut(f.out, 'extend', f.force, [f.model, f.slice]);
      await initCliBackend(f.backend);
      const model = await loadModel(f.model);
      try {
        const units = logitsModel(model).units;
        const outside = [...old, ...fresh, ...(protect ?? [])].filter((c) => c >= units);
        if (outside.length) throw fail('BAD_EXTEND_OPTIONS', { case: 'not-outputs', classes: outside, units });
        const data = await loadDataset(f.data);
        const test = f.testLimit ? data.test.take(f.testLimit) : data.test;
        const note = (s: string) => process.stderr.write(`${s}\n`);
        // The slice-vs-model rule (checkSliceFits) before any work.
        const given = f.slice ? await Slice.load(f.slice, { model, allowForeignSlice: f.allowForeignSlice ?? false }) : null;
        if (!given && getExtendMethod(f.method).needsSlice) note(`slicing the old task (${f.old}) by the slice policy (theta ${f.theta}, at least ${pct(f.minFree)} of every layer left free) ...`);
        const params: Record<string, number> = {};
        if (f.method === 'replay' || f.method === 'ours+replay') params['replay'] = f.replay;
        if (f.lambda !== undefined) params['lambda'] = f.lambda;
        note(`learning ${f.new} with ${f.method}, ${f.epochs} epoch(s) ...`);
        const cmp = await compareExtend(model, { train: data.train, test }, {
          old, fresh, methods: [{ label: f.method, method: f.method, params }], ...(f.limit ? { perTask: f.limit } : {}), epochs: f.epochs, batchSize: f.batchSize, learningRate: f.lr,
          seed: f.seed, workers: f.workers, minFree: f.minFree, slicePolicy: policyFromFlags(f), allowForeignSlice: f.allowForeignSlice ?? false, keepModels: true,
        }, given);
        const r = cmp.runs[0]!;
        const c = cmp.choice;
        if (c && c.rule !== 'given') {
          note(`old task's slice: theta ${c.theta} (${c.rule}: masked ${pct(c.masked ?? NaN, 2)} vs unmasked ${pct(c.unmasked ?? NaN, 2)} on ${c.validationSamples} held-out images${c.withinTolerance ? '' : `, not within ${c.tolerance}`}; smallest free share of a layer ${pct(Math.min(...Object.values(c.freeShare)))})`);
        }
        try {
          // Outputs first, the contract after: a broken contract still leaves everything written.
          const result = { ...r.manifest, sliceChoice: r.sliceChoice, rows: r.rows, perClass: r.perClass.objects(), frozen: r.frozen, oldLogits: r.oldLogits, capacity: r.capacity, grid: r.grid, warnings: r.warnings };
          await writeFolderOut(f.out, 'extend', f.force, [f.model, f.slice], async (dir) => {
            await saveModel(r.model!, path.join(dir, 'model'), { metadata: { data: f.data, extend: { method: r.method, tasks: r.manifest.tasks } } });
            if (cmp.slice) await cmp.slice.save(path.join(dir, 'slice-old.json'));
            if (r.taskSlice) await r.taskSlice.save(path.join(dir, 'slice-new.json'));
            await writeFileAtomic(path.join(dir, 'result.json'), JSON.stringify(result, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2) + '\n');
          });
          console.log(formatTable(['', 'before', 'after'], r.rows.map((x) => [`${x.scenario} ${x.part}`, pct(x.before, 2), pct(x.after, 2)])));
          console.log(`old task (${f.old}) logits on ${r.oldLogits.samples} test images: ${r.oldLogits.identical ? `bit-identical (checksum ${r.oldLogits.after})` : `CHANGED (largest difference ${r.oldLogits.maxAbsDiff.toExponential(2)})`}; ` +
            `frozen weights: ${r.frozen.frozenEntries} of ${r.frozen.totalEntries} entries, ${r.frozen.identical ? 'checksums equal' : 'CHANGED'}`);
          const o = r.sliceChoice.old, n = r.sliceChoice.new;
          if (o) console.log(`slices (${o.metric}): old task theta ${o.theta} (${o.rule})${n ? `, new task theta ${n.theta} (${n.rule})` : ''}`);
          if (r.capacity.sites.length) console.log(`capacity left: ${r.capacity.sites.map((s) => `${s.site} ${s.free}/${s.neurons}`).join(', ')}`);
          for (const w of r.capacity.warnings) console.log(`warning: ${w}`);
          if (r.grid.length) console.log(`EWC lambda chosen on the validation grid: ${r.chosen['lambda']} (${r.grid.map((g) => `${g.value}: ${pct(g.score, 1)}`).join(', ')})`);
          console.log(`wrote ${path.join(f.out, 'model')}, ${cmp.slice ? 'slice-old.json, ' : ''}${r.taskSlice ? 'slice-new.json, ' : ''}result.json`);
          reportRetention(r, protect, f.protectMaxDrop);
        } finally {
          r.model?.dispose();
        }
      } finally {
        model.dispose();
      }
    });
}
