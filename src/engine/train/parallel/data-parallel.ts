/**
 * Data-parallel training steps: each batch is cut into one contiguous shard per replica (the main thread and
 * `workers - 1` worker threads, each with its own backend, since wasm has no threads in Node). Every replica computes
 * the gradient of its shard's summed cross-entropy on the same weights; the main thread adds them in replica order,
 * divides by the batch size, adds the gradient of the extra loss terms (computed once, on the main thread), masks,
 * takes one Adam step and restores frozen entries. BatchNorm moving statistics are the shard-size-weighted mean of
 * the replicas' updates (for the moving mean this equals the full-batch update). Fixed order everywhere: a given
 * worker count gives the same bytes run after run (a different count gives a different, equally valid run).
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { SemsliceError, type ErrorCode } from '../../errors.js';
import type { LogitsModel } from '../../graph/index.js';
import { modelToTransfer } from '../../models/artifacts.js';
import { siblingModule, startModuleWorker, WorkerPool } from '../../worker-thread.js';
import type { StepResult } from '../step.js';
import type { WeightPlan } from '../weight-plan.js';
import type { TrainInitMessage, TrainStepMessage, TrainWorkerMessage } from './protocol.js';
import { readTidy } from '../../read-tidy.js';

type GradsReply = Extract<TrainWorkerMessage, { type: 'grads' }>;

/** Replica workers kept for the next train() (start-up costs 1-3 s). */
const pool = new WorkerPool(() => startModuleWorker(siblingModule(import.meta.url, 'train-worker')));

/**
 * Terminate idle training workers (they are unref'd, so a process exits without this).
 *
 * @example
 * await train(model, data, { workers: 2 }); await closeTrainWorkers();
 */
export async function closeTrainWorkers(): Promise<void> {
  await pool.close();
}

function workerError(m: Extract<TrainWorkerMessage, { type: 'error' }>): Error {
  if (m.code) return new SemsliceError(m.code as ErrorCode, m.message, m.hint);
  const e = new Error(`training worker failed: ${m.message}`);
  if (m.stack) e.stack = m.stack;
  return e;
}

/** One replica worker with a promise-based request/answer channel. */
class Replica {
  private pending: { resolve: (m: TrainWorkerMessage) => void; reject: (e: unknown) => void } | undefined;
  failed: unknown;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: TrainWorkerMessage) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.type === 'error') p?.reject(workerError(m));
      else p?.resolve(m);
    });
    worker.on('error', (e) => { this.failed = e; this.pending?.reject(e); this.pending = undefined; });
  }

  request(msg: TrainInitMessage | TrainStepMessage, transfer: ArrayBuffer[] = []): Promise<TrainWorkerMessage> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg, transfer);
    });
  }
}

/** Contiguous shard sizes of a batch of n over r replicas (the first ones take the remainder). */
export function shardSizes(n: number, r: number): number[] {
  const base = Math.floor(n / r);
  return Array.from({ length: r }, (_, i) => base + (i < n % r ? 1 : 0));
}

export interface DataParallelStepper {
  step(xs: tf.Tensor4D, ys: tf.Tensor1D, dropoutSeeds: () => number[]): Promise<StepResult>;
  close(): Promise<void>;
}

/**
 * Start `workers - 1` replica workers for a model and return its data-parallel step.
 *
 * @example
 * const dp = await startDataParallel(model, head, plan, optimizer, 2, extraLoss);
 * const r = await dp.step(xs, ys, () => seeds); await dp.close();
 */
export async function startDataParallel(
  model: tf.LayersModel, head: LogitsModel, plan: WeightPlan, optimizer: tf.Optimizer, workers: number, extraLoss?: () => tf.Scalar,
): Promise<DataParallelStepper> {
  const transfer = await modelToTransfer(model);
  const names = new Map(model.weights.map((w) => [(w.read() as tf.Variable).name, w.originalName]));
  const init: TrainInitMessage = { type: 'init', backend: tf.getBackend(), ...transfer, trainable: plan.varList.map((v) => names.get(v.name)!) };
  const replicas = pool.acquire(workers - 1).map((w) => new Replica(w));
  let broken = false;
  try {
    await Promise.all(replicas.map((r) => r.request(init)));
  } catch (e) {
    await pool.release(replicas.map((r) => r.worker), false);
    throw e;
  }
  const all = model.weights.map((w) => w.read() as tf.Variable);
  const nonTrainable = model.weights.filter((w) => !w.trainable).map((w) => w.read() as tf.Variable);
  const shape = model.inputs[0]!.shape.slice(1) as [number, number, number];

  async function step(xs: tf.Tensor4D, ys: tf.Tensor1D, dropoutSeeds: () => number[]): Promise<StepResult> {
    const n = ys.shape[0];
    const sizes = shardSizes(n, replicas.length + 1);
    const weights = all.map((v) => v.dataSync() as Float32Array);
    // Shards 1.. go to the workers first, so they compute while the main thread does shard 0.
    const answers: Array<Promise<TrainWorkerMessage>> = [];
    let off = sizes[0]!;
    replicas.forEach((r, k) => {
      const size = sizes[k + 1]!;
      const seeds = dropoutSeeds();
      if (size === 0) { answers.push(Promise.resolve({ type: 'grads', grads: [], lossSum: 0, correct: 0, nonTrainable: [] })); return; }
      const images = readTidy(() => xs.slice([off, 0, 0, 0], [size, -1, -1, -1]));
      const labels = readTidy<Int32Array>(() => ys.slice([off], [size]));
      off += size;
      answers.push(r.request({ type: 'step', weights, images, labels, shape, dropoutSeeds: seeds }, [images.buffer as ArrayBuffer, labels.buffer as ArrayBuffer]));
    });
    let correct0: tf.Scalar | undefined;
    const n0 = sizes[0]!;
    const { value, grads } = tf.variableGrads(() => {
      const x0 = n0 === n ? xs : xs.slice([0, 0, 0, 0], [n0, -1, -1, -1]);
      const y0 = n0 === n ? ys : ys.slice([0], [n0]);
      const z = head.apply(x0, true);
      correct0 = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), y0), 'float32')) as tf.Scalar);
      const ce = tf.div(tf.sum(tf.losses.softmaxCrossEntropy(tf.oneHot(y0, head.units), z, undefined, undefined, tf.Reduction.NONE)), n) as tf.Scalar;
      return extraLoss ? tf.add(ce, extraLoss()) as tf.Scalar : ce;
    }, plan.varList);
    let replies: GradsReply[];
    try {
      replies = (await Promise.all(answers)) as GradsReply[];
    } catch (e) {
      tf.dispose([value, grads, correct0!]);
      throw e;
    }
    const live = replies.map((r, k) => ({ r, size: sizes[k + 1]! })).filter((x) => x.size > 0);
    const combined: tf.NamedTensorMap = tf.tidy(() => {
      const out: tf.NamedTensorMap = {};
      plan.varList.forEach((v, i) => {
        let g = grads[v.name]!;
        for (const { r } of live) g = tf.add(g, tf.div(tf.tensor(r.grads[i]!, v.shape, 'float32'), n));
        out[v.name] = g;
      });
      return out;
    });
    // BatchNorm moving statistics: the shard-size-weighted mean of every replica's update.
    if (nonTrainable.length && live.length) {
      tf.tidy(() => nonTrainable.forEach((v, j) => {
        let acc = tf.mul(v, n0 / n);
        for (const { r, size } of live) acc = tf.add(acc, tf.mul(tf.tensor(r.nonTrainable[j]!, v.shape, 'float32'), size / n));
        v.assign(acc);
      }));
    }
    try {
      tf.tidy(() => optimizer.applyGradients(plan.maskGradients(combined)));
    } finally {
      tf.dispose([grads, combined]);
    }
    plan.restore();
    const lossSum = live.reduce((a, { r }) => a + r.lossSum, 0);
    const correct = live.reduce((a, { r }) => a + r.correct, 0);
    const loss = tf.tidy(() => tf.add(value, lossSum / n) as tf.Scalar);
    const hits = tf.tidy(() => tf.add(correct0!, correct) as tf.Scalar);
    tf.dispose([value, correct0!]);
    return { loss, correct: hits };
  }

  return {
    step: async (xs, ys, seeds) => {
      try {
        return await step(xs, ys, seeds);
      } catch (e) {
        broken = true;
        throw e;
      }
    },
    // A worker whose step failed may hold a half-finished answer: it is not reused.
    close: async () => { await pool.release(replicas.map((r) => r.worker), !broken && replicas.every((r) => !r.failed)); },
  };
}
