/**
 * Global average pooling on wasm: Mean over [1, 2] of NHWC as one average pooling, and Mean's gradient over a block
 * of middle axes as one native pass (same values as tfjs' dy * ones / n). Checked against the cpu backend.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, kernelSets, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

for (const native of kernelSets()) describe(`backend: Mean and its gradient on wasm match cpu (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  const cases: Array<[number[], number[], boolean]> = [
    [[3, 7, 5, 6], [1, 2], false], [[3, 7, 5, 6], [2, 1], true], [[2, 4, 4, 3], [-3, -2], false],
    [[2, 3, 4, 5], [1], false], [[2, 3, 4, 5], [2, 3], true], [[4, 6], [0], false], [[2, 3, 4, 5], [0, 2], false],
  ];
  for (const [shape, axes, keepDims] of cases) {
    it(`mean over ${JSON.stringify(axes)} of ${JSON.stringify(shape)}${keepDims ? ' (keepDims)' : ''}: value and gradient`, async () => {
      const rng = new Rng(shape.length * 10 + axes.length);
      const xs = rand(rng, shape.reduce((p, d) => p * d, 1));
      const run = () => tf.tidy(() => {
        const x = tf.tensor(xs, shape);
        const y = tf.mean(x, axes, keepDims);
        const w = tf.tensor(rand(new Rng(7), y.size), y.shape);
        const g = tf.grad((t: tf.Tensor) => tf.mul(tf.mean(t, axes, keepDims), w).sum())(x);
        return [y.shape, y.dataSync() as Float32Array, g.dataSync() as Float32Array] as const;
      });
      const before = tf.memory().numTensors;
      const [ws, wy, wg] = await withBackend('wasm', run);
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      const [cs, cy, cg] = await withBackend('cpu', run);
      assert.deepEqual(ws, cs);
      assert.ok(relativeError(wy, cy) < 1e-6, `value: ${relativeError(wy, cy)}`);
      assert.ok(relativeError(wg, cg) < 1e-7, `gradient: ${relativeError(wg, cg)}`);
    });
  }
});
