import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend, kernelSets, registerWasmPatches, relativeError, unregisterWasmPatches, useKernelSet, withBackend,
} from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

type Size = number | [number, number];
interface Case { shape: [number, number, number, number]; f: Size; s: Size; pad: 'same' | 'valid' }

/** d/dx of sum(maxPool(x) * w) with w = 1..7 repeating, so every window's dy is distinct and nonzero. */
function poolGrad(xs: Float32Array, c: Case): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, c.shape);
    const y = tf.maxPool(x, c.f, c.s, c.pad);
    const w = tf.range(0, y.size).mod(7).add(1).reshape(y.shape);
    return tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.f, c.s, c.pad).mul(w).sum())(x).dataSync() as Float32Array;
  });
}

/** Values in {-1, -0.5, 0, 0.5, 1}, plus a few all-negative windows: many ties and dead windows. */
function tiedInput(rng: Rng, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b);
  const xs = Float32Array.from({ length: n }, () => (rng.int(5) - 2) / 2);
  for (let i = 0; i < n; i += 11) xs[i] = -Math.abs(xs[i]!) - 0.25;
  return xs;
}

const CASES: Case[] = [
  { shape: [3, 8, 8, 4], f: 2, s: 2, pad: 'valid' },
  { shape: [2, 7, 9, 3], f: 2, s: 2, pad: 'valid' },
  { shape: [2, 9, 9, 2], f: 2, s: 2, pad: 'same' },
  { shape: [2, 7, 9, 3], f: 3, s: 2, pad: 'same' },
  { shape: [2, 6, 6, 2], f: 3, s: 1, pad: 'valid' },
  { shape: [2, 5, 7, 2], f: [2, 3], s: [1, 2], pad: 'same' },
];

/** maxPool(x) values on the current backend. */
function pool(xs: Float32Array, c: Case): Float32Array {
  return tf.tidy(() => tf.maxPool(tf.tensor4d(xs, c.shape), c.f, c.s, c.pad).dataSync() as Float32Array);
}

// Both kernel sets: the wasm kernels alone (MaxPoolGrad in JS, MaxPool stock), and the native addon's over them.
for (const native of kernelSets()) describe(`backend: wasm MaxPool and MaxPoolGrad (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  it('is semslice kernel on wasm', () => {
    assert.equal(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc.name, native ? 'nativeMaxPoolGrad' : 'maxPoolGradWasm');
    if (native) assert.equal(tf.getKernel('MaxPool', 'wasm')?.kernelFunc.name, 'nativeMaxPool');
  });

  for (const c of [...CASES, { shape: [2, 28, 28, 6], f: 2, s: 2, pad: 'valid' } as Case]) {
    it(`maxPool values equal cpu's exactly: ${JSON.stringify(c)}`, async () => {
      const xs = tiedInput(new Rng(c.shape[1] * 7 + c.shape[3]), c.shape);
      const w = await withBackend('wasm', () => pool(xs, c));
      const cpu = await withBackend('cpu', () => pool(xs, c));
      assert.deepEqual(Array.from(w), Array.from(cpu));
    });
  }

  it('hand-checked 4x4: ties go to the first element, windows with max <= 0 keep their gradient', async () => {
    const xs = Float32Array.from([
      -1, -2, -3, -4,
      -1, -1, 0, 0,
      0.5, 0.5, 0.5, 0.5,
      2, 1, 2, 2,
    ]);
    const expected = [
      1, 0, 0, 0,
      0, 0, 2, 0,
      0, 0, 0, 0,
      3, 0, 4, 0,
    ];
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [1, 4, 4, 1]);
      const w = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      return Array.from(tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').mul(w).sum())(x).dataSync());
    });
    assert.deepEqual(await withBackend('wasm', run), expected);
    assert.deepEqual(await withBackend('cpu', run), expected);
    // The stock wasm kernel gets this wrong (why the patch exists); proves the example can fail.
    const stock = await withBackend('wasm', () => {
      unregisterWasmPatches();
      try { return run(); } finally { registerWasmPatches({ native }); }
    });
    assert.notDeepEqual(stock, expected);
  });

  for (const c of CASES) {
    it(`matches cpu exactly with ties and dead windows: ${JSON.stringify(c)}`, async () => {
      const xs = tiedInput(new Rng(c.shape[1] * 10 + c.shape[2]), c.shape);
      const before = tf.memory().numTensors;
      const w = await withBackend('wasm', () => poolGrad(xs, c));
      const cpu = await withBackend('cpu', () => poolGrad(xs, c));
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      assert.equal(relativeError(w, cpu), 0);
      assert.ok(cpu.some((v) => v !== 0));
    });
  }

  it('gives no gradient to -Infinity-only windows and ignores NaN, like cpu', async () => {
    const I = -Infinity;
    const xs = Float32Array.from([
      I, I, NaN, 1, I, 5, NaN, NaN, -3, -3,
      I, I, 2, NaN, NaN, NaN, NaN, NaN, -3, -3,
    ]);
    const c: Case = { shape: [1, 2, 10, 1], f: 2, s: 2, pad: 'valid' };
    const w = await withBackend('wasm', () => poolGrad(xs, c));
    const cpu = await withBackend('cpu', () => poolGrad(xs, c));
    assert.deepEqual(Array.from(w), Array.from(cpu));
    assert.deepEqual(Array.from(w), [0, 0, 0, 0, 0, 3, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
  });

  // The native set only: the stock (XNNPACK) MaxPool forward of the wasm set does not follow cpu's rule when a window
  // holds NaN (its max depends on where the NaN sits), so its gradient differs there too.
  (native ? it : it.skip)('NaN, -Infinity and ties across many channels (vector lanes and their remainder) match cpu exactly', async () => {
    const c: Case = { shape: [2, 6, 8, 7], f: 2, s: 2, pad: 'valid' };
    const xs = tiedInput(new Rng(77), c.shape);
    for (let i = 0; i < xs.length; i += 13) xs[i] = NaN;
    for (let i = 5; i < xs.length; i += 17) xs[i] = -Infinity;
    const w = await withBackend('wasm', () => poolGrad(xs, c));
    const cpu = await withBackend('cpu', () => poolGrad(xs, c));
    assert.deepEqual(Array.from(w), Array.from(cpu));
    assert.deepEqual(Array.from(await withBackend('wasm', () => pool(xs, c))), Array.from(await withBackend('cpu', () => pool(xs, c))));
  });

  it('relu -> maxPool -> conv chain: input gradient equals cpu (the profiling path)', async () => {
    const rng = new Rng(9);
    const xs = Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => rng.normal());
    const ws = Float32Array.from({ length: 3 * 3 * 3 * 4 }, () => rng.normal());
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 8, 8, 3]);
      const k = tf.tensor4d(ws, [3, 3, 3, 4]);
      const f = (a: tf.Tensor) => tf.maxPool(tf.relu(tf.conv2d(a as tf.Tensor4D, k, 1, 'same')), 2, 2, 'valid').sum();
      return tf.grad(f)(x).dataSync() as Float32Array;
    });
    const w = await withBackend('wasm', run);
    const cpu = await withBackend('cpu', run);
    assert.ok(relativeError(w, cpu) < 1e-5, `${relativeError(w, cpu)}`);
  });
});
