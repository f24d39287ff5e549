import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { readapt, readaptWorkload } from '../../../src/engine/maintenance/index.js';
import { neuronTrainMasks, listTrainSets } from '../../../src/engine/masks/index.js';
import '../../../src/engine/baselines/deeparc/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { slice } from '../../../src/engine/slicing/index.js';
import type { Slice } from '../../../src/engine/slicing/index.js';
import { train } from '../../../src/engine/train/index.js';
import { fgsm, mutants, type AdversarialSet } from '../../../src/engine/workloads/index.js';
import { prototypeData } from '../slicing/fixtures.js';

describe('maintenance/readapt', () => {
  let model: tf.LayersModel;
  let s: Slice;
  let adv: AdversarialSet;
  let advTest: AdversarialSet;
  const trainData = prototypeData({ classes: 4, perClass: 50, seed: 5 });
  const testData = prototypeData({ classes: 4, perClass: 20, seed: 5, split: 'test' });
  const budget = { epochs: 3, batchSize: 16, learningRate: 0.005, seed: 2 };

  before(async () => {
    await tf.setBackend('cpu');
    model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 2, width: 0.5 });
    await train(model, trainData, { epochs: 8, batchSize: 16, seed: 1, learningRate: 0.01, workers: 1 });
    s = await slice(model, trainData, { metric: 'avg', theta: 0.8 });
    adv = await fgsm(model, trainData, { eps: 0.5, count: 60 });
    advTest = await fgsm(model, testData, { eps: 0.5, count: 40 });
  });
  after(() => model.dispose());

  const opts = () => ({ clean: trainData, heldOut: advTest.data, test: testData, pairs: adv.sources, ...budget });

  it('critical: only the critical neurons\' weights move (checked entry by entry and by checksums); accuracy on new samples rises', async () => {
    const start = tf.memory().numTensors;
    const fp = await modelFingerprint(model);
    const r = await readapt(model, s, adv.data, { ...opts(), method: 'critical' });
    assert.equal(await modelFingerprint(model), fp, 'the input model is unchanged');
    assert.ok(r.frozenIdentical);
    assert.ok(r.checksums.some((c) => c.frozen > 0 && c.frozen < c.size), 'some weights are partly frozen');
    const masks = neuronTrainMasks(model, s.mask());
    let moved = 0;
    for (const [i, w] of model.weights.entries()) {
      const a = w.read().dataSync(), b = r.model.weights[i]!.read().dataSync();
      const m = masks[w.originalName]!;
      for (let k = 0; k < a.length; k++) {
        if (m[k] === 0) assert.equal(Object.is(a[k], b[k]), true, `${w.originalName}[${k}] is frozen`);
        else if (a[k] !== b[k]) moved++;
      }
    }
    assert.ok(moved > 0, 'critical weights moved');
    assert.equal(r.rows.length, budget.epochs + 1);
    assert.equal(r.rows[0]!.epoch, 0);
    assert.ok(r.before.newAccuracy <= 0.3, `adversarial accuracy before ${r.before.newAccuracy}`);
    assert.ok(r.after.newAccuracy > r.before.newAccuracy, `${r.before.newAccuracy} -> ${r.after.newAccuracy}`);
    assert.equal(r.before.cleanPerClass.length, 4);
    assert.ok(r.trainableParams < r.totalParams);
    assert.equal(r.manifest.budget.epochs, budget.epochs);
    assert.equal(r.table.numRows(), r.rows.length);
    if (r.epochsToTarget !== null) assert.ok(r.rows[r.epochsToTarget]!.newAccuracy >= r.target);
    r.model.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
  });

  it('every method runs on the same training set and budget; random trains as many parameters as critical; last-layer only the classifier; same seed same bytes', async () => {
    assert.deepEqual(listTrainSets().sort(), ['critical', 'deeparc', 'full', 'last-layer', 'random']);
    const res = new Map<string, Awaited<ReturnType<typeof readapt>>>();
    for (const method of ['critical', 'random', 'full', 'last-layer', 'deeparc']) res.set(method, await readapt(model, s, adv.data, { ...opts(), method }));
    const fps = new Set([...res.values()].map((r) => r.manifest.data.trainFingerprint));
    assert.equal(fps.size, 1, 'one training set for all methods');
    for (const r of res.values()) assert.ok(r.frozenIdentical, `${r.method} keeps frozen weights`);
    assert.equal(res.get('random')!.trainableParams, res.get('critical')!.trainableParams);
    assert.equal(res.get('full')!.trainableParams, res.get('full')!.totalParams);
    const last = res.get('last-layer')!;
    for (const [i, w] of model.weights.entries()) {
      if (w.originalName.startsWith('logits/')) continue;
      assert.deepEqual(Array.from(last.model.weights[i]!.read().dataSync()), Array.from(w.read().dataSync()), `${w.originalName} frozen under last-layer`);
    }
    const dp = res.get('deeparc')!;
    assert.ok(Array.isArray((dp.chosen as { units: unknown[] }).units));
    const again = await readapt(model, s, adv.data, { ...opts(), method: 'random' });
    assert.equal(await modelFingerprint(again.model), await modelFingerprint(res.get('random')!.model));
    again.model.dispose();
    for (const r of res.values()) r.model.dispose();
  });

  it('retention contracts, present-class slices, mutants, bad input', async () => {
    const sub = adv.data.subsetClasses([0, 1]);
    const r = await readapt(model, s, sub, { ...opts(), pairs: adv.sources.subsetClasses([0, 1]), sliceClasses: 'present', method: 'critical' });
    assert.deepEqual(r.manifest.slice!.used, [0, 1]);
    assert.throws(() => r.assertRetention({ classes: [0, 1, 2, 3], maxDrop: -1 }), { code: 'BAD_RETENTION' });
    const drops = r.before.cleanPerClass.map((b, k) => b - r.after.cleanPerClass[k]!);
    const worst = drops.indexOf(Math.max(...drops));
    if (drops[worst]! > 0) assert.throws(() => r.assertRetention({ classes: [worst], maxDrop: drops[worst]! / 2 }), { code: 'RETENTION_BROKEN' });
    assert.equal(r.assertRetention({ classes: [0, 1, 2, 3], maxDrop: 1 }).length, 4);
    r.model.dispose();
    // A mutant re-adapted with its original's slice; DeepArc ranks against the original.
    const [m] = await mutants(model, trainData, { drop: 0.3, count: 1, seed: 1, tolerance: 0.05 });
    const rm = await readapt(m!.model, s, trainData.take(80), { ...opts(), heldOut: testData, pairs: undefined, reference: model, method: 'deeparc' });
    assert.equal(rm.manifest.slice!.modelMatches, false);
    assert.ok(rm.frozenIdentical);
    rm.model.dispose(); m!.model.dispose();
    await assert.rejects(readapt(model, s, adv.data, { ...opts(), method: 'critcal' }), { code: 'UNKNOWN_READAPT_METHOD' });
    await assert.rejects(readapt(model, null, adv.data, { ...opts(), method: 'critical' }), { code: 'NO_SLICE' });
    await assert.rejects(readapt(model, s, adv.data, { ...opts(), epochs: 0 }), { code: 'BAD_READAPT_OPTIONS' });
    await assert.rejects(readapt(model, s, adv.data, { ...opts(), pairs: undefined, method: 'deeparc' }), { code: 'BAD_READAPT_OPTIONS' });
  });

  it('readaptWorkload: one call makes the workload, runs the methods and summarises them; held-out images are not the test images', async () => {
    const start = tf.memory().numTensors;
    const r = await readaptWorkload(model, { train: trainData, test: testData }, { workload: 'fgsm', eps: 0.5, count: 30, epochs: 1, methods: ['critical', 'full'], testCount: 40, seed: 1 }, s);
    assert.deepEqual(r.summary.array('method'), ['critical', 'full']);
    assert.equal(r.examples.clean.size, r.examples.fresh.size);
    assert.equal(r.results[0]!.manifest.data.testSize, 40);
    assert.ok(r.results.every((x) => x.frozenIdentical));
    const m = await readaptWorkload(model, { train: trainData, test: testData }, { workload: 'mutant', drop: 0.3, count: 40, epochs: 1, methods: ['last-layer'], testCount: 40 }, s);
    assert.equal(m.workload['workload'], 'mutant');
    assert.equal(tf.memory().numTensors, start);
    await assert.rejects(readaptWorkload(model, { train: trainData, test: testData }, { workload: 'fgsn' as 'fgsm' }, s), { code: 'BAD_READAPT_OPTIONS' });
  });
});
