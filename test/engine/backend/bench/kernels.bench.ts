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

await initBackend({ quiet: true });
await convs();
await maxPools();
