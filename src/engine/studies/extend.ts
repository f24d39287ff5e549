/**
 * The RQ4 study: incremental development. Two kinds of cell, told apart by `kind`:
 * - `pair` (model x dataset x seed): a model trained on task A (classes 0-4, full 10-way head), sliced on A, then
 *   every method learns task B (5-9) from that same model with the same data, budget, optimiser and seed; one row
 *   per method: task-IL old/new, class-IL old/new/all, bit-identity of A's logits, frozen entries, capacity left,
 *   EWC's chosen lambda;
 * - `sequence` (split-MNIST, seed): 5 tasks of 2 digits learnt in turn by each method; one row per method with the
 *   task-IL and class-IL average accuracy over the 5 tasks (docs/maintenance.md's anchors are for an MLP400 with 4
 *   epochs per task on all of MNIST; ours is LeNet-5 on a subset, sized below).
 * Training a cell's task A once and running every method from it keeps the comparison paired (same start).
 */
import { loadDataset } from '../data/index.js';
import { compareExtend, extendArm, extendSequence, maintenanceSplits } from '../maintenance/index.js';
import { buildModel } from '../models/index.js';
import { train } from '../train/index.js';
import type { CellParams, PresetName, ResultRow, StudyDefinition } from './types.js';

interface Sizes {
  /** Training images per task (pair) / per 2-digit task (sequence). */
  perTask: number; seqPerTask: number;
  epochsA: number; epochsB: number; seqEpochs: number;
  testCount: number; seeds: number[];
  /** Pairs; perTask / epochsA / epochsB override the preset's sizes for that model (the wider models cost more). */
  pairs: Array<{ model: string; dataset: string; batchNorm?: boolean; perTask?: number; epochsA?: number; epochsB?: number }>;
  seqMethods: string[];
}

/** Preset sizes (full: see presetNotes; measured to fit 90 minutes on 2 cores). */
export const EXTEND_SIZES: Record<PresetName, Sizes> = {
  small: { perTask: 1500, seqPerTask: 600, epochsA: 3, epochsB: 2, seqEpochs: 2, testCount: 1000, seeds: [0], pairs: [{ model: 'lenet5', dataset: 'mnist' }], seqMethods: ['naive', 'ours'] },
  full: {
    perTask: 5000, seqPerTask: 2000, epochsA: 3, epochsB: 3, seqEpochs: 3, testCount: 2000, seeds: [0, 1, 2],
    pairs: [
      { model: 'lenet5', dataset: 'mnist' }, { model: 'lenet5', dataset: 'fashion-mnist' },
      // CPU seconds of one cell measured with bench/extend-methods.ts (BENCHMARKS.md): vgg-small costs about 20 times
      // LeNet-5 per image, hence 2,000 images per task and 2 epochs each; resnet-small (14k parameters) is cheap but
      // at 2,000 images and 2 epochs it stays near chance (task A 50%), hence 5,000 images, 4 epochs on A, 3 on B.
      { model: 'vgg-small', dataset: 'fashion-mnist', batchNorm: true, perTask: 2000, epochsA: 2, epochsB: 2 },
      { model: 'resnet-small', dataset: 'fashion-mnist', perTask: 5000, epochsA: 4, epochsB: 3 },
    ],
    seqMethods: ['naive', 'replay-10%', 'ewc', 'ours', 'ours+replay-10%'],
  },
};

const A = [0, 1, 2, 3, 4];
const B = [5, 6, 7, 8, 9];
const SPLIT = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]];

/** The preset's sizes with a pair's overrides. */
export function pairSizes(s: Sizes, model: string, dataset: string): Sizes {
  const o = s.pairs.find((x) => x.model === model && x.dataset === dataset);
  return { ...s, perTask: o?.perTask ?? s.perTask, epochsA: o?.epochsA ?? s.epochsA, epochsB: o?.epochsB ?? s.epochsB };
}

async function pairCell(p: CellParams, preset: Sizes): Promise<ResultRow[]> {
  const seed = Number(p['seed']);
  const s = pairSizes(preset, String(p['model']), String(p['dataset']));
  const data = await loadDataset(String(p['dataset']));
  const splits = maintenanceSplits({ train: data.train, test: data.test.take(s.testCount) }, seed);
  const taskA = splits.train.shuffle(seed).subsetClasses(A).take(s.perTask);
  const model = buildModel(String(p['model']), { inputShape: data.train.sampleShape, numClasses: 10, seed, batchNorm: p['batchNorm'] === true });
  try {
    await train(model, taskA, { epochs: s.epochsA, seed });
    // allowFull: a study cell reports a model whose every site task A fills (the new rows then learn on frozen features) rather than failing.
    const cmp = await compareExtend(model, splits, { old: A, fresh: B, perTask: s.perTask, epochs: s.epochsB, seed, allowFull: true });
    const choice = cmp.choice;
    return cmp.runs.map((r) => ({
      kind: 'pair', method: r.label,
      oldTaskIL: r.after.old, newTaskIL: r.after.new, oldBefore: r.before.old,
      classILOld: r.after.classIL.old, classILNew: r.after.classIL.new, classILAll: r.after.classIL.all,
      oldLogitsIdentical: r.oldLogits.identical, frozenEntries: r.frozen.frozenEntries, totalEntries: r.frozen.totalEntries,
      minFreeFraction: r.capacity.sites.length ? Math.min(...r.capacity.sites.map((x) => x.freeFraction)) : null,
      fullSitesBefore: r.capacityBefore ? r.capacityBefore.full.join(',') : null,
      freeBefore: r.capacityBefore ? Object.fromEntries(r.capacityBefore.sites.map((x) => [x.site, x.free])) : null,
      theta: choice?.theta ?? null, maskedHeldOut: choice?.masked ?? null, unmaskedHeldOut: choice?.unmasked ?? null, thetaNew: r.sliceChoice.new?.theta ?? null,
      lambda: (r.chosen['lambda'] as number | undefined) ?? null, steps: r.budget.steps, batchSize: r.budget.batchSize,
    }));
  } finally {
    model.dispose();
  }
}

async function sequenceCell(p: CellParams, s: Sizes): Promise<ResultRow[]> {
  const seed = Number(p['seed']);
  const data = await loadDataset('mnist');
  const pool = data.train.shuffle(seed);
  const trainSet = pool.perClassCap(Math.ceil(s.seqPerTask / 2));
  const test = data.test.take(s.testCount);
  const rows: ResultRow[] = [];
  for (const label of s.seqMethods) {
    const m = extendArm(label);
    const model = buildModel('lenet5', { inputShape: data.train.sampleShape, numClasses: 10, seed });
    const r = await extendSequence(model, SPLIT, { method: m.method, params: m.params, train: trainSet, test, epochs: s.seqEpochs, seed, allowFull: true });
    rows.push({
      kind: 'sequence', method: label, taskILAverage: r.taskILAverage, classILAverage: r.classILAverage,
      perTask: r.rows.at(-1)!.perTask, thetas: [r.firstTheta, ...r.rows.map((x) => x.theta)], allIdentical: r.rows.every((x) => x.oldLogitsIdentical),
    });
    r.model.dispose(); model.dispose();
  }
  return rows;
}

/** The `extend` study (RQ4). */
export const extendStudy: StudyDefinition = {
  name: 'extend',
  description: 'RQ4: incremental development, 0-4 then 5-9 with every method, and split-MNIST as 5 tasks of 2 digits',
  grid: (preset) => {
    const s = EXTEND_SIZES[preset];
    return [
      ...s.pairs.flatMap((x) => s.seeds.map((seed) => ({ kind: 'pair', model: x.model, dataset: x.dataset, batchNorm: x.batchNorm ?? false, seed }))),
      ...s.seeds.map((seed) => ({ kind: 'sequence', model: 'lenet5', dataset: 'mnist', batchNorm: false, seed })),
    ];
  },
  run: (params, ctx) => (params['kind'] === 'sequence' ? sequenceCell(params, EXTEND_SIZES[ctx.preset]) : pairCell(params, EXTEND_SIZES[ctx.preset])),
  presetNotes: {
    small: 'LeNet-5 on MNIST, seed 0, 1,500 images per task, 3 epochs on A and 2 on B, task A sliced with taylor and theta auto; split-MNIST with naive and ours on 600 images per task, 2 epochs; 1,000 test images',
    full: 'LeNet-5 MNIST and Fashion-MNIST (5,000 images per task, 3 epochs on A and 3 on B), vgg-small (BN) on Fashion-MNIST (2,000 images per task, 2 epochs each), resnet-small on Fashion-MNIST (5,000 images per task, 4 epochs on A and 3 on B), seeds 0-2, all 8 method rows, task A sliced with taylor and theta auto; split-MNIST with naive, replay 10%, EWC, ours, ours+replay on 2,000 images per task, 3 epochs; 2,000 test images',
  },
};
