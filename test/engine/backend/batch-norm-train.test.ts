import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BN_TRAIN_KERNEL, initBackend, kernelSets, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

/** A BatchNormalization layer trained one step on [4, 5, 6, 3] inputs: output, gradients of x, gamma, beta, moving stats. */
function trainStep(xs: Float32Array, w: Float32Array): Float32Array[] {
  return tf.tidy(() => {
    const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3, gammaInitializer: tf.initializers.constant({ value: 1.5 }), betaInitializer: tf.initializers.constant({ value: 0.2 }) });
    const x = tf.tensor4d(xs, [4, 5, 6, 3]);
    layer.build(x.shape);
    const weight = tf.tensor4d(w, [4, 5, 6, 3]);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { training: true }) as tf.Tensor, weight));
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const gx = tf.grad(f)(x);
    const { grads } = tf.variableGrads(() => f(x) as tf.Scalar, layer.trainableWeights.map((v) => v.read() as tf.Variable));
    const out = [y, gx, ...Object.values(grads), ...layer.nonTrainableWeights.map((v) => v.read())].map((t) => t.dataSync() as Float32Array);
    layer.weights.forEach((v) => v.dispose());
    return out;
  });
}

for (const native of kernelSets()) describe(`backend: BatchNormalization training step on wasm matches cpu (${native ? 'native addon' : 'wasm kernels'})`, () => {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  it('output, gradients (x, gamma, beta) and moving statistics agree to 1e-5; no tensor leaks', async () => {
    assert.equal(tf.getKernel(BN_TRAIN_KERNEL, 'wasm') !== undefined, native);
    const rng = new Rng(5);
    const xs = Float32Array.from({ length: 360 }, () => 3 + 2 * rng.normal());
    const w = Float32Array.from({ length: 360 }, () => rng.normal());
    const before = tf.memory().numTensors;
    const a = await withBackend('wasm', () => trainStep(xs, w));
    const b = await withBackend('cpu', () => trainStep(xs, w));
    assert.equal(tf.memory().numTensors, before, 'tensor leak');
    assert.equal(a.length, 6);
    const prof = await withBackend('wasm', () => tf.profile(() => { trainStep(xs, w); }));
    assert.equal(prof.kernels.some((k) => k.name === BN_TRAIN_KERNEL), native, 'the native path ran exactly when the addon is in use');
    a.forEach((v, i) => assert.ok(relativeError(v, b[i]!) < 1e-5, `array ${i}: relative error ${relativeError(v, b[i]!)}`));
  });
});
