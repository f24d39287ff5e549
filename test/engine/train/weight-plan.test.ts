import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../src/engine/models/index.js';
import { train } from '../../../src/engine/train/index.js';
import { fingerprint } from '../../../src/engine/fingerprint.js';
import { Rng } from '../../../src/engine/rng.js';
import type { SemsliceError } from '../../../src/engine/errors.js';
import { syntheticSync } from '../../../src/engine/data/index.js';

/** n samples (classes cycle), seeded. */
const tinyData = (o: { n: number; shape: [number, number, number]; numClasses: number; seed?: number; split?: 'train' | 'test' }) => {
  const s = syntheticSync({ classes: o.numClasses, perClass: Math.ceil(o.n / o.numClasses), shape: o.shape, seed: o.seed ?? 1 });
  return (o.split === 'test' ? s.test : s.train).take(o.n);
};

const SHAPE: [number, number, number] = [6, 6, 1];
const code = (c: string, re?: RegExp) => (e: SemsliceError) => e.code === c && (!re || re.test(e.message)) && !!e.hint;

function weight(model: tf.LayersModel, name: string): Float32Array {
  return model.weights.find((w) => w.originalName === name)!.read().dataSync() as Float32Array;
}
/** Checksum of the entries where keep(mask value) holds. */
function checksum(v: Float32Array, mask: Float32Array, keep: (m: number) => boolean): string {
  return fingerprint(Float32Array.from(v.filter((_, i) => keep(mask[i]!))));
}

describe('engine/train/weight-plan', () => {
  before(async () => { await tf.setBackend('cpu'); });
  const data = tinyData({ n: 64, shape: SHAPE, numClasses: 3, seed: 4 });

  it('masked entries stay bit-identical (checksum), unmasked ones train; frozen weights do not move', async () => {
    const model = buildModel('mlp', { inputShape: SHAPE, numClasses: 3, seed: 2, width: 0.25 });
    const rng = new Rng(9);
    const m1 = Float32Array.from({ length: 36 * 32 }, () => (rng.next() < 0.5 ? 0 : 1));
    const m2 = tf.tensor2d(Float32Array.from({ length: 32 * 16 }, () => (rng.next() < 0.7 ? 0 : 1)), [32, 16]);
    const w1 = weight(model, 'fc1/kernel').slice(), w2 = weight(model, 'fc2/kernel').slice(), lb = weight(model, 'logits/bias').slice();
    const base = tf.memory().numTensors;
    await train(model, data, { epochs: 3, batchSize: 16, learningRate: 0.01,
      gradientMasks: { 'fc1/kernel': m1, 'fc2/kernel': m2 }, trainable: (n) => n !== 'logits/bias' });
    assert.equal(tf.memory().numTensors, base, 'no leaks; the caller\'s mask tensor is not disposed');
    const a1 = weight(model, 'fc1/kernel'), a2 = weight(model, 'fc2/kernel');
    const m2a = m2.dataSync() as Float32Array;
    assert.equal(checksum(a1, m1, (m) => m === 0), checksum(w1, m1, (m) => m === 0));
    assert.equal(checksum(a2, m2a, (m) => m === 0), checksum(w2, m2a, (m) => m === 0));
    const moved = a1.filter((v, i) => m1[i] === 1 && v !== w1[i]).length;
    assert.ok(moved > 0.5 * m1.filter((m) => m === 1).length, `unmasked entries train (${moved})`);
    assert.notEqual(checksum(a2, m2a, (m) => m === 1), checksum(w2, m2a, (m) => m === 1));
    assert.equal(fingerprint(weight(model, 'logits/bias')), fingerprint(lb));
    m2.dispose();
    model.dispose();
  });

  it('freezes BatchNorm moving statistics and masked BN parameters bit-identically', async () => {
    const model = buildModel('mlp', { inputShape: SHAPE, numClasses: 3, seed: 2, width: 0.25, batchNorm: true });
    const mean0 = weight(model, 'fc1_bn/moving_mean').slice(), var0 = weight(model, 'fc1_bn/moving_variance').slice();
    const g0 = weight(model, 'fc2_bn/gamma').slice();
    const gm = Float32Array.from({ length: 16 }, (_, i) => i % 2);
    const mean2 = weight(model, 'fc2_bn/moving_mean').slice();
    await train(model, data, { epochs: 2, batchSize: 16, learningRate: 0.01,
      trainable: (n) => !n.startsWith('fc1_bn/'), gradientMasks: { 'fc2_bn/gamma': gm } });
    assert.equal(fingerprint(weight(model, 'fc1_bn/moving_mean')), fingerprint(mean0));
    assert.equal(fingerprint(weight(model, 'fc1_bn/moving_variance')), fingerprint(var0));
    assert.notEqual(fingerprint(weight(model, 'fc2_bn/moving_mean')), fingerprint(mean2), 'unfrozen BN stats still update');
    const g1 = weight(model, 'fc2_bn/gamma');
    assert.equal(checksum(g1, gm, (m) => m === 0), checksum(g0, gm, (m) => m === 0));
    assert.notEqual(checksum(g1, gm, (m) => m === 1), checksum(g0, gm, (m) => m === 1));
    model.dispose();
  });

  it('rejects unknown weight names, wrong mask sizes and an all-frozen model', async () => {
    const model = buildModel('mlp', { inputShape: SHAPE, numClasses: 3, seed: 2, width: 0.25 });
    const base = tf.memory().numTensors;
    await assert.rejects(train(model, data, { gradientMasks: { 'fc1/kernal': new Float32Array(36 * 32) } }),
      code('UNKNOWN_WEIGHT', /Did you mean "fc1\/kernel"/));
    await assert.rejects(train(model, data, { gradientMasks: { 'fc1/bias': new Float32Array(3) } }), code('BAD_MASK', /3 entries.*\[32\]/));
    await assert.rejects(train(model, data, { trainable: () => false }), code('NOTHING_TO_TRAIN'));
    assert.equal(tf.memory().numTensors, base);
    model.dispose();
  });
});
