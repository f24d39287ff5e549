/**
 * Benchmark (not a test; mocha ignores it): LeNet-5-sized conv backprops and max-pool gradient on wasm with
 * semslice's kernels, the stock wasm kernels, and (with CPU=1, slow: ~1 min) the cpu backend.
 * Run: npx tsx test/engine/backend/bench/kernels.bench.ts   (B=64 for another batch size)
 * The lead may move it to bench/; it only imports src/engine/backend.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerWasmPatches, unregisterWasmPatches, withBackend } from '../../../../src/engine/backend/index.js';

type Variant = 'wasm' | 'wasm-stock' | 'cpu';
const B = Number(process.env['B'] ?? 256);
const VARIANTS: Variant[] = process.env['CPU'] ? ['wasm', 'wasm-stock', 'cpu'] : ['wasm', 'wasm-stock', 'wasm', 'wasm-stock'];
const LAYERS = [
  { name: 'conv1 28x28x1->6 5x5 same', x: [28, 28, 1], f: [5, 5, 1, 6], pad: 'same', o: [28, 28, 6] },
  { name: 'conv2 14x14x6->16 5x5 valid', x: [14, 14, 6], f: [5, 5, 6, 16], pad: 'valid', o: [10, 10, 16] },
] as const;

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

/** Median wall time of reps runs after one warm-up, including reading the result back. */
function time(fn: () => tf.Tensor, reps: number): number {
  fn().dispose();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = fn();
    r.dataSync();
    ts.push(performance.now() - t0);
    r.dispose();
  }
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

async function onVariant(v: Variant, fn: () => void): Promise<void> {
  await withBackend(v === 'cpu' ? 'cpu' : 'wasm', () => {
    if (v === 'wasm-stock') unregisterWasmPatches();
    try { fn(); } finally { if (v === 'wasm-stock') registerWasmPatches(); }
  });
}

async function convs(): Promise<void> {
  for (const L of LAYERS) {
    for (const v of VARIANTS) {
      await onVariant(v, () => {
        const reps = v === 'cpu' ? 2 : 9;
        const x = tf.randomNormal([B, ...L.x]);
        const dy = tf.randomNormal([B, ...L.o]);
        const w = tf.randomNormal([...L.f]);
        const dW = v === 'wasm-stock' ? NaN : time(() => run('Conv2DBackpropFilter', { x, dy },
          { strides: 1, pad: L.pad, dataFormat: 'NHWC', filterShape: L.f }), reps);
        const dX = time(() => run('Conv2DBackpropInput', { dy, filter: w },
          { strides: 1, pad: L.pad, dataFormat: 'NHWC', inputShape: [B, ...L.x] }), reps);
        const fwd = time(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, L.pad), reps);
        console.log(`B=${B} ${L.name} ${v}: dW ${dW.toFixed(1)} ms, dX ${dX.toFixed(1)} ms, forward ${fwd.toFixed(1)} ms`);
        tf.dispose([x, dy, w]);
      });
    }
  }
}

async function maxPools(): Promise<void> {
  for (const v of VARIANTS) {
    await onVariant(v, () => {
      const x = tf.relu(tf.randomNormal([B, 28, 28, 6])) as tf.Tensor4D;
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.randomNormal(y.shape);
      const t = time(() => run('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }),
        v === 'cpu' ? 3 : 15);
      console.log(`B=${B} MaxPoolGrad 28x28x6 -> 14x14x6 ${v}: ${t.toFixed(2)} ms`);
      tf.dispose([x, y, dy]);
    });
  }
}

async function denseGrads(): Promise<void> {
  for (const v of VARIANTS) {
    await onVariant(v, () => {
      const a = tf.randomNormal([B, 400]);
      const w = tf.randomNormal([400, 120]);
      const dy = tf.randomNormal([B, 120]);
      const reps = v === 'cpu' ? 3 : 15;
      const dA = time(() => tf.matMul(dy, w, false, true), reps);
      const dW = time(() => tf.matMul(a, dy, true, false), reps);
      console.log(`B=${B} dense 400->120 gradient ${v}: dy·W^T ${dA.toFixed(2)} ms, a^T·dy ${dW.toFixed(2)} ms`);
      tf.dispose([a, w, dy]);
    });
  }
}

/** LeNet-5 of performance.md: forward, then the gradient of the summed logits at the conv1 site. */
async function lenetBackward(): Promise<void> {
  const shapes = { k1: [5, 5, 1, 6], k2: [5, 5, 6, 16], w3: [400, 120], w4: [120, 84], w5: [84, 10] };
  for (const v of VARIANTS) {
    await onVariant(v, () => {
      const w = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, tf.randomNormal(s, 0, 0.2, 'float32', 1)]));
      const x = tf.randomUniform([B, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
      const rest = (a1: tf.Tensor4D) => {
        const p1 = tf.maxPool(a1, 2, 2, 'valid');
        const a2 = tf.relu(tf.conv2d(p1, w['k2'] as tf.Tensor4D, 1, 'valid'));
        const p2 = tf.maxPool(a2, 2, 2, 'valid').reshape([B, 400]);
        const h = tf.relu(tf.matMul(tf.relu(tf.matMul(p2, w['w3'] as tf.Tensor2D)), w['w4'] as tf.Tensor2D));
        return tf.matMul(h, w['w5'] as tf.Tensor2D);
      };
      const t = time(() => tf.tidy(() => {
        const a1 = tf.relu(tf.conv2d(x, w['k1'] as tf.Tensor4D, 1, 'same'));
        return tf.grad((a: tf.Tensor) => rest(a as tf.Tensor4D).sum())(a1);
      }), v === 'cpu' ? 1 : 7);
      console.log(`B=${B} LeNet-5 forward + backward to the conv1 site ${v}: ${t.toFixed(1)} ms`);
      tf.dispose([...Object.values(w), x]);
    });
  }
}

await initBackend({ quiet: true });
await convs();
await maxPools();
await denseGrads();
await lenetBackward();
