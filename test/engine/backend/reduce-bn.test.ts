import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, kernelSets, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { leadingAxes } from '../../../src/engine/backend/reduce.js';
import { Rng } from '../../../src/engine/rng.js';

const values = (shape: number[], seed: number): Float32Array => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.normal());
};

for (const native of kernelSets()) describe(`backend: wasm Sum/Mean over leading axes and the tile-free BatchNorm and Relu gradients match cpu (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  it('recognises leading-axis reductions only', () => {
    assert.equal(leadingAxes([0, 1, 2], 4), 3);
    assert.equal(leadingAxes([2, 0, 1], 4), 3);
    assert.equal(leadingAxes(0, 2), 1);
    assert.equal(leadingAxes([-4, -3], 4), 2);
    assert.equal(leadingAxes([1, 2], 4), 0);
    assert.equal(leadingAxes([3], 4), 0);
    assert.equal(leadingAxes(undefined, 4), 0);
  });

  const cases: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
    { shape: [5, 7, 6, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [5, 7, 6, 3], axis: [0, 1, 2], keepDims: true },
    { shape: [4, 9], axis: 0, keepDims: false },
    { shape: [3, 4, 5, 2], axis: [0, 1], keepDims: true },
    { shape: [3, 4, 5, 2], axis: [1, 2], keepDims: false },
    { shape: [6, 5], axis: [0, 1], keepDims: false },
    { shape: [6, 5], axis: 1, keepDims: false },
  ];
  for (const op of ['sum', 'mean'] as const) {
    for (const c of cases) {
      it(`${op} ${JSON.stringify(c)}`, async () => {
        const xs = values(c.shape, c.shape.length + c.shape[0]!);
        const run = () => tf.tidy(() => {
          const r = tf[op](tf.tensor(xs, c.shape), c.axis, c.keepDims);
          return { shape: r.shape, values: r.dataSync() as Float32Array };
        });
        const ids = await withBackend('wasm', () => tf.engine().backend.numDataIds());
        const w = await withBackend('wasm', run);
        assert.equal(await withBackend('wasm', () => tf.engine().backend.numDataIds()), ids, 'wasm data leak');
        const cpu = await withBackend('cpu', run);
        assert.deepEqual(w.shape, cpu.shape);
        assert.ok(relativeError(w.values, cpu.values) < 1e-4, `relative error ${relativeError(w.values, cpu.values)}`);
      });
    }
  }

  for (const shape of [[4, 5, 6, 3], [7, 4]]) {
    it(`batch-norm output and gradients (x, mean, variance, scale, offset) of shape ${JSON.stringify(shape)}`, async () => {
      const c = shape[shape.length - 1]!;
      const xs = values(shape, 11);
      const run = () => tf.tidy(() => {
        const x = tf.tensor(xs, shape);
        const dy = tf.tensor(values(shape, 12), shape);
        const axes = shape.slice(0, -1).map((_, i) => i);
        const f = (xx: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
          tf.mul(tf.batchNorm(xx, mean as tf.Tensor1D, variance as tf.Tensor1D, offset as tf.Tensor1D, scale as tf.Tensor1D, 1e-3), dy);
        const { mean, variance } = tf.moments(x, axes);
        const scale = tf.tensor1d(Array.from({ length: c }, (_, i) => 0.5 + i));
        const offset = tf.tensor1d(Array.from({ length: c }, (_, i) => i / 10));
        const gs = tf.grads(f)([x, mean, variance, scale, offset]);
        // Through moments too, as BatchNormalization layers train.
        const gx = tf.grad((xx: tf.Tensor) => { const m = tf.moments(xx, axes); return tf.sum(f(xx, m.mean, m.variance, scale, offset)); })(x);
        const y = tf.batchNorm(x, tf.moments(x, axes).mean, tf.moments(x, axes).variance, offset as tf.Tensor1D, scale as tf.Tensor1D, 1e-3);
        return [...gs, gx, y].map((g) => g.dataSync() as Float32Array);
      });
      const w = await withBackend('wasm', run);
      const cpu = await withBackend('cpu', run);
      w.forEach((g, i) => assert.ok(relativeError(g, cpu[i]!) < 1e-4, `gradient ${i}: relative error ${relativeError(g, cpu[i]!)}`));
    });
  }
  it('relu gradient equals cpu\'s exactly, NaN, zeros and negatives included', async () => {
    const xs = Float32Array.from([...values([5, 7, 3], 21), 0, -0, NaN, 1e-30, -1e-30]);
    const dys = Float32Array.from(values([xs.length], 22));
    const run = () => tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const dy = tf.tensor1d(dys);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), dy)))(x).dataSync() as Float32Array;
    });
    const w = await withBackend('wasm', run);
    const cpu = await withBackend('cpu', run);
    assert.deepEqual(Array.from(w), Array.from(cpu));
    assert.ok(Number.isNaN(w[xs.length - 3]!), 'NaN in, NaN out');
  });
});
