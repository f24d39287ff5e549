/**
 * Worker-thread entry of parallel profiling: on `init`, rebuilds the model from its topology and weights and
 * initialises its own backend (same kind as the main thread's, with semslice's wasm kernels); then answers each
 * `batch` with its block (profile-batch.ts layout), tagged with the batch's global index.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendRequest } from '../../../backend/index.js';
import { siteReads } from '../../../graph/index.js';
import { modelFromTransfer } from '../../../models/artifacts.js';
import { batchStats, createBatchContext, disposeBatchContext, type BatchContext } from '../batch.js';
import type { BatchMessage, InitMessage, MainMessage, WorkerMessage } from './protocol.js';
import type { Said } from '../../../messages/entry.js';

const port = parentPort;
if (!port) throw new Error('profile-worker must run in a worker thread');

function post(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

let state: { ctx: BatchContext; shape: [number, number, number] } | undefined;

async function init(m: InitMessage): Promise<void> {
  // A reused worker: drop the previous profile's model first.
  if (state) {
    disposeBatchContext(state.ctx);
    state.ctx.model.dispose();
    state = undefined;
  }
  await initBackend({ backend: m.backend as BackendRequest, quiet: true });
  const model = await modelFromTransfer(m);
  const sites = siteReads(model).map((r) => r.site);
  if (sites.map((s) => s.name).join() !== m.siteNames.join()) {
    throw new Error(`rebuilt model has sites ${sites.map((s) => s.name).join()} instead of ${m.siteNames.join()}`);
  }
  const ctx = await createBatchContext(model, sites, m.sampleShape, { numClasses: m.numClasses, needGrad: m.needGrad, onlyCorrect: m.onlyCorrect });
  state = { ctx, shape: m.sampleShape };
  post({ type: 'ready' });
}

async function batch(m: BatchMessage): Promise<void> {
  if (!state) throw new Error('profile-worker got a batch before init');
  const b = m.labels.length;
  const xs = tf.tensor4d(m.images, [b, ...state.shape]);
  const ys = tf.tensor1d(m.labels, 'int32');
  let block: Float32Array;
  try {
    block = await batchStats(state.ctx, xs, ys);
  } finally {
    xs.dispose();
    ys.dispose();
  }
  // Own buffer, exactly sized, so it can be transferred without copying the rest of a heap.
  const own = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength ? block : block.slice();
  post({ type: 'block', index: m.index, block: own }, [own.buffer as ArrayBuffer]);
}

function reportError(e: unknown): void {
  const err = e as { name?: string; code?: string; message?: string; said?: Said; stack?: string };
  const msg: WorkerMessage = { type: 'error', name: err.name ?? 'Error', message: err.message ?? String(e) };
  if (err.code !== undefined) msg.code = err.code;
  if (err.said !== undefined) msg.said = err.said;
  if (err.stack !== undefined) msg.stack = err.stack;
  post(msg);
}

// Messages are handled in arrival order; a batch that arrives while init is still running waits for it.
let chain: Promise<void> = Promise.resolve();
port.on('message', (m: MainMessage) => {
  chain = chain.then(() => (m.type === 'init' ? init(m) : batch(m))).catch(reportError);
});
