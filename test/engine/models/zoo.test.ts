import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel, listModels, modelSummary, modelFingerprint, registerModel } from '../../../src/engine/models/index.js';
import { SemsliceError } from '../../../src/engine/errors.js';

const NAMES = ['mlp', 'lenet5', 'vgg-small', 'resnet-small'];

describe('engine/models/zoo', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('lists the four built-ins', () => {
    assert.deepEqual(listModels().map((m) => m.name).slice(0, 4), NAMES);
  });

  for (const name of NAMES) {
    it(`${name}: same seed -> byte-identical weights, other seed -> different; ends logits -> softmax`, async () => {
      const base = tf.memory().numTensors;
      const opts = { inputShape: [16, 16, 1] as const, numClasses: 3, seed: 7 };
      const a = buildModel(name, opts), b = buildModel(name, opts), c = buildModel(name, { ...opts, seed: 8 });
      assert.equal(await modelFingerprint(a), await modelFingerprint(b));
      assert.notEqual(await modelFingerprint(a), await modelFingerprint(c));
      const last = a.layers[a.layers.length - 1]!, prev = a.layers[a.layers.length - 2]!;
      assert.equal(last.name, 'softmax');
      assert.equal(last.getClassName(), 'Activation');
      assert.equal(prev.name, 'logits');
      const y = tf.tidy(() => (a.predict(tf.ones([2, 16, 16, 1])) as tf.Tensor).sum(1).arraySync() as number[]);
      y.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
      [a, b, c].forEach((m) => m.dispose());
      assert.equal(tf.memory().numTensors, base);
    });
  }

  it('lenet5 matches the classic LeNet-5 (61,706 params on 28x28x1 -> 10)', () => {
    const m = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10 });
    const s = modelSummary(m);
    assert.equal(s.params, 61706);
    assert.deepEqual(s.layers.filter((l) => l.params > 0).map((l) => `${l.name}:${l.outputShape.join('x')}`),
      ['conv1:28x28x6', 'conv2:10x10x16', 'fc1:120', 'fc2:84', 'logits:10']);
    m.dispose();
  });

  it('mlp has fc1 128, fc2 64 and weight names fc1/kernel ...', () => {
    const m = buildModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
    assert.equal(modelSummary(m).params, 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
    assert.deepEqual(m.weights.map((w) => w.originalName), ['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias', 'logits/kernel', 'logits/bias']);
    m.dispose();
  });

  it('vgg-small with batchNorm reads conv -> BN -> ReLU, has dropout before logits', () => {
    const m = buildModel('vgg-small', { inputShape: [8, 8, 1], numClasses: 4, batchNorm: true, width: 0.25 });
    const names = m.layers.map((l) => l.name);
    const i = names.indexOf('conv1');
    assert.deepEqual(names.slice(i, i + 3), ['conv1', 'conv1_bn', 'conv1_relu']);
    assert.equal(m.layers[i + 1]!.getClassName(), 'BatchNormalization');
    assert.equal(names[names.indexOf('logits') - 1], 'dropout');
    const s = modelSummary(m);
    assert.ok(s.trainableParams < s.params, 'BN moving stats are non-trainable');
    assert.equal(m.getLayer('conv1').outputShape[3], 8, 'width 0.25 of 32');
    m.dispose();
  });

  it('resnet-small has >= 2 shape-preserving identity blocks', () => {
    const m = buildModel('resnet-small', { inputShape: [8, 8, 1], numClasses: 3 });
    const adds = m.layers.filter((l) => l.getClassName() === 'Add');
    assert.equal(adds.length, 3);
    for (const a of adds) {
      const ins = (a.inboundNodes[0]!.inputTensors).map((t) => t.shape.join('x'));
      assert.equal(ins[0], ins[1]);
      assert.equal(ins[0], (a.outputShape as number[]).join('x'));
    }
    m.dispose();
  });

  it('unknown names and bad options throw SemsliceError with a hint', () => {
    assert.throws(() => buildModel('lenet', { inputShape: [28, 28, 1], numClasses: 10 }),
      (e: SemsliceError) => e.code === 'UNKNOWN_MODEL' && /Did you mean "lenet5"/.test(e.message) && /mlp/.test(e.hint ?? ''));
    assert.throws(() => buildModel('mlp', { inputShape: [28, 28] as unknown as [number, number, number], numClasses: 10 }), /inputShape/);
    assert.throws(() => buildModel('mlp', { inputShape: [28, 28, 1], numClasses: 1 }), /numClasses/);
    assert.throws(() => buildModel('lenet5', { inputShape: [8, 8, 1], numClasses: 10 }), /at least 12x12/);
    assert.throws(() => registerModel({ name: 'mlp', description: '', build: () => { throw new Error(); } }), /already registered/);
  });
});
