import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { CPU_BRIDGED_KERNELS, initBackend, relativeError, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

describe('backend: kernels wasm lacks are bridged to cpu', function () {
  before(async () => { await initBackend({ backend: 'wasm', quiet: true }); });

  it('registers every bridged kernel for wasm', () => {
    for (const name of CPU_BRIDGED_KERNELS) assert.ok(tf.getKernel(name, 'wasm'), name);
  });

  it('depthwiseConv2d gradients (filter and input) match cpu, without leaks on either backend', async () => {
    const rng = new Rng(21);
    const xs = rand(rng, 2 * 7 * 6 * 3);
    const ws = rand(rng, 3 * 3 * 3 * 2);
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 7, 6, 3]);
      const w = tf.tensor4d(ws, [3, 3, 3, 2]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').square().sum();
      return tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array);
    });
    const cpuIds = () => tf.findBackend('cpu')!.numDataIds();
    const a = await withBackend('wasm', run);
    const before = [tf.memory().numTensors, cpuIds()];
    await withBackend('wasm', run);
    assert.deepEqual([tf.memory().numTensors, cpuIds()], before, 'leak');
    const b = await withBackend('cpu', run);
    assert.ok(relativeError(a[0]!, b[0]!) < 1e-5);
    assert.ok(relativeError(a[1]!, b[1]!) < 1e-5);
  });

  it('the gather gradient (UnsortedSegmentSum) works on wasm', async () => {
    const run = () => tf.tidy(() => {
      const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const f = (t: tf.Tensor) => tf.gather(t, tf.tensor1d([2, 0, 2], 'int32')).mul(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2])).sum();
      return Array.from(tf.grad(f)(table).dataSync());
    });
    const w = await withBackend('wasm', run);
    assert.deepEqual(w, [3, 4, 0, 0, 6, 8]);
    assert.deepEqual(await withBackend('cpu', run), w);
  });
});
