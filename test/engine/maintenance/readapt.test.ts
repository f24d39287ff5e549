import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compareReadapt, listReadaptMethods, readapt, readaptRunLabel } from '../../../src/engine/maintenance/index.js';
import { neuronTrainMasks } from '../../../src/engine/masks/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { slice } from '../../../src/engine/slicing/index.js';
import type { Slice } from '../../../src/engine/slicing/index.js';
import { evaluate, train } from '../../../src/engine/train/index.js';
import { fgsm, mutants, type AdversarialSet } from '../../../src/engine/workloads/index.js';
import { prototypeData } from '../slicing/fixtures.js';

describe('maintenance/readapt', () => {
  let model: tf.LayersModel;
  let s: Slice;
  let adv: AdversarialSet;
  let advTest: AdversarialSet;
  const trainData = prototypeData({ classes: 4, perClass: 50, seed: 5 });
  const testData = prototypeData({ classes: 4, perClass: 20, seed: 5, split: 'test' });
  const budget = { epochs: 3, batchSize: 16, learningRate: 0.005, seed: 2, evalEvery: 5, cleanRatio: 1 };

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
    // Checkpoints: before (0 steps), every evalEvery steps, and after the last step.
    const perEpoch = Math.ceil(2 * adv.data.size / budget.batchSize);
    assert.equal(r.steps, budget.epochs * perEpoch);
    const expected = Array.from({ length: Math.floor(r.steps / 5) + 1 }, (_, i) => 5 * i);
    if (r.steps % 5) expected.push(r.steps);
    assert.deepEqual(r.rows.map((x) => x.steps), expected);
    assert.equal(r.rows.at(-1)!.steps, r.steps);
    assert.equal(r.rows[2]!.epoch, 10 / perEpoch);
    assert.ok(Number.isNaN(r.rows[0]!.loss) && r.rows.slice(1).every((x) => x.loss > 0), 'each checkpoint has the mean training loss since the previous one');
    assert.equal(r.before.newAccuracy, 0, 'the held-out images are errors of the model, every one');
    assert.ok(r.after.newAccuracy > 0.1, `${r.before.newAccuracy} -> ${r.after.newAccuracy}`);
    assert.equal(r.before.cleanPerClass.length, 4);
    assert.ok(r.trainableParams < r.totalParams);
    assert.equal(r.manifest.budget.epochs, budget.epochs);
    assert.equal(r.manifest.budget.steps, r.steps);
    // Training seconds leave evaluation out: they add up over the checkpoints, per step is their mean.
    assert.ok(r.trainSeconds > 0);
    assert.ok(Math.abs(r.rows.reduce((a, x) => a + x.seconds, 0) - r.trainSeconds) < 1e-9);
    assert.ok(Math.abs(r.after.cumulativeSeconds - r.trainSeconds) < 1e-9);
    assert.ok(Math.abs(r.secondsPerStep - r.trainSeconds / r.steps) < 1e-12);
    assert.equal(r.table.numRows(), r.rows.length);
    const hit = r.rows.find((x) => x.newAccuracy >= r.target);
    assert.equal(r.stepsToTarget, hit ? hit.steps : null);
    assert.equal(r.secondsToTarget, hit ? hit.cumulativeSeconds : null);
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

  it('a weight with no trainable entry costs no weight gradient: with the convolutions frozen no convolution gradient is computed', async () => {
    const conv = buildModel('vgg-small', { inputShape: [6, 6, 1], numClasses: 4, seed: 3, width: 0.25 });
    await train(conv, trainData, { epochs: 2, batchSize: 16, seed: 1, learningRate: 0.01, workers: 1 });
    const a = await fgsm(conv, trainData, { eps: 0.5, count: 16 });
    const kernelsOf = async (method: string): Promise<{ kernels: Set<string>; trained: number }> => {
      let trained = 0;
      const info = await tf.profile(async () => {
        const r = await readapt(conv, null, a.data, { ...opts(), heldOut: a.data, test: testData.take(16), pairs: a.sources, method, epochs: 1, evalEvery: 100, workers: 1 });
        trained = r.trainedWeights;
        r.model.dispose();
      });
      return { kernels: new Set(info.kernelNames), trained };
    };
    const last = await kernelsOf('last-layer');
    const full = await kernelsOf('full');
    assert.ok(full.kernels.has('Conv2DBackpropFilter') && full.kernels.has('Conv2DBackpropInput'), 'full retraining computes convolution gradients');
    assert.ok(!last.kernels.has('Conv2DBackpropFilter'), 'frozen convolutions: no kernel gradient');
    assert.ok(!last.kernels.has('Conv2DBackpropInput'), 'nothing trainable below them: no gradient flows through them either');
    assert.ok(last.trained < full.trained);
    conv.dispose();
  });

  it('batchNormStatistics "moving": BatchNormalization normalises with its moving statistics while re-adapting and keeps them', async () => {
    const bn = buildModel('vgg-small', { inputShape: [6, 6, 1], numClasses: 4, seed: 4, width: 0.25, batchNorm: true });
    await train(bn, trainData, { epochs: 2, batchSize: 16, seed: 1, learningRate: 0.01, workers: 1 });
    const a = await fgsm(bn, trainData, { eps: 0.5, count: 16 });
    const stats = (m: tf.LayersModel) => m.weights.filter((w) => /moving_(mean|variance)/.test(w.originalName)).map((w) => Array.from(w.read().dataSync()));
    const o = { ...opts(), heldOut: a.data, test: testData.take(16), pairs: a.sources, method: 'full', epochs: 1, evalEvery: 100 };
    const moving = await readapt(bn, null, a.data, { ...o, batchNormStatistics: 'moving' });
    const batch = await readapt(bn, null, a.data, o);
    assert.ok(stats(bn).length > 0);
    assert.deepEqual(stats(moving.model), stats(bn), 'moving statistics kept');
    assert.notDeepEqual(stats(batch.model), stats(bn), 'batch statistics update them');
    assert.equal(moving.manifest.batchNormStatistics, 'moving');
    assert.equal(batch.manifest.batchNormStatistics, 'batch');
    // Afterwards the model behaves as any model: training mode uses batch statistics again.
    const layer = moving.model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    assert.ok(!Object.prototype.hasOwnProperty.call(layer, 'call'), 'the per-layer override is gone');
    await assert.rejects(readapt(bn, null, a.data, { ...o, batchNormStatistics: 'frozen' as 'moving' }), { code: 'BAD_READAPT_OPTIONS' });
    moving.model.dispose(); batch.model.dispose(); bn.dispose();
  });

  it('compareReadapt: class-targeted workloads, several slices (each slice-needing method runs once per slice)', async () => {
    const start = tf.memory().numTensors;
    const r = await compareReadapt(model, { train: trainData, test: testData }, {
      workload: 'fgsm', eps: 0.5, count: 30, epochs: 1, classes: [1, 2], methods: ['critical', 'full'], seed: 1,
      slices: [{ name: 'present', sliceClasses: 'present' }, { name: 'every', sliceClasses: 'all' }],
    });
    assert.deepEqual(r.runs.map((x) => readaptRunLabel(x, r)), ['critical@present', 'critical@every', 'full']);
    assert.deepEqual(r.summary.array('slice'), ['present', 'every', null]);
    assert.deepEqual(r.slices['present']!.slice.classes, [1, 2]);
    assert.deepEqual(r.slices['every']!.slice.classes, [0, 1, 2, 3]);
    assert.deepEqual([...new Set(r.examples.fresh.labels())].sort(), [1, 2], 'attacks from the given classes only');
    assert.equal(r.workload['classes'], '1 2');
    assert.equal(r.workload['keep'], 'errors');
    assert.ok(r.runs.every((x) => x.before.newAccuracy === 0));
    assert.ok(r.runs[0]!.trainableParams <= r.runs[1]!.trainableParams, 'the slice of two classes is no larger than the slice of all four');
    // A mutant damaged on one class learns from and is measured on that class; its target is the original's accuracy there minus a point.
    const m = await compareReadapt(model, { train: trainData, test: testData }, { workload: 'mutant', drop: 0.3, count: 30, epochs: 1, classes: [2], methods: ['last-layer'] });
    assert.equal(m.workload['focusClass'], 2);
    assert.deepEqual([...new Set(m.examples.fresh.labels())], [2]);
    const original = (await evaluate(model, testData.subsetClasses([2]), { confusion: false })).accuracy;
    assert.ok(Math.abs(m.runs[0]!.target - (original - 0.01)) < 1e-12);
    assert.equal(m.runs[0]!.manifest.data['heldOut']!.size, testData.subsetClasses([2]).size);
    assert.equal(tf.memory().numTensors, start);
    await assert.rejects(compareReadapt(model, { train: trainData, test: testData }, { workload: 'mutant', classes: [1, 2] }), { code: 'BAD_READAPT_OPTIONS' });
    await assert.rejects(compareReadapt(model, { train: trainData, test: testData }, { workload: 'fgsm', classes: [9] }), { code: 'BAD_READAPT_OPTIONS' });
    await assert.rejects(compareReadapt(model, { train: trainData, test: testData }, { workload: 'fgsm', slices: [{ name: 'a' }, { name: 'a' }] }), { code: 'BAD_READAPT_OPTIONS' });
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
