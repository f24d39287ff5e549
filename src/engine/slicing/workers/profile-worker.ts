/**
 * Worker-thread entry of parallel profiling: rebuilds the model from its topology and weights, initialises its own
 * backend (same kind as the main thread's, with semslice's wasm kernels), profiles its shard batch by batch and
 * posts each block (profile-batch.ts layout) back with its global batch index.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendRequest } from '../../backend/index.js';
import { siteReads } from '../sites.js';
import { batchStats, createBatchContext, disposeBatchContext } from '../profile-batch.js';
import type { StartMessage, WorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('profile-worker must run in a worker thread');

function post(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

async function run(m: StartMessage): Promise<void> {
  await initBackend({ backend: m.backend as BackendRequest, quiet: true });
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: m.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: m.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: m.weightData,
  }));
  const sites = siteReads(model).map((r) => r.site);
  if (sites.map((s) => s.name).join() !== m.siteNames.join()) {
    throw new Error(`rebuilt model has sites ${sites.map((s) => s.name).join()} instead of ${m.siteNames.join()}`);
  }
  const ctx = createBatchContext(model, sites, m.sampleShape, { numClasses: m.numClasses, needGrad: m.needGrad, onlyCorrect: m.onlyCorrect });
  const per = m.sampleShape[0] * m.sampleShape[1] * m.sampleShape[2];
  const n = m.labels.length;
  try {
    for (let s = 0, k = 0; s < n; s += m.batchSize, k++) {
      const b = Math.min(m.batchSize, n - s);
      const xs = tf.tensor4d(m.images.subarray(s * per, (s + b) * per), [b, ...m.sampleShape]);
      const ys = tf.tensor1d(m.labels.subarray(s, s + b), 'int32');
      let block: Float32Array;
      try {
        block = batchStats(ctx, xs, ys);
      } finally {
        xs.dispose();
        ys.dispose();
      }
      // Own buffer, exactly sized, so it can be transferred without copying the rest of a heap.
      const own = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength ? block : block.slice();
      post({ type: 'block', index: m.firstBatch + k, block: own }, [own.buffer as ArrayBuffer]);
    }
  } finally {
    disposeBatchContext(ctx);
    model.dispose();
  }
  post({ type: 'done' });
}

port.on('message', (m: StartMessage) => {
  run(m).catch((e: unknown) => {
    const err = e as { name?: string; code?: string; message?: string; hint?: string; stack?: string };
    const msg: WorkerMessage = { type: 'error', name: err.name ?? 'Error', message: err.message ?? String(e) };
    if (err.code !== undefined) msg.code = err.code;
    if (err.hint !== undefined) msg.hint = err.hint;
    if (err.stack !== undefined) msg.stack = err.stack;
    post(msg);
  });
});
