import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, initBackend, nativeAddon } from '../../../src/engine/backend/index.js';
import { adam, FusedAdam } from '../../../src/engine/train/adam.js';
import { Rng } from '../../../src/engine/rng.js';

/**
 * Five Adam steps on three variables with seeded gradients; the final bytes of weights and moments. With `folded`,
 * each step also has other replicas' gradients (one flat tensor, divided by 64) and a 0/1 mask on two variables:
 * FusedAdam.step takes them as extras, the stock optimizer gets (grad + extra / 64) * mask as tensor ops.
 */
async function run(make: () => tf.Optimizer, folded = false): Promise<Float32Array[]> {
  const rng = new Rng(3);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const shapes = [[5, 5, 1, 6], [6], [400, 120]];
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(rand(s.reduce((a, b) => a * b)), s), true, `adam-test-${i}-${Math.random()}`)));
  const opt = make();
  const masks = new Map(vars.slice(0, 2).map((v) => [v.name, tf.tensor(Float32Array.from({ length: v.size }, () => (rng.normal() > 0 ? 1 : 0)), v.shape)]));
  for (let step = 0; step < 5; step++) {
    const grads = Object.fromEntries(vars.map((v) => [v.name, tf.tensor(rand(v.size), v.shape)]));
    if (!folded) opt.applyGradients(grads);
    else {
      const total = vars.reduce((a, v) => a + v.size, 0);
      const values = tf.tensor1d(rand(total));
      const offsets = new Map<string, number>();
      vars.reduce((off, v) => { offsets.set(v.name, off); return off + v.size; }, 0);
      // Not instanceof: tf.Optimizer's Symbol.hasInstance accepts any optimizer.
      if (Object.getPrototypeOf(opt) === FusedAdam.prototype) (opt as FusedAdam).step(grads, { addend: { values, offsets, divisor: 64 }, masks });
      else {
        tf.tidy(() => opt.applyGradients(Object.fromEntries(vars.map((v) => {
          const g = tf.add(grads[v.name]!, tf.div(tf.reshape(tf.slice(values, offsets.get(v.name)!, v.size), v.shape), 64));
          const m = masks.get(v.name);
          return [v.name, m ? tf.mul(g, m) : g];
        }))));
      }
      values.dispose();
    }
    tf.dispose(Object.values(grads));
  }
  tf.dispose([...masks.values()]);
  const weights = await opt.getWeights();
  const out = [...vars.map((v) => v.dataSync() as Float32Array), ...weights.slice(1).map((w) => w.tensor.dataSync() as Float32Array)];
  weights[0]!.tensor.dispose(); // the iteration count
  opt.dispose();
  tf.dispose(vars);
  return out;
}

describe('train: adam (one native call per variable where the addon is loaded)', () => {
  before(async () => { await initBackend({ backend: 'wasm', quiet: true }); });

  it('gives tf.train.adam\'s weights and moments bit for bit, and leaks no tensor', async function () {
    if (!nativeAddon()) this.skip();
    assert.ok(tf.getKernel(ADAM_KERNEL, 'wasm'), 'the one-call update is registered');
    const before = tf.memory().numTensors;
    const ours = await run(() => adam(1e-2));
    const stock = await run(() => tf.train.adam(1e-2));
    assert.equal(tf.memory().numTensors, before, 'tensor leak');
    assert.equal(ours.length, 9);
    ours.forEach((a, i) => assert.deepEqual(Buffer.from(a.buffer), Buffer.from(stock[i]!.buffer), `array ${i} differs`));
  });

  it('folds other replicas\' gradients and masks into the update exactly as the tensor ops would', async function () {
    if (!nativeAddon()) this.skip();
    const before = tf.memory().numTensors;
    const ours = await run(() => adam(1e-2), true);
    const stock = await run(() => tf.train.adam(1e-2), true);
    assert.equal(tf.memory().numTensors, before, 'tensor leak');
    ours.forEach((a, i) => assert.deepEqual(Buffer.from(a.buffer), Buffer.from(stock[i]!.buffer), `array ${i} differs`));
  });

  it('falls back to the stock update on a backend without the kernel (cpu), extras included', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    try {
      for (const folded of [false, true]) {
        const ours = await run(() => adam(1e-2), folded);
        const stock = await run(() => tf.train.adam(1e-2), folded);
        ours.forEach((a, i) => assert.deepEqual(Buffer.from(a.buffer), Buffer.from(stock[i]!.buffer)));
      }
    } finally {
      await initBackend({ backend: 'wasm', quiet: true });
    }
  });
});
