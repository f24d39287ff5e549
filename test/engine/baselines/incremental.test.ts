/** Issue 14, items 3 and 5: every incremental method on the same budget; EWC's Fisher and grid; task sequences. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { synthetic } from '../../../src/engine/data/index.js';
import type { DatasetSplits } from '../../../src/engine/data/types.js';
import { empiricalFisher, ewcPenalty, disposeEwc, replaySample } from '../../../src/engine/baselines/incremental/index.js';
import { EWC_LAMBDA_GRID, extend, extendSequence, listExtendMethods, taskSlice } from '../../../src/engine/maintenance/index.js';
import { buildModel } from '../../../src/engine/models/index.js';
import { train } from '../../../src/engine/train/index.js';

const OLD = [0, 1, 2];
const NEW = [3, 4, 5];

describe('baselines/incremental', function () {
  this.timeout(300_000);
  let d: DatasetSplits;
  let model: tf.LayersModel;
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    d = await synthetic({ classes: 6, perClass: 30, testPerClass: 10, shape: [16, 16, 1], seed: 2 });
    model = buildModel('mlp', { inputShape: [16, 16, 1], numClasses: 6, seed: 1, width: 0.25 });
    await train(model, d.train.subsetClasses(OLD), { epochs: 2, batchSize: 16, seed: 0, learningRate: 0.01 });
  });
  after(() => model.dispose());

  it('registers all seven methods; every one runs with the same steps, learning rate and seed', async () => {
    for (const m of ['ours', 'ours+replay', 'naive', 'replay', 'ewc', 'deeparc']) assert.ok(listExtendMethods().includes(m), m);
    const { slice: s } = await taskSlice(model, d.train.subsetClasses(OLD), OLD, { metric: 'avg', theta: 0.6 });
    const steps = new Set<number>();
    const base = { test: d.test, oldData: d.train.subsetClasses(OLD), epochs: 2, batchSize: 16, learningRate: 0.01, seed: 3 };
    const runs: Array<[string, Record<string, number>]> = [['ours', {}], ['ours+replay', {}], ['naive', {}], ['replay', { replay: 0.05 }], ['replay', { replay: 1 }], ['ewc', { lambda: 100 }], ['deeparc', {}]];
    const start = tf.memory().numTensors;
    for (const [method, params] of runs) {
      const r = await extend(model, s, d.train.subsetClasses(NEW), { ...base, method, params });
      steps.add(r.budget.steps);
      assert.equal(r.budget.learningRate, 0.01);
      if (method.startsWith('ours')) assert.equal(r.oldLogits.identical, true, method);
      if (method === 'replay') assert.equal(r.budget.trainSamples, 90 + replaySample(d.train.subsetClasses(OLD), params['replay']!, 3).size);
      if (method === 'deeparc') assert.ok((r.chosen['units'] as string[]).length >= 1);
      if (method === 'ewc') assert.equal(r.chosen['lambda'], 100);
      r.model.dispose();
    }
    assert.equal(steps.size, 1, `steps differ: ${[...steps].join(', ')}`);
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
  });

  it('EWC: the empirical Fisher is non-negative, the penalty is 0 at the anchor; the lambda grid is recorded', async () => {
    const st = empiricalFisher(model, d.train.subsetClasses(OLD), 16);
    assert.equal(st.batches, Math.ceil(90 / 16));
    const pen = ewcPenalty(model, st, 10);
    assert.equal(tf.tidy(() => pen().dataSync()[0]), 0);
    const fsum = [...st.fisher.values()].reduce((a, f) => a + tf.tidy(() => f.sum().dataSync()[0]!), 0);
    assert.ok(fsum > 0);
    assert.ok([...st.fisher.values()].every((f) => tf.tidy(() => f.min().dataSync()[0]!) >= 0));
    disposeEwc(st);
    const r = await extend(model, null, d.train.subsetClasses(NEW), { method: 'ewc', test: d.test, oldData: d.train.subsetClasses(OLD), oldClasses: OLD, epochs: 1, batchSize: 16, seed: 1 });
    assert.equal(r.grid.length, EWC_LAMBDA_GRID.length);
    assert.equal(r.chosen['lambda'], r.grid.reduce((a, b) => (b.score > a.score ? b : a)).value);
    r.model.dispose();
  });

  it('a sequence of three tasks: every earlier task stays bit-identical, capacity shrinks', async () => {
    const m = buildModel('mlp', { inputShape: [16, 16, 1], numClasses: 6, seed: 1, width: 0.5 });
    const r = await extendSequence(m, [[0, 1], [2, 3], [4, 5]], { train: d.train, test: d.test, epochs: 3, batchSize: 16, learningRate: 0.01, seed: 0 });
    assert.equal(r.rows.length, 2);
    assert.ok(r.rows.every((x) => x.oldLogitsIdentical));
    assert.equal(r.rows.at(-1)!.perTask.length, 3);
    assert.ok(r.rows[1]!.minFree <= r.rows[0]!.minFree);
    assert.equal(r.capacity!.tasks.length, 3);
    r.model.dispose(); m.dispose();
  });
});
