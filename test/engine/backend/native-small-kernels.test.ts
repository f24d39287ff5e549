import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, nativeAddon, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

// The addon's kernels for a LeNet-5-sized step: the bias add and the direct small-patch convolution.
(nativeAddon() ? describe : describe.skip)('backend: native bias add and small-patch convolution (native addon)', function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(true);
  });
  after(() => useKernelSet());

  const adds: Array<[number[], number[]]> = [[[2, 5, 5, 6], [6]], [[6], [3, 4, 6]], [[4, 7], [1, 7]], [[2, 3, 3, 4], [1, 1, 1, 4]]];
  for (const [sa, sb] of adds) {
    it(`add of ${JSON.stringify(sa)} and ${JSON.stringify(sb)} equals cpu's exactly`, async () => {
      const rng = new Rng(sa.length * 10 + sb.length);
      const a = rand(rng, sa.reduce((p, d) => p * d, 1));
      const b = rand(rng, sb.reduce((p, d) => p * d, 1));
      const run = () => tf.tidy(() => { const y = tf.add(tf.tensor(a, sa), tf.tensor(b, sb)); return { shape: y.shape, v: Array.from(y.dataSync()) }; });
      const w = await withBackend('wasm', run);
      const cpu = await withBackend('cpu', run);
      assert.deepEqual(w, cpu);
    });
  }

  it('add keeps the stock kernel for int32, same shapes and other broadcasts', async () => {
    const run = () => tf.tidy(() => [
      Array.from(tf.add(tf.tensor([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor([1, 2], [2], 'int32')).dataSync()),
      Array.from(tf.add(tf.tensor([1, 2, 3, 4], [2, 2]), tf.tensor([5, 6, 7, 8], [2, 2])).dataSync()),
      Array.from(tf.add(tf.tensor([1, 2, 3, 4], [2, 2]), tf.tensor([10, 20], [2, 1])).dataSync()),
    ]);
    assert.deepEqual(await withBackend('wasm', run), [[2, 4, 4, 6], [6, 8, 10, 12], [11, 12, 23, 24]]);
  });

  // Patches under 32 values with unit column stride take the direct path; row strides, row dilations, padding wider
  // than the kernel and rows longer than one 32-wide block included.
  const convs: Array<{ x: [number, number, number, number]; k: [number, number, number, number]; s: [number, number]; pad: 'same' | 'valid' | number; d: [number, number] }> = [
    { x: [3, 28, 28, 1], k: [5, 5, 1, 6], s: [1, 1], pad: 'same', d: [1, 1] },
    { x: [2, 9, 40, 1], k: [3, 3, 1, 5], s: [1, 1], pad: 'valid', d: [1, 1] },
    { x: [2, 9, 70, 3], k: [3, 3, 3, 4], s: [2, 1], pad: 'same', d: [1, 1] },
    { x: [2, 11, 13, 2], k: [3, 2, 2, 3], s: [1, 1], pad: 4, d: [1, 1] },
    { x: [2, 12, 12, 1], k: [3, 3, 1, 2], s: [1, 1], pad: 'valid', d: [2, 1] },
  ];
  for (const c of convs) {
    it(`conv2d forward ${JSON.stringify(c)} agrees with cpu to 1e-6 relative`, async () => {
      const rng = new Rng(c.x[2] + c.k[3]);
      const xs = rand(rng, c.x.reduce((p, d) => p * d, 1));
      const ws = rand(rng, c.k.reduce((p, d) => p * d, 1));
      const run = () => tf.tidy(() => tf.conv2d(tf.tensor4d(xs, c.x), tf.tensor4d(ws, c.k), c.s, c.pad, 'NHWC', c.d).dataSync() as Float32Array);
      const before = tf.memory().numTensors;
      const w = await withBackend('wasm', run);
      const cpu = await withBackend('cpu', run);
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      assert.equal(w.length, cpu.length);
      assert.ok(relativeError(w, cpu) < 1e-6, `rel err ${relativeError(w, cpu)}`);
    });
  }
});
