/**
 * train()'s lossGroups: each sample's softmax runs over its label's group (a head per task). The logits outside a
 * sample's group get no gradient; one thread and two replicas agree; bad groups are refused before any step.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { syntheticSync } from '../../../src/engine/data/index.js';
import { buildModel, modelFingerprint } from '../../../src/engine/models/index.js';
import { groupTable } from '../../../src/engine/train/loss.js';
import { train } from '../../../src/engine/train/index.js';
import { closeTrainWorkers } from '../../../src/engine/train/parallel/data-parallel.js';
import { isSemsliceError } from '../../../src/engine/errors.js';

const SHAPE: [number, number, number] = [8, 8, 1];
const data = syntheticSync({ classes: 4, perClass: 24, shape: SHAPE, seed: 5 });

describe('engine/train: lossGroups (a softmax per task)', function () {
  this.timeout(120_000);
  before(async () => { await initBackend({ backend: 'wasm', quiet: true }); });
  after(async () => { await closeTrainWorkers(); });

  it('groupTable: 0 inside a label\'s group, a large negative number outside, 0 rows for labels in no group', () => {
    const t = groupTable([[0, 1], [3]], 4);
    assert.deepEqual([...t.subarray(0, 4)], [0, 0, -1e9, -1e9]);
    assert.deepEqual([...t.subarray(4, 8)], [0, 0, -1e9, -1e9]);
    assert.deepEqual([...t.subarray(8, 12)], [0, 0, 0, 0]);
    assert.deepEqual([...t.subarray(12, 16)], [-1e9, -1e9, -1e9, 0]);
  });

  it('the rows of logits outside every trained group keep their values; the loss is the 2-way one', async () => {
    const m = buildModel('mlp', { inputShape: SHAPE, numClasses: 4, seed: 2, width: 0.25 });
    const kernel = () => m.weights.find((w) => w.originalName === 'logits/kernel')!.read().arraySync() as number[][];
    const k0 = kernel();
    const h = await train(m, data.train.subsetClasses([0, 1]), { epochs: 2, batchSize: 8, seed: 1, workers: 1, lossGroups: [[0, 1], [2, 3]] });
    const k1 = kernel();
    for (let i = 0; i < k0.length; i++) {
      assert.equal(k1[i]![2], k0[i]![2], 'class 2 is outside the samples\' group: its row gets no gradient');
      assert.equal(k1[i]![3], k0[i]![3]);
    }
    assert.ok(k1.some((row, i) => row[0] !== k0[i]![0]), 'the group\'s own rows train');
    assert.ok(h.epochs[0]!.loss < Math.log(2) + 0.2, `a 2-way loss starts near ln 2: ${h.epochs[0]!.loss}`);
    m.dispose();
  });

  it('two replicas train the same groups (deterministic, no leaks)', async () => {
    const run = async (): Promise<string> => {
      const m = buildModel('lenet5', { inputShape: [12, 12, 1], numClasses: 4, seed: 3, width: 0.5 });
      const d = syntheticSync({ classes: 4, perClass: 20, shape: [12, 12, 1], seed: 6 });
      const base = tf.memory().numTensors;
      await train(m, d.train, { epochs: 1, batchSize: 16, seed: 2, workers: 2, lossGroups: [[0, 1], [2, 3]] });
      assert.equal(tf.memory().numTensors, base);
      const fp = await modelFingerprint(m);
      m.dispose();
      return fp;
    };
    assert.equal(await run(), await run());
  });

  it('refuses overlapping groups, classes the model lacks and training labels in no group', async () => {
    const m = buildModel('mlp', { inputShape: SHAPE, numClasses: 4, seed: 2, width: 0.25 });
    const fp = await modelFingerprint(m);
    for (const [groups, msg] of [[[[0, 1], [1, 2]], /disjoint/], [[[0, 7]], /not an output/], [[[0, 1]], /no loss group contains/]] as const) {
      await assert.rejects(train(m, data.train, { epochs: 1, lossGroups: groups as unknown as number[][] }), (e: unknown) => isSemsliceError(e) && e.code === 'BAD_TRAIN_OPTIONS' && msg.test(e.message));
    }
    assert.equal((await modelFingerprint(m)), fp, 'nothing trained');
    m.dispose();
  });
});
