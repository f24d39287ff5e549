import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { withBackend } from '../../../src/engine/backend/index.js';
import { syntheticSync } from '../../../src/engine/data/index.js';
import { buildModel, modelFingerprint } from '../../../src/engine/models/index.js';
import { evaluate, train } from '../../../src/engine/train/index.js';

describe('engine/train on wasm', () => {
  const { train: data, test } = syntheticSync({ classes: 3, perClass: 20, shape: [12, 12, 1], seed: 3 });

  it('trains lenet5 (conv gradients via the wasm patches), deterministic, no leaks', async () => {
    const run = () => withBackend('wasm', async () => {
      const m = buildModel('lenet5', { inputShape: [12, 12, 1], numClasses: 3, seed: 1 });
      const base = tf.memory().numTensors;
      const h = await train(m, data, { epochs: 3, batchSize: 16, learningRate: 0.01, seed: 2 });
      const acc = (await evaluate(m, test)).accuracy;
      assert.equal(tf.memory().numTensors, base);
      const f = await modelFingerprint(m);
      m.dispose();
      return { h, acc, f };
    });
    const a = await run(), b = await run();
    assert.ok(a.h.epochs[2]!.loss < a.h.epochs[0]!.loss, 'loss falls');
    assert.ok(a.acc > 0.8, `test accuracy ${a.acc}`);
    assert.equal(a.f, b.f, 'same seed, same bytes on wasm');
  });
});
