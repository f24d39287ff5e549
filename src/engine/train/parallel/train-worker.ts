/**
 * Worker-thread replica of data-parallel training: rebuilds the model on its own backend, then for every step takes
 * the main thread's current weights and a shard of the batch and returns the gradients of the shard's summed
 * cross-entropy (training mode: dropout on, BatchNorm on batch statistics) plus its BatchNorm moving statistics.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendRequest } from '../../backend/index.js';
import { layersOfKind, logitsModel } from '../../graph/index.js';
import { modelFromTransfer } from '../../models/artifacts.js';
import type { TrainInitMessage, TrainStepMessage, TrainWorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');

function post(msg: TrainWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

interface Replica { model: tf.LayersModel; vars: tf.Variable[]; all: tf.Variable[]; nonTrainable: tf.Variable[]; dropout: Array<{ seed?: number }> }
let replica: Replica | undefined;

async function init(m: TrainInitMessage): Promise<void> {
  replica?.model.dispose();
  replica = undefined;
  await initBackend({ backend: m.backend as BackendRequest, quiet: true });
  const model = await modelFromTransfer(m);
  const byName = new Map(model.weights.map((w) => [w.originalName, w.read() as tf.Variable]));
  const vars = m.trainable.map((n) => {
    const v = byName.get(n);
    if (!v) throw new Error(`the rebuilt model has no weight ${n}`);
    return v;
  });
  replica = {
    model, vars,
    all: model.weights.map((w) => w.read() as tf.Variable),
    nonTrainable: model.weights.filter((w) => !w.trainable).map((w) => w.read() as tf.Variable),
    dropout: layersOfKind(model, 'dropout') as unknown as Array<{ seed?: number }>,
  };
  post({ type: 'ready' });
}

function own(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

function step(m: TrainStepMessage): void {
  const r = replica;
  if (!r) throw new Error('train-worker got a step before init');
  r.all.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(m.weights[i]!, v.shape, 'float32'))));
  r.dropout.forEach((l, i) => { l.seed = m.dropoutSeeds[i]; });
  const head = logitsModel(r.model);
  const n = m.labels.length;
  const xs = tf.tensor4d(m.images, [n, ...m.shape]);
  const ys = tf.tensor1d(m.labels, 'int32');
  let correct = 0;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const z = head.apply(xs, true);
      correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), ys), 'float32')).dataSync()[0]!);
      return tf.tidy(() => tf.sum(tf.losses.softmaxCrossEntropy(tf.oneHot(ys, head.units), z, undefined, undefined, tf.Reduction.NONE)) as tf.Scalar);
    }, r.vars);
    const out = r.vars.map((v) => own(grads[v.name]!.dataSync() as Float32Array));
    const lossSum = value.dataSync()[0]!;
    tf.dispose([value, grads]);
    const nonTrainable = r.nonTrainable.map((v) => own(v.dataSync() as Float32Array));
    post({ type: 'grads', grads: out, lossSum, correct, nonTrainable }, [...out, ...nonTrainable].map((a) => a.buffer as ArrayBuffer));
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

port.on('message', (m: TrainInitMessage | TrainStepMessage) => {
  const run = async (): Promise<void> => {
    if (m.type === 'init') await init(m);
    else step(m);
  };
  run().catch((e: unknown) => {
    const err = e as Error & { code?: string; hint?: string };
    post({ type: 'error', message: err.message ?? String(e), ...(err.stack ? { stack: err.stack } : {}), ...(err.code ? { code: err.code } : {}), ...(err.hint ? { hint: err.hint } : {}) });
  });
});
