import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { buildModel, modelFingerprint } from '../../../src/engine/models/index.js';
import { syntheticSync } from '../../../src/engine/data/index.js';
import { evaluate, train } from '../../../src/engine/train/index.js';
import { closeTrainWorkers, shardSizes } from '../../../src/engine/train/parallel/data-parallel.js';
import { resolveWorkers } from '../../../src/engine/train/workers.js';
import { CTL, replicaBuffers, sharedArray, type TrainWorkerMessage } from '../../../src/engine/train/parallel/protocol.js';
import { siblingModule, startModuleWorker } from '../../../src/engine/worker-thread.js';
import { modelToTransfer } from '../../../src/engine/models/artifacts.js';
import { SPIN_MS, spinFor } from '../../../src/engine/train/parallel/spin-wait.js';
import { availableParallelism } from 'node:os';
import type { ProgressEvent } from '../../../src/engine/log.js';

const SHAPE: [number, number, number] = [12, 12, 1];
const data = syntheticSync({ classes: 3, perClass: 40, shape: SHAPE, seed: 3 });
const lenet = (batchNorm = false) => buildModel(batchNorm ? 'vgg-small' : 'lenet5', { inputShape: SHAPE, numClasses: 3, seed: 4, width: 0.5, batchNorm });

describe('engine/train: data-parallel steps (main thread + worker replicas)', function () {
  this.timeout(120_000);
  before(async () => { await initBackend({ backend: 'wasm', quiet: true }); });
  after(async () => { await closeTrainWorkers(); });

  it('spins only while every replica has a core of its own', () => {
    assert.equal(spinFor(1), SPIN_MS);
    assert.equal(spinFor(availableParallelism()), SPIN_MS);
    assert.equal(spinFor(availableParallelism() + 1), 0);
  });

  it('shards a batch contiguously, the first replicas taking the remainder', () => {
    assert.deepEqual(shardSizes(64, 2), [32, 32]);
    assert.deepEqual(shardSizes(7, 2), [4, 3]);
    assert.deepEqual(shardSizes(1, 2), [1, 0]);
    assert.deepEqual(shardSizes(10, 3), [4, 3, 3]);
  });

  it('a given worker count gives the same bytes run after run; it learns like one thread; no leaks', async () => {
    const run = async (workers: number) => {
      const m = lenet();
      const base = tf.memory().numTensors;
      const events: ProgressEvent[] = [];
      const h = await train(m, data.train, { epochs: 3, batchSize: 16, seed: 7, workers, learningRate: 3e-3, onProgress: (e) => events.push(e) });
      assert.equal(tf.memory().numTensors, base, 'no tensors left on the main thread');
      assert.equal(h.workers, workers);
      assert.equal(events.length, 3 * Math.ceil(data.train.size / 16));
      assert.equal(h.steps!.length, events.length, 'one recorded step per batch');
      const meanOfSteps = h.steps!.filter((s) => s.epoch === 3).reduce((a, s, i, all) => a + s.loss / all.length, 0);
      assert.ok(Math.abs(meanOfSteps - h.epochs[2]!.loss) < 0.05 * h.epochs[2]!.loss, 'per-step losses agree with the epoch loss');
      const r = { fp: await modelFingerprint(m), acc: (await evaluate(m, data.test)).accuracy, loss: h.epochs.map((e) => e.loss) };
      m.dispose();
      return r;
    };
    const a = await run(2), b = await run(2), one = await run(1);
    assert.equal(a.fp, b.fp, 'two runs with 2 workers: same weights');
    assert.deepEqual(a.loss, b.loss);
    assert.notEqual(a.fp, one.fp, 'a different replica count is a different (valid) run');
    assert.ok(a.loss[2]! < a.loss[0]!, `loss falls: ${a.loss}`);
    assert.ok(Math.abs(a.acc - one.acc) < 0.15, `2 workers ${a.acc} vs 1 thread ${one.acc}`);
  });

  it('the loss of the first step equals the one-thread loss (same weights, same batch)', async () => {
    const first = async (workers: number) => {
      const m = lenet();
      const h = await train(m, data.train.take(16), { epochs: 1, batchSize: 16, seed: 1, workers, shuffle: false });
      m.dispose();
      return h.epochs[0]!.loss;
    };
    const [a, b] = [await first(2), await first(1)];
    assert.ok(Math.abs(a - b) < 1e-5 * Math.abs(b), `${a} vs ${b}`);
  });

  it('keeps masked and frozen weights bit-identical, BatchNorm statistics included, and adds the extra loss', async () => {
    const m = lenet(true);
    const kernel = m.weights.find((w) => w.originalName === 'conv2/kernel')!;
    const mask = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(kernel.shape as number[], 0, 1, 'float32', 9), 0.5), 'float32'));
    const before = kernel.read().dataSync().slice();
    const frozen = m.weights.find((w) => w.originalName === 'conv1_bn/moving_mean')!;
    const frozenBefore = frozen.read().dataSync().slice();
    const moving = m.weights.find((w) => w.originalName === 'conv2_bn/moving_mean')!;
    const movingBefore = moving.read().dataSync().slice();
    let calls = 0;
    const h = await train(m, data.train, {
      epochs: 1, batchSize: 16, seed: 2, workers: 2,
      gradientMasks: { 'conv2/kernel': mask },
      trainable: (n) => !n.startsWith('conv1_bn/'),
      extraLoss: () => { calls++; return tf.mul(tf.sum(tf.square(kernel.read())), 1e-3) as tf.Scalar; },
    });
    const after = kernel.read().dataSync();
    const keep = mask.dataSync();
    let moved = 0;
    for (let i = 0; i < before.length; i++) {
      if (keep[i] === 0) assert.equal(after[i], before[i], `masked entry ${i} moved`);
      else if (after[i] !== before[i]) moved++;
    }
    assert.ok(moved > 0, 'unmasked entries train');
    assert.deepEqual(Array.from(frozen.read().dataSync()), Array.from(frozenBefore), 'frozen BN statistics are bit-identical');
    assert.notDeepEqual(Array.from(moving.read().dataSync()), Array.from(movingBefore), 'other BN statistics move');
    assert.equal(calls, Math.ceil(data.train.size / 16), 'the extra loss runs once per step, on the main thread');
    assert.equal(h.workers, 2);
    mask.dispose();
    m.dispose();
  });

  it('aborts between steps like one thread', async () => {
    const m = lenet();
    const ac = new AbortController();
    let n = 0;
    await assert.rejects(train(m, data.train, { epochs: 2, batchSize: 16, workers: 2, signal: ac.signal, onProgress: () => { if (++n === 3) ac.abort(); } }),
      (e: Error & { code?: string }) => e.code === 'ABORTED');
    m.dispose();
  });

  it('stops cleanly when training ends before the first step (the worker may not have entered its step loop yet)', async () => {
    for (let i = 0; i < 3; i++) {
      const m = lenet();
      await assert.rejects(train(m, data.train, { epochs: 1, batchSize: 16, workers: 2, signal: AbortSignal.abort() }),
        (e: Error & { code?: string }) => e.code === 'ABORTED');
      m.dispose();
    }
    const m = lenet();
    const h = await train(m, data.train.take(32), { epochs: 1, batchSize: 16, workers: 2 });
    assert.equal(h.workers, 2, 'the pooled worker serves the next run');
    m.dispose();
  });

  it('a failing worker step comes back as an error message with STATUS 1, and the worker leaves its step loop', async () => {
    const m = lenet();
    const worker = startModuleWorker(siblingModule(new URL('../../../src/engine/train/parallel/data-parallel.ts', import.meta.url).href, 'train-worker'));
    const messages: TrainWorkerMessage[] = [];
    const next = () => new Promise<TrainWorkerMessage>((resolve) => worker.once('message', (msg: TrainWorkerMessage) => { messages.push(msg); resolve(msg); }));
    try {
      const total = (ws: tf.LayerVariable[]) => ws.reduce((a, w) => a + w.read().size, 0);
      const buffers = replicaBuffers(sharedArray(Float32Array, total(m.weights)),
        { shardSamples: 4, sampleSize: 144, dropoutLayers: 0, trainable: total(m.trainableWeights), nonTrainable: 0 });
      let off = 0;
      for (const w of m.weights) { buffers.weights.set(w.read().dataSync() as Float32Array, off); off += w.read().size; }
      const ready = next();
      worker.postMessage({ type: 'init', backend: 'wasm', ...(await modelToTransfer(m)), trainable: m.trainableWeights.map((w) => w.originalName), shape: SHAPE, buffers, spinMs: 4 });
      assert.equal((await ready).type, 'ready');
      // A shard of 9 samples where the buffers hold 4: the worker cannot build its batch.
      const failed = next();
      Atomics.store(buffers.control, CTL.SIZE, 9);
      Atomics.store(buffers.control, CTL.REQUEST, 1);
      Atomics.notify(buffers.control, CTL.REQUEST);
      const err = await failed;
      assert.equal(err.type, 'error');
      assert.equal(Atomics.load(buffers.control, CTL.DONE), 1);
      assert.equal(Atomics.load(buffers.control, CTL.STATUS), 1);
      // Out of the step loop: it answers messages again (a new init).
      const again = next();
      worker.postMessage({ type: 'init', backend: 'wasm', ...(await modelToTransfer(m)), trainable: m.trainableWeights.map((w) => w.originalName), shape: SHAPE, buffers, spinMs: 4 });
      assert.equal((await again).type, 'ready');
      Atomics.store(buffers.control, CTL.REQUEST, -1);
      Atomics.notify(buffers.control, CTL.REQUEST);
    } finally {
      await worker.terminate();
      m.dispose();
    }
  });

  it("'auto' uses 2 replicas only where it pays, and SEMSLICE_TRAIN_WORKERS overrides it", () => {
    const big = { requested: 'auto' as const, batchSize: 64, samples: 60_000, parameters: 61_706, convolutional: true };
    assert.equal(resolveWorkers(big), 2);
    assert.equal(resolveWorkers({ ...big, samples: 500 }), 1);
    assert.equal(resolveWorkers({ ...big, batchSize: 16 }), 1);
    assert.equal(resolveWorkers({ ...big, parameters: 5_000 }), 1);
    assert.equal(resolveWorkers({ ...big, convolutional: false }), 1, 'a dense-only model stays on one thread');
    assert.equal(resolveWorkers({ ...big, requested: 1 }), 1);
    process.env['SEMSLICE_TRAIN_WORKERS'] = '1';
    try {
      assert.equal(resolveWorkers(big), 1);
      process.env['SEMSLICE_TRAIN_WORKERS'] = 'two';
      assert.throws(() => resolveWorkers(big), (e: Error & { code?: string }) => e.code === 'BAD_TRAIN_OPTIONS' && /SEMSLICE_TRAIN_WORKERS/.test(e.message));
    } finally {
      delete process.env['SEMSLICE_TRAIN_WORKERS'];
    }
  });
});
