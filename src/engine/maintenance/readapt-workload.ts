/**
 * The whole re-adaptation experiment in one call, as `semslice readapt`, `%%readapt` and the notebook run it: make
 * the workload (FGSM/PGD images from shuffled training images to learn from and from test images held out, or a
 * mutant of the model), slice the model when no slice is given, then re-adapt with each method on one budget.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { slice as sliceModel, type Slice } from '../slicing/index.js';
import { evaluate } from '../train/index.js';
import { fgsm, mutants, pgd } from '../workloads/index.js';
import { readapt, type ReadaptResult, type ReadaptRow } from './readapt.js';

/** Options of {@link readaptWorkload}. */
export interface ReadaptWorkloadOptions {
  workload: 'fgsm' | 'pgd' | 'mutant';
  /** Methods to run, in order. Default: critical, full, last-layer, deeparc, random. */
  methods?: string[];
  /** Attack radius (default per dataset). */
  eps?: number;
  /** New samples to learn from, and held-out ones (each). Default 500. */
  count?: number;
  /** Mutant: accuracy drop to cause. Default 0.3. */
  drop?: number;
  /** Default 3. */
  epochs?: number;
  seed?: number;
  /** Clean test images measured. Default 1000. */
  testCount?: number;
  /** Held-out new-sample accuracy counted as re-adapted. Default 0.8 (mutants: the original's test accuracy - 0.02). */
  target?: number;
  /** Images the default slice profiles. Default 1000. */
  sliceImages?: number;
  /** Passed to readapt(): which slice, batch size, learning rate. */
  sliceClasses?: 'all' | 'present';
  batchSize?: number;
  learningRate?: number;
  /** Training replicas for every method (see TrainOptions.workers). Default 'auto'. */
  workers?: number | 'auto';
  onEpoch?: (method: string, row: ReadaptRow) => void;
}

/** What {@link readaptWorkload} returns. */
export interface ReadaptWorkloadResult {
  workload: Record<string, unknown>;
  /** Clean images and their new versions (adversarial images; for a mutant, the same images). */
  examples: { clean: Dataset; fresh: Dataset };
  slice: Slice;
  results: ReadaptResult[];
  /** One row per method: new/clean accuracy before and after, trainable parameters, epochs and seconds to target. */
  summary: aq.ColumnTable;
}

/**
 * Run a workload and every method on it (each method's model is disposed unless `keepModels`).
 *
 * @example
 * const r = await readaptWorkload(model, await ss.data.loadDataset('mnist'), { workload: 'fgsm', count: 300, epochs: 2 });
 * r.summary.print();
 */
export async function readaptWorkload(model: tf.LayersModel, data: { train: Dataset; test: Dataset }, o: ReadaptWorkloadOptions, given?: Slice | null, keepModels = false): Promise<ReadaptWorkloadResult> {
  if (!['fgsm', 'pgd', 'mutant'].includes(o.workload)) {
    throw new SemsliceError('BAD_READAPT_OPTIONS', `readapt: unknown workload "${String(o.workload)}".`, 'Use workload fgsm, pgd or mutant.');
  }
  const seed = o.seed ?? 0, count = o.count ?? 500, testCount = o.testCount ?? 1000;
  const methods = o.methods ?? ['critical', 'full', 'last-layer', 'deeparc', 'random'];
  const pool = data.train.shuffle(seed);
  const test = data.test.take(Math.min(testCount, data.test.size));
  const heldPool = data.test.select(Int32Array.from({ length: data.test.size - test.size }, (_, i) => test.size + i));
  const s = given ?? await sliceModel(model, pool.take(o.sliceImages ?? 1000));
  let target = model, fresh: Dataset, heldOut: Dataset, pairs: Dataset | undefined, workload: Record<string, unknown>;
  let targetAcc = o.target ?? 0.8;
  if (o.workload === 'mutant') {
    const drop = o.drop ?? 0.3;
    const [m] = await mutants(model, pool.take(Math.max(1000, count)), { drop, count: 1, seed });
    target = m!.model; fresh = pool.take(count); heldOut = test;
    if (o.target === undefined) {
      targetAcc = (await evaluate(model, test, { confusion: false })).accuracy - 0.02;
    }
    workload = { workload: 'mutant', drop, achievedDrop: m!.achievedDrop, fractionReplaced: m!.fractionReplaced, seed };
  } else {
    const attack = o.workload === 'fgsm' ? fgsm : pgd;
    const a = { count, seed, ...(o.eps !== undefined ? { eps: o.eps } : {}) };
    const learn = await attack(model, pool, a);
    const held = await attack(model, heldPool.size > 0 ? heldPool : data.test, { ...a, seed: seed + 1 });
    fresh = learn.data; heldOut = held.data; pairs = learn.sources;
    workload = { workload: o.workload, ...learn.params, learn: learn.data.size, heldOut: held.data.size, accuracyOnHeldOut: held.accuracy };
  }
  const results: ReadaptResult[] = [];
  try {
    for (const method of methods) {
      const r = await readapt(target, s, fresh, {
        method, clean: pool, heldOut, test, ...(pairs ? { pairs } : {}), ...(target !== model ? { reference: model } : {}),
        epochs: o.epochs ?? 3, seed, target: targetAcc, workers: o.workers ?? 'auto',
        ...(o.sliceClasses ? { sliceClasses: o.sliceClasses } : {}), ...(o.batchSize ? { batchSize: o.batchSize } : {}),
        ...(o.learningRate ? { learningRate: o.learningRate } : {}), ...(o.onEpoch ? { onEpoch: (row: ReadaptRow) => o.onEpoch!(method, row) } : {}),
      });
      if (!keepModels) r.model.dispose();
      results.push(r);
    }
  } finally {
    if (target !== model) target.dispose();
  }
  const summary = aq.from(results.map((r) => ({
    method: r.method, newBefore: r.before.newAccuracy, newAfter: r.after.newAccuracy, cleanBefore: r.before.cleanAccuracy, cleanAfter: r.after.cleanAccuracy,
    trainableParams: r.trainableParams, totalParams: r.totalParams, epochsToTarget: r.epochsToTarget, secondsToTarget: r.secondsToTarget,
    trainSeconds: r.after.cumulativeSeconds, frozenIdentical: r.frozenIdentical,
  })));
  return { workload, examples: { clean: pairs ?? fresh, fresh }, slice: s, results, summary };
}
