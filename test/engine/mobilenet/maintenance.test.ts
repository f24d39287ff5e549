/**
 * The MobileNet-shaped user model (stock tfjs layers, Keras defaults, saved with model.save and loaded through
 * semslice) through slicing and the three maintenance strategies, each checked for its own invariants.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { synthetic } from '../../../src/engine/data/index.js';
import type { DatasetSplits } from '../../../src/engine/data/types.js';
import { withLogger } from '../../../src/engine/log.js';
import { extend, readapt, restructure, taskSlice } from '../../../src/engine/maintenance/index.js';
import { compressionReport } from '../../../src/engine/masks/compression.js';
import { neuronTrainMasks } from '../../../src/engine/masks/index.js';
import { loadModel } from '../../../src/engine/models/index.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { slice, type Slice } from '../../../src/engine/slicing/index.js';
import { evaluate, train } from '../../../src/engine/train/index.js';
import { fgsm } from '../../../src/engine/workloads/index.js';
import { mobilenetSmall, saveAsUser } from './models.js';

const quiet = { warn: () => {}, info: () => {} };

describe('MobileNet-shaped user model: slicing and the three strategies', function () {
  this.timeout(300_000);
  let dir: string;
  let d: DatasetSplits;
  let model: tf.LayersModel;
  let s: Slice;

  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    dir = mkdtempSync(path.join(tmpdir(), 'semslice-mobilenet-m-'));
    d = await synthetic({ classes: 6, perClass: 60, testPerClass: 20, shape: [16, 16, 1], seed: 4 });
    const built = mobilenetSmall(2, { inputShape: [16, 16, 1], classes: 6 });
    await saveAsUser(built, path.join(dir, 'user'));
    built.dispose();
    model = await loadModel(path.join(dir, 'user'));
    await withLogger(quiet, () => train(model, d.train, { epochs: 4, batchSize: 16, seed: 0, learningRate: 0.01 }));
    s = await slice(model, d.train, { metric: 'taylor', theta: 0.7 });
  });
  after(() => {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains (BatchNormalization statistics re-estimated) and slices every site, the SeparableConv2D included', async () => {
    const acc = (await evaluate(model, d.test)).accuracy;
    assert.ok(acc >= 0.8, `test accuracy ${acc}`);
    assert.deepEqual(s.sites.map((x) => x.name), ['stem', 'block1_pw', 'block2_pw', 'sep']);
    const mask = s.mask();
    assert.ok(mask['sep']!.some((v) => v === 0) && mask['sep']!.some((v) => v === 1), 'the SeparableConv2D\'s neurons are sliced');
    const cr = compressionReport(model, mask);
    assert.ok(cr.rate > 0.1, `CR ${cr.rate}`);
    assert.ok(cr.layers.some((l) => l.className === 'DepthwiseConv2D' && l.removed > 0), 'depthwise filters go with their input channels');
    assert.ok((await evaluate(model, d.test, { mask })).accuracy > 0.3);
  });

  it('restructure: iteration 0 is the slice\'s compression; CR grows with pruning; the input model is unchanged', async () => {
    const start = tf.memory().numTensors;
    const fp = await modelFingerprint(model);
    const r = await withLogger(quiet, () => restructure(model, s, {
      train: d.train, test: d.test, pruner: 'lamp', targetCR: 0.7, maxDrop: 0.5, maxIterations: 3, fineTune: { steps: 4, batchSize: 16 }, seed: 1,
    }));
    assert.equal((await modelFingerprint(model)), fp);
    assert.ok(Math.abs(r.rows[0]!.cr - compressionReport(model, s.mask()).rate) < 1e-12, `${r.rows[0]!.cr} vs ${compressionReport(model, s.mask()).rate}`);
    assert.ok(r.ni > 0);
    for (let i = 1; i < r.rows.length; i++) assert.ok(r.rows[i]!.cr > r.rows[i - 1]!.cr);
    assert.ok(r.model.countParams() < model.countParams(), 'neurons were removed');
    assert.ok(Object.values(r.manifest.neuronsRemoved).some((x) => x.length > 0));
    r.model.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it('readapt (critical): only the critical neurons\' weights move, frozen entries are bit-identical', async () => {
    const fp = await modelFingerprint(model);
    const adv = await fgsm(model, d.train, { eps: 0.3, count: 60 });
    const advTest = await fgsm(model, d.test, { eps: 0.3, count: 40 });
    const r = await withLogger(quiet, () => readapt(model, s, adv.data, {
      method: 'critical', clean: d.train, heldOut: advTest.data, test: d.test, pairs: adv.sources, epochs: 2, batchSize: 16, learningRate: 0.005, seed: 2,
    }));
    assert.equal((await modelFingerprint(model)), fp);
    assert.ok(r.frozen.identical);
    const masks = neuronTrainMasks(model, s.mask());
    let moved = 0;
    for (const [i, w] of model.weights.entries()) {
      const a = w.read().dataSync(), b = r.model.weights[i]!.read().dataSync(), m = masks[w.originalName]!;
      for (let k = 0; k < a.length; k++) {
        if (m[k] === 0) assert.ok(Object.is(a[k], b[k]), `${w.originalName}[${k}] is frozen`);
        else if (a[k] !== b[k]) moved++;
      }
    }
    assert.ok(moved > 0);
    assert.ok(r.trainableParams < r.totalParams);
    r.model.dispose();
  });

  it('extend: the old task\'s logits are bit-identical after learning new classes; frozen weights unchanged', async () => {
    const oldClasses = [0, 1, 2], newClasses = [3, 4, 5];
    const a = mobilenetSmall(3, { inputShape: [16, 16, 1], classes: 6 });
    await withLogger(quiet, () => train(a, d.train.subsetClasses(oldClasses), { epochs: 4, batchSize: 16, seed: 0, learningRate: 0.01 }));
    const { slice: task } = await taskSlice(a, d.train.subsetClasses(oldClasses), oldClasses, { metric: 'avg', theta: 0.6 });
    const r = await withLogger(quiet, () => extend(a, task, d.train.subsetClasses(newClasses), { test: d.test, epochs: 3, batchSize: 16, learningRate: 0.01, seed: 3 }));
    try {
      assert.ok(r.oldLogits.samples > 0);
      assert.equal(r.oldLogits.identical, true, `old-task logits moved by ${r.oldLogits.maxAbsDiff}`);
      assert.equal(r.frozen.identical, true);
      assert.ok(r.frozen.frozenEntries > 0 && r.frozen.frozenEntries < r.frozen.totalEntries);
      assert.ok(r.frozen.weights.some((w) => /depthwise_kernel/.test(w.weight) && w.frozen > 0), 'depthwise filters of critical channels are frozen');
      assert.equal(r.after.perTask[0], r.before.perTask[0]);
      assert.ok(r.history.epochs.at(-1)!.loss < r.history.epochs[0]!.loss, 'the new task trains');
    } finally {
      r.model.dispose();
      a.dispose();
    }
  });
});
