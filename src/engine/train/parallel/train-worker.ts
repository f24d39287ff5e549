/**
 * Worker-thread replica of data-parallel training: rebuilds the model on its own backend, then serves steps from the
 * shared buffers (protocol.ts) until told to stop: for every step it takes the main thread's current weights and a
 * shard of the batch and writes the gradients of the shard's summed cross-entropy (training mode: dropout on,
 * BatchNorm on batch statistics) plus its BatchNorm moving statistics.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendRequest } from '../../backend/index.js';
import { layersOfKind, logitsModel } from '../../graph/index.js';
import { groupedLogits } from '../loss.js';
import { modelFromTransfer } from '../../models/artifacts.js';
import { CTL, type ReplicaBuffers, type TrainInitMessage, type TrainWorkerMessage } from './protocol.js';
import { waitForChange } from './spin-wait.js';
import type { Said } from '../../messages/entry.js';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');

function post(msg: TrainWorkerMessage): void {
  port!.postMessage(msg);
}

interface Replica {
  model: tf.LayersModel; vars: tf.Variable[]; all: tf.Variable[]; nonTrainable: tf.Variable[];
  dropout: Array<{ seed?: number }>; shape: [number, number, number]; buffers: ReplicaBuffers; spinMs: number;
  groups?: tf.Tensor2D;
}

async function init(m: TrainInitMessage): Promise<Replica> {
  await initBackend({ backend: m.backend as BackendRequest, quiet: true });
  const model = await modelFromTransfer(m);
  const byName = new Map(model.weights.map((w) => [w.originalName, w.read() as tf.Variable]));
  const vars = m.trainable.map((n) => {
    const v = byName.get(n);
    if (!v) throw new Error(`the rebuilt model has no weight ${n}`);
    return v;
  });
  return {
    model, vars, shape: m.shape, buffers: m.buffers, spinMs: m.spinMs,
    ...(m.groups ? { groups: tf.tensor2d(m.groups, [logitsModel(model).units, logitsModel(model).units]) } : {}),
    all: model.weights.map((w) => w.read() as tf.Variable),
    nonTrainable: model.weights.filter((w) => !w.trainable).map((w) => w.read() as tf.Variable),
    dropout: layersOfKind(model, 'dropout') as unknown as Array<{ seed?: number }>,
  };
}

/** Copy each tensor's values into `out`, one after another. */
function writeAll(ts: tf.Tensor[], out: Float32Array): void {
  let off = 0;
  for (const t of ts) {
    out.set(t.dataSync() as Float32Array, off);
    off += t.size;
  }
}

function step(r: Replica): void {
  const b = r.buffers;
  let off = 0;
  for (const v of r.all) {
    tf.tidy(() => v.assign(tf.tensor(b.weights.subarray(off, off + v.size), v.shape, 'float32')));
    off += v.size;
  }
  r.dropout.forEach((l, i) => { l.seed = b.seeds[i]; });
  const head = logitsModel(r.model);
  const n = Atomics.load(b.control, CTL.SIZE);
  const per = r.shape[0] * r.shape[1] * r.shape[2];
  const xs = tf.tensor4d(b.images.subarray(0, n * per), [n, ...r.shape]);
  const ys = tf.tensor1d(b.labels.subarray(0, n), 'int32');
  try {
    let correct = 0;
    const { value, grads } = tf.variableGrads(() => {
      const z = groupedLogits(head.apply(xs, true), ys, r.groups);
      correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), ys), 'float32')).dataSync()[0]!);
      return tf.tidy(() => tf.sum(tf.losses.softmaxCrossEntropy(tf.oneHot(ys, head.units), z, undefined, undefined, tf.Reduction.NONE)) as tf.Scalar);
    }, r.vars);
    try {
      writeAll(r.vars.map((v) => grads[v.name]!), b.grads);
      b.scalars[0] = value.dataSync()[0]!;
      b.scalars[1] = correct;
    } finally {
      tf.dispose([value, grads]);
    }
    writeAll(r.nonTrainable, b.nonTrainable);
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

/** Serve steps until REQUEST is -1 or a step fails (then STATUS is 1 and the error goes out as a message). */
function serve(r: Replica): void {
  const c = r.buffers.control;
  // Steps are numbered from 1 in fresh buffers; a stop (-1) may already be there if train() ended before any step.
  let last = 0;
  for (;;) {
    const request = waitForChange(c, CTL.REQUEST, last, r.spinMs);
    if (request < 0) break;
    last = request;
    try {
      step(r);
      Atomics.store(c, CTL.STATUS, 0);
    } catch (e) {
      Atomics.store(c, CTL.STATUS, 1);
      Atomics.store(c, CTL.DONE, request);
      Atomics.notify(c, CTL.DONE);
      postError(e);
      return;
    }
    Atomics.store(c, CTL.DONE, request);
    Atomics.notify(c, CTL.DONE);
  }
  post({ type: 'stopped' });
}

function postError(e: unknown): void {
  const err = e as Error & { code?: string; said?: Said };
  post({ type: 'error', message: err.message ?? String(e), ...(err.stack ? { stack: err.stack } : {}), ...(err.code ? { code: err.code } : {}), ...(err.said ? { said: err.said } : {}) });
}

let current: Replica | undefined;

port.on('message', (m: TrainInitMessage) => {
  if (m.type !== 'init') return;
  current?.model.dispose();
  current?.groups?.dispose();
  current = undefined;
  init(m).then((r) => {
    current = r;
    post({ type: 'ready' });
    // Leave the message handler first, so 'ready' is on its way before the step loop blocks this thread.
    setImmediate(() => serve(r));
  }).catch(postError);
});
