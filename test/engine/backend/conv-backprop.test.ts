import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, kernelSets, relativeError, useKernelSet, withBackend } from '../../../src/engine/backend/index.js';
import { Rng } from '../../../src/engine/rng.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case { kh: number; kw: number; ci: number; co: number; stride: number; pad: Pad }

const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** dx and dW of sum(conv2d(x, w)^2 * m) on the current backend (m breaks symmetry of dy). */
function convGrads(xs: Float32Array, ws: Float32Array, xShape: number[], c: Case): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, xShape as [number, number, number, number]);
    const w = tf.tensor4d(ws, [c.kh, c.kw, c.ci, c.co]);
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      return y.square().mul(tf.range(0, y.size).reshape(y.shape).mod(5).add(1)).sum();
    };
    return tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array);
  });
}

const CASES: Case[] = [
  { kh: 1, kw: 1, ci: 3, co: 8, stride: 1, pad: 'same' },
  { kh: 3, kw: 3, ci: 1, co: 3, stride: 1, pad: 'same' },
  { kh: 3, kw: 3, ci: 8, co: 8, stride: 1, pad: 'valid' },
  { kh: 5, kw: 5, ci: 3, co: 8, stride: 1, pad: 'same' },
  { kh: 5, kw: 3, ci: 8, co: 1, stride: 1, pad: 'same' },
  { kh: 5, kw: 3, ci: 3, co: 3, stride: 1, pad: 'valid' },
  { kh: 3, kw: 3, ci: 3, co: 8, stride: 1, pad: 1 },
  { kh: 3, kw: 3, ci: 3, co: 4, stride: 2, pad: 'same' },
  { kh: 5, kw: 5, ci: 1, co: 3, stride: 2, pad: 'valid' },
  { kh: 4, kw: 4, ci: 3, co: 2, stride: 3, pad: 'same' },
  { kh: 3, kw: 3, ci: 3, co: 2, stride: 2, pad: 1 },
  { kh: 3, kw: 2, ci: 2, co: 3, stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { kh: 3, kw: 3, ci: 2, co: 3, stride: 2, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  // padding wider than the kernel: dx takes the stock wasm kernel, dW the forward-conv path
  { kh: 3, kw: 3, ci: 2, co: 2, stride: 1, pad: 3 },
];

// Both kernel sets: the wasm kernels alone, and the native addon's (when it is built) over them.
for (const native of kernelSets()) describe(`backend: wasm Conv2D gradients match the cpu backend (${native ? 'native addon' : 'wasm kernels'})`, function () {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    useKernelSet(native);
  });
  after(() => useKernelSet());

  it('registers semslice kernels for Conv2DBackpropFilter and Conv2DBackpropInput on wasm', () => {
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc.name, native ? 'nativeConv2DBackpropFilter' : 'conv2dBackpropFilterWasm');
    assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc.name, native ? 'nativeConv2DBackpropInput' : 'conv2dBackpropInputWasm');
    assert.equal(tf.getKernel('FusedConv2D', 'wasm')?.kernelFunc.name === 'nativeFusedConv2D', native);
  });

  it('releases every wasm intermediate (backend data ids return to baseline)', async () => {
    const rng = new Rng(5);
    await withBackend('wasm', () => {
      const backend = tf.engine().backend;
      for (const c of [CASES[3]!, CASES[7]!, CASES[9]!]) {
        const ws2 = rand(rng, c.kh * c.kw * c.ci * c.co);
        const xs2 = rand(rng, 2 * 9 * 9 * c.ci);
        convGrads(xs2, ws2, [2, 9, 9, c.ci], c);
        const ids = backend.numDataIds();
        convGrads(xs2, ws2, [2, 9, 9, c.ci], c);
        assert.equal(backend.numDataIds(), ids, `wasm data leak for ${JSON.stringify(c)}`);
      }
    });
  });

  for (const c of CASES) {
    const label = `${c.kh}x${c.kw}, ${c.ci}->${c.co} channels, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`;
    it(`dx and dW agree to 1e-4 relative: ${label}`, async () => {
      const rng = new Rng(c.kh * 100 + c.ci * 10 + c.stride);
      const xShape = [3, 11, 9, c.ci];
      const xs = rand(rng, 3 * 11 * 9 * c.ci);
      const ws = rand(rng, c.kh * c.kw * c.ci * c.co);
      const before = tf.memory().numTensors;
      const [wdx, wdw] = await withBackend('wasm', () => convGrads(xs, ws, xShape, c));
      const [cdx, cdw] = await withBackend('cpu', () => convGrads(xs, ws, xShape, c));
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      assert.ok(relativeError(wdx!, cdx!) < 1e-4, `dx rel err ${relativeError(wdx!, cdx!)}`);
      assert.ok(relativeError(wdw!, cdw!) < 1e-4, `dW rel err ${relativeError(wdw!, cdw!)}`);
      assert.ok(cdw!.some((v) => v !== 0), 'degenerate test: zero gradient');
    });
  }

  it('conv2dTranspose (which runs Conv2DBackpropInput) matches cpu, stride 1 and 2', async () => {
    const rng = new Rng(7);
    const xs = rand(rng, 2 * 5 * 6 * 4);
    const ws = rand(rng, 3 * 3 * 2 * 4);
    const run = (stride: number, pad: 'same' | 'valid') => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 5, 6, 4]);
      const w = tf.tensor4d(ws, [3, 3, 2, 4]);
      const out: [number, number, number, number] = pad === 'same'
        ? [2, 5 * stride, 6 * stride, 2] : [2, (5 - 1) * stride + 3, (6 - 1) * stride + 3, 2];
      return tf.conv2dTranspose(x, w, out, stride, pad).dataSync() as Float32Array;
    });
    for (const [s, p] of [[1, 'same'], [1, 'valid'], [2, 'same'], [2, 'valid']] as const) {
      const a = await withBackend('wasm', () => run(s, p));
      const b = await withBackend('cpu', () => run(s, p));
      assert.ok(relativeError(a, b) < 1e-5, `stride ${s} ${p}: ${relativeError(a, b)}`);
    }
  });

  it('Conv2DBackpropFilter handles NCHW inputs (kernel called directly)', async () => {
    const rng = new Rng(3);
    const xs = rand(rng, 2 * 3 * 7 * 6);
    const dys = rand(rng, 2 * 4 * 7 * 6);
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, [2, 3, 7, 6]);
      const dy = tf.tensor4d(dys, [2, 4, 7, 6]);
      const r = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
        { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }) as tf.Tensor;
      return r.dataSync() as Float32Array;
    });
    const a = await withBackend('wasm', run);
    const b = await withBackend('cpu', run);
    assert.ok(relativeError(a, b) < 1e-5, `${relativeError(a, b)}`);
  });

  it('gradients of a layers model (fused conv + bias + relu, max-pool) match cpu', async () => {
    const rng = new Rng(11);
    const xs = rand(rng, 4 * 12 * 12 * 2);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3));
    const build = () => {
      const m = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 5, kernelSize: [3, 2], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ] });
      return m;
    };
    const grads = () => {
      const m = build();
      const x = tf.tensor4d(xs, [4, 12, 12, 2]);
      const { value, grads: g } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, m.predict(x) as tf.Tensor) as tf.Scalar);
      const out = Object.values(g).map((t) => t.dataSync() as Float32Array);
      tf.dispose([...Object.values(g), x, value]);
      m.dispose();
      return out;
    };
    const a = await withBackend('wasm', grads);
    const b = await withBackend('cpu', grads);
    // tfjs-layers keeps a few tensors alive after the first model (cached constants), so count on a second pass.
    const before = tf.memory().numTensors;
    await withBackend('wasm', grads);
    assert.equal(tf.memory().numTensors, before, 'tensor leak');
    assert.equal(a.length, 6);
    a.forEach((g, i) => assert.ok(relativeError(g, b[i]!) < 1e-4, `variable ${i}: ${relativeError(g, b[i]!)}`));
    labels.dispose();
  });
});
