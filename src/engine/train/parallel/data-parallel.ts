/**
 * Data-parallel training steps: each batch is cut into one contiguous shard per replica (the main thread and
 * `workers - 1` worker threads, each with its own backend, since wasm has no threads in Node). Every replica computes
 * the gradient of its shard's summed cross-entropy on the same weights; the main thread's gradient (of its shard's
 * loss over the batch size, plus the extra loss terms, computed once there) gets the workers' sums (added in replica
 * order) divided by the batch size, then its mask, inside the optimizer's update (FusedAdam.step), and frozen
 * entries are restored. BatchNorm moving statistics are the shard-size-weighted mean of the replicas' updates (for
 * the moving mean this equals the full-batch update). Weights, shards and gradients travel through shared memory
 * (protocol.ts). Fixed order everywhere: a given worker count gives the same bytes run after run (a different count
 * gives a different, equally valid run).
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { SemsliceError, type ErrorCode } from '../../errors.js';
import { layersOfKind, type LogitsModel } from '../../graph/index.js';
import { modelToTransfer } from '../../models/artifacts.js';
import { siblingModule, startModuleWorker, WorkerPool } from '../../worker-thread.js';
import { groupedLogits } from '../loss.js';
import type { StepResult } from '../step.js';
import type { WeightPlan } from '../weight-plan.js';
import type { FusedAdam, GradientAddend } from '../adam.js';
import { CTL, replicaBuffers, sharedArray, type ReplicaBuffers, type TrainInitMessage, type TrainWorkerMessage } from './protocol.js';
import { spinFor, waitForValue } from './spin-wait.js';

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
  if (m.code && m.said) return new SemsliceError(m.code as ErrorCode, m.said);
  const e = new Error(`training worker failed: ${m.message}`);
  if (m.stack) e.stack = m.stack;
  return e;
}

/** One replica worker: its shared buffers and the messages it sends (set-up answers, errors). */
class Replica {
  private readonly inbox: TrainWorkerMessage[] = [];
  private waiting: { resolve: (m: TrainWorkerMessage) => void; reject: (e: unknown) => void } | undefined;
  failed: unknown;

  constructor(readonly worker: Worker, readonly buffers: ReplicaBuffers) {
    worker.on('message', (m: TrainWorkerMessage) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) {
        if (m.type === 'error') w.reject(workerError(m));
        else w.resolve(m);
      } else this.inbox.push(m);
    });
    const failWith = (e: unknown) => { this.failed ??= e; this.waiting?.reject(this.failed); this.waiting = undefined; };
    worker.on('error', failWith);
    // A worker that ends without an error (terminated, process.exit) must not leave a step waiting for it.
    this.onExit = (code: number) => failWith(new Error(`training worker exited (code ${code})`));
    worker.on('exit', this.onExit);
  }

  private readonly onExit: (code: number) => void;

  /** Stop listening for the worker's exit (before it goes back to the pool or is terminated). */
  detach(): void {
    this.worker.off('exit', this.onExit);
  }

  /** The next message (an error message rejects). */
  next(): Promise<TrainWorkerMessage> {
    const m = this.inbox.shift();
    if (m) return m.type === 'error' ? Promise.reject(workerError(m)) : Promise.resolve(m);
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => { this.waiting = { resolve, reject }; });
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

const total = (vs: tf.Variable[]) => vs.reduce((a, v) => a + v.size, 0);

/**
 * Start `workers - 1` replica workers for a model and return its data-parallel step; `batchSize` bounds the shards.
 *
 * @example
 * const dp = await startDataParallel(model, head, plan, optimizer, 2, 64, extraLoss);
 * const r = await dp.step(xs, ys, () => seeds); await dp.close();
 */
export async function startDataParallel(
  model: tf.LayersModel, head: LogitsModel, plan: WeightPlan, optimizer: FusedAdam, workers: number, batchSize: number, extraLoss?: () => tf.Scalar,
  groups?: { table: Float32Array; tensor: tf.Tensor2D },
): Promise<DataParallelStepper> {
  const transfer = await modelToTransfer(model);
  const names = new Map(model.weights.map((w) => [(w.read() as tf.Variable).name, w.originalName]));
  const all = model.weights.map((w) => w.read() as tf.Variable);
  const nonTrainable = model.weights.filter((w) => !w.trainable).map((w) => w.read() as tf.Variable);
  const shape = model.inputs[0]!.shape.slice(1) as [number, number, number];
  const perSample = shape[0] * shape[1] * shape[2];
  const maxShard = Math.ceil(batchSize / workers);
  const dropoutCount = layersOfKind(model, 'dropout').length;
  const weights = sharedArray(Float32Array, total(all));
  const bufferSizes = { shardSamples: maxShard, sampleSize: perSample, dropoutLayers: dropoutCount, trainable: total(plan.varList), nonTrainable: total(nonTrainable) };
  const spinMs = spinFor(workers);
  const replicas = pool.acquire(workers - 1).map((w) => new Replica(w, replicaBuffers(weights, bufferSizes)));
  let broken = false;
  try {
    await Promise.all(replicas.map((r) => {
      const init: TrainInitMessage = { type: 'init', backend: tf.getBackend(), ...transfer, trainable: plan.varList.map((v) => names.get(v.name)!), shape, buffers: r.buffers, spinMs, ...(groups ? { groups: groups.table } : {}) };
      r.worker.postMessage(init);
      return r.next();
    }));
  } catch (e) {
    for (const r of replicas) r.detach();
    await pool.release(replicas.map((r) => r.worker), false);
    throw e;
  }
  let request = 0;
  const gradOffsets = new Map<string, number>();
  plan.varList.reduce((off, v) => { gradOffsets.set(v.name, off); return off + v.size; }, 0);

  async function step(xs: tf.Tensor4D, ys: tf.Tensor1D, dropoutSeeds: () => number[]): Promise<StepResult> {
    const n = ys.shape[0];
    const sizes = shardSizes(n, replicas.length + 1);
    if (sizes[0]! > maxShard) throw new Error(`data-parallel step: batch of ${n} is larger than the ${batchSize} it was started for`);
    let off = 0;
    for (const v of all) {
      weights.set(v.dataSync() as Float32Array, off);
      off += v.size;
    }
    // Shards 1.. go to the workers first, so they compute while the main thread does shard 0.
    request++;
    let at = sizes[0]!;
    for (const [k, r] of replicas.entries()) {
      const size = sizes[k + 1]!;
      const b = r.buffers;
      b.seeds.set(dropoutSeeds());
      Atomics.store(b.control, CTL.SIZE, size);
      if (size > 0) {
        b.images.set(readNow(() => xs.slice([at, 0, 0, 0], [size, -1, -1, -1])));
        b.labels.set(readNow(() => ys.slice([at], [size])));
        at += size;
        Atomics.store(b.control, CTL.REQUEST, request);
        Atomics.notify(b.control, CTL.REQUEST);
      }
    }
    let correct0: tf.Scalar | undefined;
    const n0 = sizes[0]!;
    const { value, grads } = tf.variableGrads(() => {
      const x0 = n0 === n ? xs : xs.slice([0, 0, 0, 0], [n0, -1, -1, -1]);
      const y0 = n0 === n ? ys : ys.slice([0], [n0]);
      const z = groupedLogits(head.apply(x0, true), y0, groups?.tensor);
      correct0 = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), y0), 'float32')) as tf.Scalar);
      const ce = tf.div(tf.sum(tf.losses.softmaxCrossEntropy(tf.oneHot(y0, head.units), z, undefined, undefined, tf.Reduction.NONE)), n) as tf.Scalar;
      return extraLoss ? tf.add(ce, extraLoss()) as tf.Scalar : ce;
    }, plan.varList);
    const live = replicas.map((r, k) => ({ r, size: sizes[k + 1]! })).filter((x) => x.size > 0);
    try {
      for (const { r } of live) {
        await waitForValue(r.buffers.control, CTL.DONE, request, spinMs, () => r.failed);
        if (Atomics.load(r.buffers.control, CTL.STATUS) !== 0) await r.next(); // rejects with the worker's error
      }
    } catch (e) {
      tf.dispose([value, grads, correct0!]);
      throw e;
    }
    // The optimizer adds the workers' gradient sums (in replica order) over the batch size: g0 + (g_1 + ...) / n.
    let addend: GradientAddend | undefined;
    if (live.length) {
      const sum = live[0]!.r.buffers.grads.slice();
      for (const { r } of live.slice(1)) { const gr = r.buffers.grads; for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + gr[i]!; }
      addend = { values: tf.tensor1d(sum), offsets: gradOffsets, divisor: n };
    }
    // BatchNorm moving statistics: the shard-size-weighted mean of every replica's update.
    if (nonTrainable.length && live.length) {
      let nOff = 0;
      const w0 = Math.fround(n0 / n);
      for (const v of nonTrainable) {
        const acc = Float32Array.from(v.dataSync() as Float32Array, (x) => x * w0);
        live.forEach(({ r, size }) => {
          const wr = Math.fround(size / n);
          const nt = r.buffers.nonTrainable;
          for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + Math.fround(nt[nOff + i]! * wr);
        });
        tf.tidy(() => v.assign(tf.tensor(acc, v.shape, 'float32')));
        nOff += v.size;
      }
    }
    try {
      optimizer.step(grads, { ...(addend ? { addend } : {}), masks: plan.gradientMasks });
    } finally {
      tf.dispose([grads, addend?.values]);
    }
    plan.restore();
    const lossSum = live.reduce((a, { r }) => a + r.buffers.scalars[0]!, 0);
    const correct = live.reduce((a, { r }) => a + r.buffers.scalars[1]!, 0);
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
    close: async () => {
      let reuse = !broken && replicas.every((r) => !r.failed);
      if (reuse) {
        try {
          await Promise.all(replicas.map((r) => {
            Atomics.store(r.buffers.control, CTL.REQUEST, -1);
            Atomics.notify(r.buffers.control, CTL.REQUEST);
            return r.next();
          }));
        } catch {
          reuse = false;
        }
      }
      for (const r of replicas) r.detach();
      await pool.release(replicas.map((r) => r.worker), reuse);
    },
  };
}

/**
 * A tensor's values, read synchronously and the tensor disposed. The replicas run on CPU backends only, where a read
 * is a copy; reading each shard synchronously hands it to its worker at once (awaiting an asynchronous read per shard
 * made LeNet-5's two-replica training 0.83x as fast, bench/train.ts, BENCHMARKS.md).
 */
function readNow(f: () => tf.Tensor): Float32Array | Int32Array {
  const t = tf.tidy(f);
  try {
    return t.dataSync() as Float32Array | Int32Array;
  } finally {
    t.dispose();
  }
}
