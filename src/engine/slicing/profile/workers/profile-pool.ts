/**
 * Parallel profiling: the main thread plus `workers - 1` worker threads, each with its own backend (wasm has no
 * threads in Node). Batches come from the same grid as in-process (batches of batchSize in view order) and are
 * handed out one at a time to whichever thread is free (the main thread starts at once, workers join when they
 * have started); blocks come back tagged with their global batch index and are merged strictly in that order, so
 * the statistics are byte-identical to the in-process run on the same backend, for any worker count.
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../../../errors.js';
import type { ErrorCode } from '../../../errors.js';
import { siblingModule, startModuleWorker, WorkerPool } from '../../../worker-thread.js';
import { modelToTransfer } from '../../../models/artifacts.js';
import { arrayBatchStats, batchArrays, runInProcess, throwIfAborted, type BlockRunner } from '../run.js';
import { createBatchContext, disposeBatchContext } from '../batch.js';
import type { InitMessage, WorkerMessage } from './protocol.js';

/** A profile worker (compiled JS or, under tsx, the TypeScript source). */
export function startWorker(): Worker {
  return startModuleWorker(siblingModule(import.meta.url, 'profile-worker'));
}

function workerError(m: WorkerMessage & { type: 'error' }): Error {
  // The worker threw a SemsliceError of ours: its code and words cross over as they are.
  if (m.code && m.said) return new SemsliceError(m.code as ErrorCode, m.said);
  const e = new Error(`profile worker failed: ${m.message}`);
  if (m.stack) e.stack = m.stack;
  return e;
}

/** Batches sent to a worker ahead of its answers, so it never waits for the (busy) main thread. */
const IN_FLIGHT = 2;

/**
 * Started workers kept for the next profile (start-up, mostly loading tfjs, costs 1-3 s). Idle workers are unref'd,
 * so they never keep the process alive; one that fails is terminated, not reused.
 */
const pool = new WorkerPool(startWorker);

/**
 * Terminate the idle profile workers (they are also unref'd, so a process exits without this).
 *
 * @example
 * await profile(model, data, { workers: 2 }); await closeProfileWorkers();
 */
export async function closeProfileWorkers(): Promise<void> {
  await pool.close();
}

export const runInWorkers: BlockRunner = async (job, onBlock) => {
  const { data, o } = job;
  const nb = Math.ceil(data.size / o.batchSize);
  const extra = Math.min(o.workers - 1, nb - 1);
  if (extra < 1) return runInProcess(job, onBlock);
  const init: InitMessage = {
    type: 'init', backend: tf.getBackend(), ...(await modelToTransfer(job.model)), sampleShape: [...data.sampleShape] as [number, number, number],
    numClasses: job.numClasses, needGrad: o.needGrad, onlyCorrect: o.onlyCorrect, siteNames: job.sites.map((s) => s.name),
  };
  const ctx = await createBatchContext(job.model, job.sites, job.inputShape, { numClasses: job.numClasses, needGrad: o.needGrad, onlyCorrect: o.onlyCorrect });
  const workers: Worker[] = [];
  const blocks = new Map<number, Float32Array>();
  let next = 0; // next block to merge
  let handed = 0; // next batch to hand out
  let failed: unknown;
  let wake: (() => void) | undefined;
  const failWith = (e: unknown) => { failed ??= e; wake?.(); };
  const store = (index: number, block: Float32Array) => {
    blocks.set(index, block);
    while (blocks.has(next)) {
      const b = blocks.get(next)!;
      blocks.delete(next);
      const first = next * o.batchSize;
      onBlock(b, first, Math.min(o.batchSize, data.size - first));
      next++;
    }
    wake?.();
  };
  const feed = (w: Worker) => {
    if (handed >= nb || failed) return;
    const k = handed++;
    w.postMessage({ type: 'batch', index: k, ...batchArrays(job, k) });
  };
  const listeners = new Map<Worker, (m: WorkerMessage) => void>();
  try {
    for (const w of pool.acquire(extra)) {
      workers.push(w);
      const onMessage = (m: WorkerMessage) => {
        try {
          if (m.type === 'ready') for (let j = 0; j < IN_FLIGHT; j++) feed(w);
          else if (m.type === 'block') { store(m.index, m.block); feed(w); }
          else failWith(workerError(m));
        } catch (e) { failWith(e); }
      };
      listeners.set(w, onMessage);
      w.on('message', onMessage);
      w.on('error', failWith);
      w.postMessage(init);
    }
    // The main thread profiles too, one batch at a time, letting worker messages in between.
    while (handed < nb && !failed) {
      throwIfAborted(o.signal);
      const k = handed++;
      const { images, labels } = batchArrays(job, k);
      store(k, await arrayBatchStats(ctx, job, images, labels));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (next < nb && !failed) {
      throwIfAborted(o.signal);
      await new Promise<void>((resolve) => {
        wake = resolve;
        // Re-check the abort signal now and then while waiting for the workers' last blocks.
        setTimeout(resolve, 50);
      });
      wake = undefined;
    }
    if (failed) throw failed;
  } finally {
    disposeBatchContext(ctx);
    for (const w of workers) { w.off('message', listeners.get(w)!); w.off('error', failWith); }
    // Every batch was answered (or the run failed): reuse the workers only after a clean run.
    await pool.release(workers, failed === undefined && next === nb);
  }
};
