import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, kernelSets, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

interface Case { a: number[]; b: number[]; tA: boolean; tB: boolean }

const CASES: Case[] = [
  { a: [6, 5], b: [5, 4], tA: false, tB: false },
  { a: [5, 6], b: [5, 4], tA: true, tB: false },
  { a: [6, 5], b: [4, 5], tA: false, tB: true },
  { a: [5, 6], b: [4, 5], tA: true, tB: true },
  { a: [3, 6, 5], b: [5, 4], tA: false, tB: false },
  { a: [2, 3, 5, 6], b: [1, 4, 5], tA: true, tB: true },
  { a: [3, 6, 5], b: [3, 5, 4], tA: false, tB: false },
  { a: [3, 5, 6], b: [3, 4, 5], tA: true, tB: true },
  { a: [1, 6, 5], b: [3, 5, 4], tA: false, tB: false },
];

// Both kernel sets: the wasm kernels alone, and the native addon's (when it is built) over them.
for (const native of kernelSets()) describe(`backend: wasm BatchMatMul/_FusedMatMul fast paths match cpu (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  it('is semslice kernel on wasm', () => {
    assert.equal(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc.name, native ? 'nativeBatchMatMul' : 'matMulWasm');
    assert.equal(tf.getKernel('_FusedMatMul', 'wasm')?.kernelFunc.name, native ? 'nativeFusedMatMul' : 'matMulWasm');
  });

  for (const c of CASES) {
    it(`matMul ${JSON.stringify(c)}`, async () => {
      const rng = new Rng(c.a.length * 10 + c.b.length);
      const as = Float32Array.from({ length: c.a.reduce((p, d) => p * d) }, () => rng.normal());
      const bs = Float32Array.from({ length: c.b.reduce((p, d) => p * d) }, () => rng.normal());
      const run = () => tf.tidy(() => {
        const r = tf.matMul(tf.tensor(as, c.a), tf.tensor(bs, c.b), c.tA, c.tB);
        return { shape: r.shape, values: r.dataSync() as Float32Array };
      });
      const ids = await withBackend('wasm', () => tf.engine().backend.numDataIds());
      const w = await withBackend('wasm', run);
      assert.equal(await withBackend('wasm', () => tf.engine().backend.numDataIds()), ids, 'wasm data leak');
      const cpu = await withBackend('cpu', run);
      assert.deepEqual(w.shape, cpu.shape);
      assert.ok(relativeError(w.values, cpu.values) < 1e-5, `${relativeError(w.values, cpu.values)}`);
    });
  }

  it('fused matMul with bias, relu and transposeB, and its gradients, match cpu', async () => {
    const rng = new Rng(4);
    const xs = Float32Array.from({ length: 8 * 5 }, () => rng.normal());
    const ws = Float32Array.from({ length: 3 * 5 }, () => rng.normal());
    const run = () => tf.tidy(() => {
      const x = tf.tensor2d(xs, [8, 5]);
      const w = tf.tensor2d(ws, [3, 5]);
      const bias = tf.tensor1d([0.1, -0.2, 0.3]);
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias, activation: 'relu' }).square().sum();
      const y = tf.fused.matMul({ a: x, b: w, transposeB: true, bias, activation: 'relu' });
      return [y.dataSync() as Float32Array, ...tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array)];
    });
    const w = await withBackend('wasm', run);
    const cpu = await withBackend('cpu', run);
    w.forEach((v, i) => assert.ok(relativeError(v, cpu[i]!) < 1e-5, `output ${i}: ${relativeError(v, cpu[i]!)}`));
  });
});
