/**
 * ReLU6 on wasm: a Keras ReLU layer with maxValue 6 runs as one Relu6 op, and the gradients of ClipByValue and Relu6
 * are one native pass. Values and gradients must equal the cpu backend's stock path exactly, at the bounds (0 and
 * 6 themselves) and for NaN too.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, kernelSets, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

/** Normal values with exact bounds, values just past them, and a NaN. */
function inputs(n: number, seed: number, nan = true): Float32Array {
  const rng = new Rng(seed);
  const v = Float32Array.from({ length: n }, () => rng.normal() * 5);
  v.set([0, 6, -0, 6.000001, -1e-7, 5.999999, nan ? NaN : 1, 3, -2, 7], 0);
  return v;
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || (x === 0 && b[i] === 0));

for (const native of kernelSets()) describe(`backend: ReLU6 and clip gradients on wasm equal cpu's (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  // Stock wasm clamps NaN to 0 (XNNPACK); the addon's Relu6 keeps it, as cpu does.
  it(`a ReLU layer with maxValue 6: output and input gradient${native ? ' (NaN included)' : ''}`, async () => {
    const xs = inputs(2 * 5 * 5 * 4, 1, native), dys = inputs(2 * 5 * 5 * 4, 2);
    const layer = tf.layers.reLU({ maxValue: 6 });
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 5, 5, 4]);
      const y = layer.apply(x) as tf.Tensor;
      const g = tf.grad((t: tf.Tensor) => tf.mul(layer.apply(t) as tf.Tensor, tf.tensor4d(dys, [2, 5, 5, 4])).sum())(x);
      return [y.dataSync() as Float32Array, g.dataSync() as Float32Array];
    });
    const [yw, gw] = await withBackend('wasm', run);
    const [yc, gc] = await withBackend('cpu', run);
    assert.ok(same(yw!, yc!), 'forward');
    assert.ok(same(gw!, gc!), 'gradient');
  });

  for (const [name, f] of [
    ['relu6', (t: tf.Tensor) => tf.relu6(t)],
    ['clipByValue(-1, 2.5)', (t: tf.Tensor) => tf.clipByValue(t, -1, 2.5)],
    ['reLU maxValue 3 (relu then clip)', (t: tf.Tensor) => tf.layers.reLU({ maxValue: 3 }).apply(t) as tf.Tensor],
  ] as const) {
    it(`${name}: the gradient of sum(f(x) * dy) equals cpu's, NaN and bounds included`, async () => {
      const xs = inputs(3 * 7 * 11, 3), dys = inputs(3 * 7 * 11, 4);
      const run = () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.mul(f(t), tf.tensor(dys, [3, 7, 11])).sum())(tf.tensor(xs, [3, 7, 11])).dataSync() as Float32Array);
      const before = tf.memory().numTensors;
      const w = await withBackend('wasm', run);
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      assert.ok(same(w, await withBackend('cpu', run)));
    });
  }
});
