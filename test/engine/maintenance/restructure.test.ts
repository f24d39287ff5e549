import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { restructure } from '../../../src/engine/maintenance/index.js';
import { assertRetention, checkRetention } from '../../../src/engine/maintenance/common/retention.js';
import { compressionReport } from '../../../src/engine/masks/compression.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { slice } from '../../../src/engine/slicing/index.js';
import type { Slice } from '../../../src/engine/slicing/index.js';
import { train } from '../../../src/engine/train/index.js';
import { prototypeData } from '../slicing/fixtures.js';

describe('maintenance/restructure', () => {
  let model: tf.LayersModel;
  let s: Slice;
  const trainData = prototypeData({ classes: 4, perClass: 40, seed: 3 });
  const testData = prototypeData({ classes: 4, perClass: 15, seed: 3, split: 'test' });
  const ft = { steps: 4, batchSize: 16 };

  before(async () => {
    await tf.setBackend('cpu');
    model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 2, width: 0.25 });
    await train(model, trainData, { epochs: 6, batchSize: 16, seed: 1, learningRate: 0.01 });
    s = await slice(model, trainData, { metric: 'avg', theta: 0.8 });
  });
  after(() => model.dispose());

  it('slice pre-step: iteration 0 has the CR of compression accounting; iterations prune 20%; the stop rule holds', async () => {
    const start = tf.memory().numTensors;
    const fp = await modelFingerprint(model);
    const r = await restructure(model, s, { train: trainData, test: testData, pruner: 'lamp', targetCR: 0.6, maxDrop: 0.2, fineTune: ft, seed: 1 });
    assert.equal(await modelFingerprint(model), fp, 'the input model is unchanged');
    const row0 = r.rows[0]!;
    assert.equal(row0.iteration, 0);
    assert.ok(Math.abs(row0.cr - compressionReport(model, s.mask()).rate) < 1e-12);
    assert.equal(r.rows.length, r.ni + 1);
    assert.ok(r.ni > 0, 'pruning ran');
    const bound = r.original.accuracy - 0.2;
    if (r.stop === 'target') {
      assert.ok(r.cr >= 0.6 && r.ma >= bound);
      for (const row of r.rows.slice(0, -1)) assert.ok(row.cr < 0.6);
    } else if (r.stop === 'accuracy') {
      assert.ok(r.rows.at(-1)!.accuracy < bound);
      assert.equal(r.cr, r.rows.at(-2)!.cr);
    }
    // CRs grow; the kernels hold exact zeros where pruned.
    for (let i = 1; i < r.rows.length; i++) assert.ok(r.rows[i]!.cr > r.rows[i - 1]!.cr);
    const zeros = r.model.getLayer('fc1').getWeights()[0]!.dataSync().filter((v) => v === 0).length;
    assert.ok(r.ni === 0 || zeros > 0);
    assert.equal(r.table.numRows(), r.rows.length);
    assert.deepEqual(r.table.columnNames(), ['iteration', 'cr', 'accuracy', 'testAccuracy', 'perClass', 'liveParams', 'seconds']);
    assert.equal(r.manifest.method, 'slice');
    assert.equal(r.manifest.result.fineTuneRounds, r.ni + 1, 'one round after the pre-step and one per iteration');
    assert.equal(r.ma, r.rows.find((x) => x.iteration === r.manifest.result.iteration)!.testAccuracy, 'MA is the test accuracy of the result');
    assert.equal(r.manifest.slice!.origin, 'this-model');
    assert.equal(r.manifest.slice!.choice.rule, 'given');
    assert.equal(r.manifest.pruner, 'lamp');
    assert.ok(Object.values(r.manifest.neuronsRemoved).some((x) => x.length > 0));
    r.model.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it('same seed, same bytes; none and random pre-steps run; random removes as many neurons as the slice', async () => {
    const o = { train: trainData, test: testData, pruner: 'global', targetCR: 0.5, maxDrop: 0.5, fineTune: ft, seed: 4 };
    const a = await restructure(model, s, { ...o, pre: 'random' });
    const b = await restructure(model, s, { ...o, pre: 'random' });
    assert.equal(await modelFingerprint(a.model), await modelFingerprint(b.model));
    const sl = await restructure(model, s, { ...o, pre: 'slice' });
    for (const site of Object.keys(sl.manifest.neuronsRemoved)) {
      assert.equal(a.manifest.neuronsRemoved[site]!.length, sl.manifest.neuronsRemoved[site]!.length);
    }
    const none = await restructure(model, null, { ...o, pre: 'none' });
    assert.equal(none.manifest.method, 'none');
    assert.equal(none.manifest.slice, null);
    assert.equal(none.rows[0]!.cr, 0);
    assert.ok(none.ni >= sl.ni, 'pruning alone needs at least as many iterations as after neuron removal at this generous bound');
    for (const r of [a, b, sl, none]) r.model.dispose();
  });

  it('bad options are SemsliceErrors', async () => {
    const o = { train: trainData, test: testData };
    await assert.rejects(restructure(model, s, { ...o, targetCR: 1.2 }), { code: 'BAD_RESTRUCTURE_OPTIONS' });
    await assert.rejects(restructure(model, s, { ...o, targetCR: 0 }), { code: 'BAD_RESTRUCTURE_OPTIONS' });
    await assert.rejects(restructure(model, s, { ...o, pruner: 'lmap' }), { code: 'UNKNOWN_PRUNER' });
    await assert.rejects(restructure(model, s, { ...o, pre: 'nope' }), { code: 'UNKNOWN_PRE_STEP' });
    // DeepArc on a model without residual blocks would remove nothing and be reported as if it had run.
    await assert.rejects(restructure(model, s, { ...o, pre: 'deeparc' }), (e: Error & { code?: string; hint?: string }) =>
      e.code === 'BAD_RESTRUCTURE_OPTIONS' && /method "deeparc" does not apply to model/.test(e.message) && ['none', 'slice', 'random', 'low-activation'].every((m) => (e.hint ?? '').includes(m)));
    const other = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 2, width: 0.5 });
    await assert.rejects(restructure(other, s, o), { code: 'SLICE_MODEL_MISMATCH' });
    other.dispose();
    // Same layers, other weights: refused with both fingerprints, unless the reuse is declared.
    const twin = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 9, width: 0.25 });
    const fpModel = await modelFingerprint(model), fpTwin = await modelFingerprint(twin);
    await assert.rejects(restructure(twin, s, { ...o, fineTune: ft, maxIterations: 1 }),
      (e: Error & { code?: string }) => e.code === 'SLICE_MODEL_MISMATCH' && e.message.includes(fpModel) && e.message.includes(fpTwin));
    const reused = await restructure(twin, s, { ...o, fineTune: ft, maxIterations: 1, targetCR: 0.99, allowForeignSlice: true });
    assert.equal(reused.manifest.slice!.origin, 'foreign');
    reused.model.dispose();
    twin.dispose();
  });

  it('without a slice, the slice policy slices the model on a validation split of the training data (never the test set) and records its choice', async () => {
    const r = await restructure(model, null, { train: trainData, test: testData, pre: 'slice', targetCR: 0.99, maxIterations: 1, fineTune: ft, seed: 2 });
    const c = r.sliceChoice!;
    assert.equal(c.rule, 'auto');
    assert.equal(c.validationSamples, r.manifest.data['validation']!.size);
    assert.ok(c.masked! >= c.unmasked! - c.tolerance! - 1e-12 || !c.withinTolerance);
    assert.deepEqual(r.manifest.slice!.choice, c);
    assert.notEqual(r.manifest.data['validation']!.fingerprint, testData.fingerprint());
    assert.equal(r.manifest.data['train']!.size + r.manifest.data['validation']!.size, trainData.size, 'the validation split is held out of the training data');
    r.model.dispose();
  });

  it('every method gets its fine-tuning round after the pre-step, also when nothing is removed physically (a residual model)', async () => {
    const rdata = prototypeData({ classes: 4, perClass: 30, seed: 5 });
    const rtest = prototypeData({ classes: 4, perClass: 10, seed: 5, split: 'test' });
    const res = buildModel('resnet-small', { inputShape: [6, 6, 1], numClasses: 4, seed: 3 });
    await train(res, rdata, { epochs: 2, batchSize: 16, seed: 1, learningRate: 0.01 });
    const rs = await slice(res, rdata, { metric: 'avg', theta: 0.9, onlyCorrect: false });
    for (const pre of ['none', 'slice', 'random']) {
      const r = await restructure(res, rs, { train: rdata, test: rtest, pre, targetCR: 0.99, maxIterations: 1, fineTune: { steps: 2, batchSize: 16 }, seed: 1 });
      assert.equal(r.manifest.result.fineTuneRounds, r.ni + 1, `${pre}: ${r.manifest.result.fineTuneRounds} rounds for ${r.ni} iterations`);
      r.model.dispose();
    }
    res.dispose();
  });
});

describe('maintenance/retention', () => {
  it('names every class that lost more than allowed, and by how much', () => {
    const before = [0.9, 0.8, 0.95, 0.7];
    const after = [0.9, 0.75, 0.9, 0.71];
    assert.deepEqual(checkRetention(before, after, { classes: [0, 3], maxDrop: 0 }).map((r) => r.ok), [true, true]);
    assert.throws(() => assertRetention(before, after, { classes: [1, 2, 3], maxDrop: 0.01 }),
      (e: Error & { code?: string }) => e.code === 'RETENTION_BROKEN' && /class 1 lost 0\.0500/.test(e.message) && /class 2 lost 0\.0500/.test(e.message) && !/class 3/.test(e.message));
    assert.throws(() => assertRetention(before, after, { classes: [7], maxDrop: 0.01 }), { code: 'BAD_RETENTION' });
    assert.throws(() => assertRetention(before, after, { classes: [1], maxDrop: -1 }), { code: 'BAD_RETENTION' });
  });
});
