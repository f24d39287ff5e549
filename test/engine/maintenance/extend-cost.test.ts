/**
 * What extend trains and what it costs: every result reports the trainable (non-frozen) parameters, the weights the
 * optimiser updates, and wall time per step and in total; a weight with no trainable entry is left out of the
 * optimiser (no weight gradient for it).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { synthetic } from '../../../src/engine/data/index.js';
import type { DatasetSplits } from '../../../src/engine/data/types.js';
import { compareExtend, extend, taskSlice } from '../../../src/engine/maintenance/index.js';
import { oldTaskFreezeMasks } from '../../../src/engine/masks/index.js';
import { buildModel } from '../../../src/engine/models/index.js';
import { slice } from '../../../src/engine/slicing/index.js';
import { train } from '../../../src/engine/train/index.js';

const OLD = [0, 1, 2];
const NEW = [3, 4, 5];

describe('maintenance/extend: trainable parameters and wall time', function () {
  this.timeout(300_000);
  let d: DatasetSplits;
  let model: tf.LayersModel;
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    d = await synthetic({ classes: 6, perClass: 30, testPerClass: 10, shape: [12, 12, 1], seed: 3 });
    model = buildModel('mlp', { inputShape: [12, 12, 1], numClasses: 6, seed: 2, width: 0.25 });
    await train(model, d.train.subsetClasses(OLD), { epochs: 2, batchSize: 16, seed: 0, learningRate: 0.01 });
  });
  after(() => model.dispose());

  it('ours: trainable parameters are the free mask entries; wholly frozen weights are left out of the optimiser', async () => {
    // Every neuron critical: fc1 and fc2 are frozen whole, only the new classes' output rows train.
    const full = (await slice(model, d.train, { method: 'global-topk', k: 100, onlyCorrect: false })).forClasses(OLD);
    const r = await extend(model, full, d.train.subsetClasses(NEW), { test: d.test, epochs: 2, batchSize: 16, seed: 1, allowFull: true, allowForeignSlice: true, sliceNew: false });
    try {
      const masks = oldTaskFreezeMasks(model, full.mask(), OLD);
      const free = model.trainableWeights.reduce((a, w) => a + masks[w.originalName]!.reduce((s, v) => s + v, 0), 0);
      assert.equal(r.trained.trainableParams, free);
      assert.equal(r.trained.totalParams, model.trainableWeights.reduce((a, w) => a + w.shape.reduce<number>((p, x) => p * (x ?? 1), 1), 0));
      assert.equal(r.trained.totalWeights, model.trainableWeights.length);
      assert.equal(r.trained.trainedWeights, 2, 'only logits/kernel and logits/bias reach the optimiser');
      assert.equal(r.frozen.identical, true, 'the weights left out stay bit-identical');
      assert.ok(r.secondsPerStep > 0);
      assert.ok(Math.abs(r.secondsPerStep * r.budget.steps - r.seconds) < 1e-9, 'seconds per step x steps = seconds');
    } finally { r.model.dispose(); }
  });

  it('every arm of the comparison reports its trainable parameters, steps and seconds; naive trains everything', async () => {
    const s = await taskSlice(model, d.train, OLD, { theta: 0.6 });
    const cmp = await compareExtend(model, { train: d.train, test: d.test }, { old: OLD, fresh: NEW, methods: ['naive', 'ours'], perTask: 60, epochs: 2, batchSize: 16, seed: 2, curve: true }, s);
    const rows = cmp.summary.objects() as Array<Record<string, number | string>>;
    const naive = rows.find((x) => x['method'] === 'naive')!;
    const ours = rows.find((x) => x['method'] === 'ours')!;
    assert.equal(naive['trainableParams'], cmp.runs[0]!.trained.totalParams);
    assert.ok(Number(ours['trainableParams']) < Number(naive['trainableParams']));
    assert.equal(naive['steps'], ours['steps'], 'one budget');
    for (const r of cmp.runs) {
      assert.equal(r.curve.length, 2, 'a learning-curve point per epoch');
      assert.equal(r.curve.at(-1)!.steps, r.budget.steps);
      assert.ok(r.curve[1]!.seconds >= r.curve[0]!.seconds);
    }
    assert.equal(cmp.runs[0]!.budget.heads, 'shared');
    assert.equal(cmp.runs[1]!.budget.heads, 'task');
  });
});
