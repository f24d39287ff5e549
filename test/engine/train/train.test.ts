import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel, loadModel, modelFingerprint, saveModel } from '../../../src/engine/models/index.js';
import { evaluate, predictLabels, train } from '../../../src/engine/train/index.js';
import type { SemsliceError } from '../../../src/engine/errors.js';
import type { ProgressEvent } from '../../../src/engine/log.js';
import { syntheticSync } from '../../../src/engine/data/index.js';

/** n samples (classes cycle), seeded. */
const tinyData = (o: { n: number; shape: [number, number, number]; numClasses: number; seed?: number; split?: 'train' | 'test' }) => {
  const s = syntheticSync({ classes: o.numClasses, perClass: Math.ceil(o.n / o.numClasses), shape: o.shape, seed: o.seed ?? 1 });
  return (o.split === 'test' ? s.test : s.train).take(o.n);
};

const SHAPE: [number, number, number] = [6, 6, 1];
const code = (c: string, re?: RegExp) => (e: SemsliceError) => e.code === c && (!re || re.test(e.message)) && !!e.hint;
const mlp = (seed = 1) => buildModel('mlp', { inputShape: SHAPE, numClasses: 3, seed, width: 0.25 });

describe('engine/train/train', () => {
  before(async () => { await tf.setBackend('cpu'); });
  const data = tinyData({ n: 96, shape: SHAPE, numClasses: 3, seed: 2 });
  const val = tinyData({ n: 48, shape: SHAPE, numClasses: 3, seed: 2, split: 'test' });

  it('learns a separable toy problem; history, callbacks and no tensor leaks', async () => {
    const model = mlp();
    const base = tf.memory().numTensors;
    const before = (await evaluate(model, val)).accuracy;
    const events: ProgressEvent[] = [];
    const seen: number[] = [];
    const h = await train(model, data, { epochs: 4, batchSize: 16, learningRate: 0.01, validation: val,
      onProgress: (e) => events.push(e), onEpochEnd: (m) => { seen.push(m.epoch); } });
    assert.equal(tf.memory().numTensors, base, 'no tensors left after training');
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(events.length, 4 * 6);
    assert.deepEqual(events.at(-1), { phase: 'train', done: 24, total: 24, message: 'epoch 4/4' });
    assert.ok(h.epochs[3]!.loss < h.epochs[0]!.loss, 'loss falls');
    const after = await evaluate(model, val);
    assert.ok(after.accuracy > 0.9 && after.accuracy > before, `accuracy ${before} -> ${after.accuracy}`);
    assert.ok(Math.abs(after.accuracy - h.epochs[3]!.valAccuracy!) < 1e-9);
    assert.equal(h.stoppedEarly, false);
    assert.equal(tf.memory().numTensors, base);
    model.dispose();
  });

  it('same seed + data -> byte-identical weights; another seed differs', async () => {
    const run = async (seed: number) => {
      const m = buildModel('lenet5', { inputShape: [12, 12, 1], numClasses: 3, seed: 5, width: 0.5 });
      await train(m, tinyData({ n: 40, shape: [12, 12, 1], numClasses: 3 }), { epochs: 2, batchSize: 16, seed });
      const f = await modelFingerprint(m); m.dispose(); return f;
    };
    const a = await run(1), b = await run(1), c = await run(2);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('is deterministic with BatchNorm and Dropout (vgg-small) and leaks nothing', async () => {
    const run = async () => {
      const m = buildModel('vgg-small', { inputShape: [4, 4, 1], numClasses: 3, seed: 1, batchNorm: true, width: 0.125 });
      const base = tf.memory().numTensors;
      const drop = m.getLayer('dropout') as unknown as { seed: number };
      const seed0 = drop.seed;
      await train(m, tinyData({ n: 24, shape: [4, 4, 1], numClasses: 3 }), { epochs: 2, batchSize: 8, seed: 3 });
      assert.notEqual(drop.seed, seed0, 'dropout is re-seeded per step (a fixed seed would repeat one mask)');
      assert.equal(tf.memory().numTensors, base);
      const mm = m.getLayer('conv1_bn').getWeights()[2]!.dataSync()[0];
      assert.notEqual(mm, 0, 'BN moving mean updated');
      const f = await modelFingerprint(m); m.dispose(); return f;
    };
    assert.equal(await run(), await run());
  });

  it('early stopping stops after patience epochs without improvement and reports the best epoch', async () => {
    const model = mlp();
    // A huge learning rate makes the loss jump around, so the monitor stops improving quickly.
    const h = await train(model, data, { epochs: 30, batchSize: 96, learningRate: 0.5, shuffle: false,
      earlyStop: { patience: 2, monitor: 'loss' } });
    assert.ok(h.stoppedEarly, `ran ${h.epochs.length} epochs`);
    const best = h.epochs.reduce((a, m) => (m.loss < a.loss ? m : a));
    assert.equal(h.bestEpoch, best.epoch);
    assert.equal(h.epochs.length, h.bestEpoch + 2);
    model.dispose();
  });

  it('restoreBestWeights puts back the weights of the best epoch', async () => {
    // Train twice from the same start: once to the best epoch only, once with early stopping + restore.
    const opts = { batchSize: 96, learningRate: 0.5, shuffle: false } as const;
    const probe = mlp();
    const h = await train(probe, data, { ...opts, epochs: 30, earlyStop: { patience: 2, monitor: 'loss' } });
    probe.dispose();
    assert.ok(h.stoppedEarly);
    // The loss of epoch e is measured during epoch e (before its last update), so the best weights are those at the
    // end of epoch bestEpoch; replaying exactly bestEpoch epochs reproduces them.
    const replay = mlp();
    await train(replay, data, { ...opts, epochs: h.bestEpoch });
    const restored = mlp();
    await train(restored, data, { ...opts, epochs: 30, earlyStop: { patience: 2, monitor: 'loss', restoreBestWeights: true } });
    assert.equal(await modelFingerprint(restored), await modelFingerprint(replay));
    replay.dispose(); restored.dispose();
  });

  it('aborts between batches with ABORTED', async () => {
    const model = mlp();
    const base = tf.memory().numTensors;
    const ac = new AbortController();
    await assert.rejects(train(model, data, { epochs: 3, batchSize: 16, signal: ac.signal,
      onProgress: (e) => { if (e.done === 2) ac.abort(); } }), code('ABORTED'));
    assert.equal(tf.memory().numTensors, base);
    model.dispose();
  });

  it('rejects data that does not fit, naming both values', async () => {
    const model = mlp();
    await assert.rejects(train(model, tinyData({ n: 8, shape: [5, 5, 1], numClasses: 3 })), code('DATA_SHAPE_MISMATCH', /\[5, 5, 1\].*6, 6, 1\]/));
    await assert.rejects(train(model, tinyData({ n: 8, shape: SHAPE, numClasses: 4 })), code('LABEL_OUT_OF_RANGE', /labels up to 3.*3 logits/));
    await assert.rejects(train(model, data, { epochs: 0 }), code('BAD_TRAIN_OPTIONS', /epochs/));
    await assert.rejects(train(model, data, { earlyStop: { monitor: 'valAccuracy' } }), code('BAD_TRAIN_OPTIONS', /validation/));
    model.dispose();
  });

  it('evaluate: per-class accuracy and confusion agree with predictLabels', async () => {
    const model = mlp(4);
    const base = tf.memory().numTensors;
    const r = await evaluate(model, val, { batchSize: 10 });
    const pred = await predictLabels(model, val, { batchSize: 7 });
    const labels = val.labels();
    let hits = 0;
    const conf = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    pred.forEach((p, i) => { hits += p === labels[i] ? 1 : 0; conf[labels[i]!]![p]!++; });
    assert.equal(r.accuracy, hits / val.size);
    assert.deepEqual(r.confusion, conf);
    assert.deepEqual(r.perClass, conf.map((row, c) => row[c]! / 16));
    // loss from logits equals -mean log softmax of the model's own output
    const ref = tf.tidy(() => {
      const xs = tf.stack(Array.from({ length: val.size }, (_, i) => tf.tensor3d(val.sample(i), SHAPE)));
      const p = model.predict(xs) as tf.Tensor;
      return -tf.mean(tf.log(tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(labels, 'int32'), 3)), 1))).dataSync()[0]!;
    });
    assert.ok(Math.abs(r.loss - ref) < 1e-5, `${r.loss} vs ${ref}`);
    assert.equal(tf.memory().numTensors, base);
    model.dispose();
  });

  it('trains a user model whose last Dense has a softmax activation (probabilities head)', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: SHAPE }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    ] });
    const base = tf.memory().numTensors;
    const h = await train(m, data, { epochs: 3, batchSize: 16, learningRate: 0.05 });
    assert.ok(h.epochs[2]!.loss < h.epochs[0]!.loss);
    assert.ok((await evaluate(m, val)).accuracy > 0.9);
    assert.equal(tf.memory().numTensors, base);
    m.dispose();
  });

  it('a model loaded from disk trains and evaluates like the original', async () => {
    const { promises: fs } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'semslice-train-'));
    try {
      const a = mlp(6);
      await saveModel(a, path.join(dir, 'm'));
      const b = await loadModel(path.join(dir, 'm'));
      assert.deepEqual(await evaluate(b, val), await evaluate(a, val));
      await train(a, data, { epochs: 1, batchSize: 32, seed: 1 });
      await train(b, data, { epochs: 1, batchSize: 32, seed: 1 });
      assert.equal(await modelFingerprint(a), await modelFingerprint(b));
      a.dispose(); b.dispose();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
