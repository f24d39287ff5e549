import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compareReadapt, listReadaptMethods, readapt } from '../../../src/engine/maintenance/index.js';
import { neuronTrainMasks } from '../../../src/engine/masks/index.js';
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
    const fp = await (await modelFingerprint(model));
    const r = await readapt(model, s, adv.data, { ...opts(), method: 'critical' });
    assert.equal((await modelFingerprint(model)), fp, 'the input model is unchanged');
    assert.ok(r.frozen.identical);
    assert.ok(r.frozen.weights.some((c) => c.frozen > 0 && c.frozen < c.size), 'some weights are partly frozen');
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
    assert.equal(r.manifest.budget.steps, r.rows.at(-1)!.steps);
    assert.ok(r.secondsPerStep > 0 && r.after.cumulativeSeconds > 0);
    assert.equal(r.table.numRows(), r.rows.length);
    if (r.epochsToTarget !== null) assert.ok(r.rows[r.epochsToTarget]!.newAccuracy >= r.target);
    r.model.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
  });

  it('every method runs on the same training set and budget; random trains as many parameters as critical; last-layer only the classifier; same seed same bytes', async () => {
    assert.deepEqual(listReadaptMethods().sort(), ['critical', 'deeparc', 'full', 'last-layer', 'random']);
    const res = new Map<string, Awaited<ReturnType<typeof readapt>>>();
    for (const method of ['critical', 'random', 'full', 'last-layer', 'deeparc']) res.set(method, await readapt(model, s, adv.data, { ...opts(), method }));
    const fps = new Set([...res.values()].map((r) => r.manifest.data['train']!.fingerprint));
    assert.equal(fps.size, 1, 'one training set for all methods');
    for (const r of res.values()) assert.ok(r.frozen.identical, `${r.method} keeps frozen weights`);
    assert.equal(res.get('last-layer')!.trainedWeights, 2, 'a weight without trainable entries is left out of the optimiser');
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
    assert.deepEqual(r.manifest.slice!.classes, [0, 1]);
    assert.equal(r.manifest.sliceClasses, 'present');
    assert.throws(() => r.assertRetention({ classes: [0, 1, 2, 3], maxDrop: -1 }), { code: 'BAD_RETENTION' });
    const drops = r.before.cleanPerClass.map((b, k) => b - r.after.cleanPerClass[k]!);
    const worst = drops.indexOf(Math.max(...drops));
    if (drops[worst]! > 0) assert.throws(() => r.assertRetention({ classes: [worst], maxDrop: drops[worst]! / 2 }), { code: 'RETENTION_BROKEN' });
    assert.equal(r.assertRetention({ classes: [0, 1, 2, 3], maxDrop: 1 }).length, 4);
    r.model.dispose();
    // A mutant re-adapted with its original's slice; DeepArc ranks against the original.
    const [m] = await mutants(model, trainData, { drop: 0.3, count: 1, seed: 1, tolerance: 0.05 });
    const rm = await readapt(m!.model, s, trainData.take(80), { ...opts(), heldOut: testData, pairs: undefined, reference: model, method: 'deeparc' });
    assert.equal(rm.manifest.slice!.origin, 'reference', "a mutant's slice is its original's");
    assert.ok(rm.frozen.identical);
    rm.model.dispose(); m!.model.dispose();
    await assert.rejects(readapt(model, s, adv.data, { ...opts(), method: 'critcal' }), { code: 'UNKNOWN_READAPT_METHOD' });
    const twin = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 7, width: 0.5 });
    await assert.rejects(readapt(twin, s, adv.data, { ...opts(), method: 'critical' }), { code: 'SLICE_MODEL_MISMATCH' });
    twin.dispose();
    await assert.rejects(readapt(model, s, adv.data, { ...opts(), epochs: 0 }), { code: 'BAD_READAPT_OPTIONS' });
    await assert.rejects(readapt(model, s, adv.data, { ...opts(), pairs: undefined, method: 'deeparc' }), { code: 'BAD_READAPT_OPTIONS' });
  });

  it('without a slice, critical slices the model by the policy on the clean data; sliceClasses present slices only those classes', async () => {
    const r = await readapt(model, null, adv.data.subsetClasses([1, 2]), { ...opts(), pairs: adv.sources.subsetClasses([1, 2]), sliceClasses: 'present', method: 'critical' });
    assert.equal(r.sliceChoice!.rule, 'auto');
    assert.deepEqual(r.sliceChoice!.classes, [1, 2]);
    assert.deepEqual(r.slice!.classes, [1, 2]);
    assert.ok(r.sliceChoice!.validationSamples > 0);
    r.model.dispose();
  });

  it('compareReadapt: one call makes the workload, slices once, runs the methods on one training set and summarises them; held-out images come from the test images', async () => {
    const start = tf.memory().numTensors;
    const r = await compareReadapt(model, { train: trainData, test: testData }, { workload: 'fgsm', eps: 0.5, count: 30, epochs: 1, methods: ['critical', 'random', 'full'], seed: 1 });
    assert.deepEqual(r.summary.array('method'), ['critical', 'random', 'full']);
    assert.equal(r.examples.clean.size, r.examples.fresh.size);
    assert.equal(r.runs[0]!.manifest.data['test']!.size, testData.size);
    assert.equal(r.runs[0]!.manifest.data['heldOut']!.name, 'prototypes-fgsm');
    assert.equal(r.choice!.rule, 'auto', 'sliced once by the policy');
    assert.deepEqual(r.runs[0]!.manifest.slice!.choice, r.choice);
    assert.equal(r.runs[0]!.trainableParams, r.runs[1]!.trainableParams, 'random matches the slice');
    assert.equal(new Set(r.runs.map((x) => x.manifest.data['train']!.fingerprint)).size, 1);
    assert.ok(r.runs.every((x) => x.frozen.identical));
    const m = await compareReadapt(model, { train: trainData, test: testData }, { workload: 'mutant', drop: 0.3, count: 40, epochs: 1, methods: ['last-layer'] });
    assert.equal(m.workload['workload'], 'mutant');
    assert.equal(m.slice, null, 'no method needed a slice');
    assert.equal(tf.memory().numTensors, start);
    await assert.rejects(compareReadapt(model, { train: trainData, test: testData }, { workload: 'fgsn' as 'fgsm' }), { code: 'BAD_READAPT_OPTIONS' });
  });
});
