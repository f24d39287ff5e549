import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { synthetic, syntheticSync } from '../../../src/engine/data/index.js';
import { expectCode } from './helpers.js';

describe('data/synthetic', () => {
  let previous: string;
  before(async () => { await tf.ready(); previous = tf.getBackend(); await tf.setBackend('cpu'); });
  after(async () => { await tf.setBackend(previous); });

  it('is deterministic: same options give the same bytes; another seed differs', async () => {
    const a = await synthetic({ seed: 3 });
    const b = await synthetic({ seed: 3 });
    assert.equal(a.train.fingerprint(), b.train.fingerprint());
    assert.equal(a.test.fingerprint(), b.test.fingerprint());
    assert.notEqual(a.train.fingerprint(), a.test.fingerprint());
    assert.notEqual((await synthetic({ seed: 4 })).train.fingerprint(), a.train.fingerprint());
  });

  it('has the asked shape and balance, classes cycling, pixels in [0, 1]', () => {
    const s = syntheticSync({ classes: 4, perClass: 6, testPerClass: 2, shape: [5, 3, 2], seed: 1 });
    assert.equal(s.train.size, 24);
    assert.equal(s.test.size, 8);
    assert.deepEqual(s.train.sampleShape, [5, 3, 2]);
    assert.deepEqual(s.train.classCounts(), [6, 6, 6, 6]);
    assert.deepEqual(Array.from(s.train.take(5).labels()), [0, 1, 2, 3, 0]);
    assert.deepEqual(s.classNames, ['class0', 'class1', 'class2', 'class3']);
    assert.ok(s.train.gather([0, 1, 2]).images.every((v) => v >= 0 && v <= 1));
  });

  it('rejects bad options', async () => {
    await expectCode(() => syntheticSync({ classes: 0 }), 'BAD_ARGUMENT');
    await expectCode(() => syntheticSync({ perClass: 1.5 }), 'BAD_ARGUMENT');
    await expectCode(() => syntheticSync({ noise: -1 }), 'BAD_ARGUMENT');
    await expectCode(() => syntheticSync({ shape: [8, 8] as never }), 'DATA_BAD_SHAPE');
  });

  it('a tiny MLP learns it to > 90% test accuracy in a few epochs', async function () {
    this.timeout(30000);
    const { train, test } = syntheticSync({ seed: 0 });
    // No tensor-count check here: tfjs-layers keeps cached scalars after fit(); data paths are checked in image-dataset.test.ts.
    const model = tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
    const toXY = (ds: typeof train): [tf.Tensor, tf.Tensor] => {
      const { images, labels } = ds.gather(Array.from({ length: ds.size }, (_, i) => i));
      return [tf.tensor4d(images, [ds.size, 8, 8, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)];
    };
    const [x, y] = toXY(train.shuffle(1));
    await model.fit(x, y, { epochs: 5, batchSize: 32, shuffle: false, verbose: 0 });
    const [tx] = toXY(test);
    const pred = tf.tidy(() => (model.predict(tx) as tf.Tensor).argMax(-1));
    const p = await pred.data();
    const labels = test.labels();
    const acc = labels.reduce((n, l, i) => n + (p[i] === l ? 1 : 0), 0) / labels.length;
    tf.dispose([x, y, tx, pred]);
    model.optimizer.dispose();
    model.dispose();
    assert.ok(acc > 0.9, `accuracy ${acc}`);
  });
});
