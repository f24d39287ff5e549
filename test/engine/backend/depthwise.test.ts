/**
 * Depthwise convolution on wasm (DepthwiseConv2dNative and both gradients) against the cpu backend, on both kernel
 * sets: the wasm kernels alone (XNNPACK forward, gradients bridged to cpu) and the native addon's direct loops.
 * Tolerances: forward and input gradient 1e-6 relative (the addon sums the taps in cpu's order; the input gradient
 * scatters them, a different order); filter gradient 1e-5 (cpu sums a whole batch in float, the addon per sample
 * in float and across samples in double).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, kernelSets, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case { x: [number, number, number, number]; k: number; m: number; stride: number; pad: Pad; dilation?: number }

const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

const CASES: Case[] = [
  { x: [3, 28, 28, 16], k: 3, m: 1, stride: 1, pad: 'same' },
  { x: [2, 15, 15, 16], k: 3, m: 1, stride: 2, pad: 'valid' },
  { x: [2, 14, 14, 32], k: 3, m: 1, stride: 2, pad: 'same' },
  { x: [2, 9, 7, 5], k: 5, m: 1, stride: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], k: 3, m: 2, stride: 1, pad: 'same' },
  { x: [1, 9, 10, 4], k: 3, m: 3, stride: 2, pad: 1 },
  { x: [2, 6, 7, 3], k: 2, m: 1, stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 7, 7, 1], k: 3, m: 1, stride: 3, pad: 'same' },
];

/** dx and dW of sum(depthwiseConv2d(x, w)^2 * m) (m breaks the symmetry of dy), and the forward values. */
function run(xs: Float32Array, ws: Float32Array, c: Case): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, c.x);
    const w = tf.tensor4d(ws, [c.k, c.k, c.x[3], c.m]);
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad as 'same');
      return y.square().mul(tf.range(0, y.size).reshape(y.shape).mod(5).add(1)).sum();
    };
    const y = tf.depthwiseConv2d(x, w as tf.Tensor4D, c.stride, c.pad as 'same').dataSync() as Float32Array;
    return [y, ...tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array)];
  });
}

for (const native of kernelSets()) describe(`backend: depthwise convolution on wasm matches the cpu backend (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  it(native ? 'registers the addon\'s depthwise kernels' : 'keeps the stock forward and the cpu-bridged gradients', () => {
    const names = ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];
    const funcs = names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc.name);
    if (native) assert.deepEqual(funcs, names.map((n) => `native${n}`));
    else assert.deepEqual(funcs.slice(1), ['cpuBridge', 'cpuBridge']);
  });

  for (const c of CASES) {
    it(`forward, dx and dW for x ${JSON.stringify(c.x)}, ${c.k}x${c.k} x${c.m}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`, async () => {
      const rng = new Rng(c.x[3] * 7 + c.k + c.stride);
      const xs = rand(rng, c.x.reduce((p, d) => p * d, 1));
      const ws = rand(rng, c.k * c.k * c.x[3] * c.m);
      const before = tf.memory().numTensors;
      const w = await withBackend('wasm', () => run(xs, ws, c));
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      const cpu = await withBackend('cpu', () => run(xs, ws, c));
      const tol = [1e-6, 1e-6, 1e-5];
      w.forEach((v, i) => {
        assert.equal(v.length, cpu[i]!.length);
        const e = relativeError(v, cpu[i]!);
        assert.ok(e < tol[i]!, `${['y', 'dx', 'dW'][i]}: relative error ${e}`);
      });
    });
  }

  // tfjs' depthwise gradient refuses dilations > 1 and cpu's backprop kernels ignore them, so the kernels called
  // directly with dilation 2 are checked as the adjoints of the forward (which cpu computes dilated):
  // <dy, y(x, w)> = <dx(dy, w), x> = <dW(x, dy), w>. (The wasm kernel set bridges to those cpu kernels: addon only.)
  (native ? it : it.skip)('dilation 2: the forward matches cpu and both gradient kernels are its adjoints', async () => {
    const rng = new Rng(3);
    const xs = rand(rng, 2 * 11 * 10 * 4), ws = rand(rng, 3 * 3 * 4 * 2), dys = rand(rng, 2 * 11 * 10 * 8);
    const attrs = { strides: [1, 1], pad: 'same', dilations: [2, 2], dimRoundingMode: undefined };
    const go = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 11, 10, 4]), w = tf.tensor4d(ws, [3, 3, 4, 2]), dy = tf.tensor4d(dys, [2, 11, 10, 8]);
      const y = tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', 2);
      const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
    });
    const [y, dx, dw] = await withBackend('wasm', go);
    const [yCpu] = await withBackend('cpu', go);
    assert.ok(relativeError(y!, yCpu!) < 1e-6);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let t = 0; for (let i = 0; i < a.length; i++) t += a[i]! * b[i]!; return t; };
    const ref = dot(dys, y!);
    assert.ok(Math.abs(dot(dx!, xs) - ref) < 1e-4 * Math.abs(ref), `dx: ${dot(dx!, xs)} vs ${ref}`);
    assert.ok(Math.abs(dot(dw!, ws) - ref) < 1e-4 * Math.abs(ref), `dW: ${dot(dw!, ws)} vs ${ref}`);
  });

  it('separableConv2d (depthwise then pointwise) and its gradients match cpu', async () => {
    const rng = new Rng(9);
    const xs = rand(rng, 2 * 10 * 10 * 8), dws = rand(rng, 3 * 3 * 8), pws = rand(rng, 8 * 12);
    const go = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 10, 10, 8]), dw = tf.tensor4d(dws, [3, 3, 8, 1]), pw = tf.tensor4d(pws, [1, 1, 8, 12]);
      const f = (a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, p as tf.Tensor4D, 1, 'same').relu().sum();
      return tf.grads(f)([x, dw, pw]).map((g) => g.dataSync() as Float32Array);
    });
    const w = await withBackend('wasm', go);
    const cpu = await withBackend('cpu', go);
    w.forEach((v, i) => assert.ok(relativeError(v, cpu[i]!) < 1e-5, `${i}: ${relativeError(v, cpu[i]!)}`));
  });
});
