import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, initBackend, nativeAddon } from '../../../src/engine/backend/index.js';
import { adam } from '../../../src/engine/train/adam.js';
import { Rng } from '../../../src/engine/rng.js';

/** Five Adam steps on three variables with seeded gradients; the final bytes of weights and moments. */
async function run(make: () => tf.Optimizer): Promise<Float32Array[]> {
  const rng = new Rng(3);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const shapes = [[5, 5, 1, 6], [6], [400, 120]];
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(rand(s.reduce((a, b) => a * b)), s), true, `adam-test-${i}-${Math.random()}`)));
  const opt = make();
  for (let step = 0; step < 5; step++) {
    const grads = Object.fromEntries(vars.map((v) => [v.name, tf.tensor(rand(v.size), v.shape)]));
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
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

  it('falls back to the stock update on a backend without the kernel (cpu)', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    try {
      const ours = await run(() => adam(1e-2));
      const stock = await run(() => tf.train.adam(1e-2));
      ours.forEach((a, i) => assert.deepEqual(Buffer.from(a.buffer), Buffer.from(stock[i]!.buffer)));
    } finally {
      await initBackend({ backend: 'wasm', quiet: true });
    }
  });
});
