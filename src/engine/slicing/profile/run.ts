/**
 * How a profiling job runs its batches: the shared batch grid, the abort check, and the in-process runner
 * (workers/profile-pool.ts is the parallel one). Kept apart from profile.ts so the worker pool can use it
 * without an import cycle.
 */
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../../errors.js';
import { fail } from '../../messages/index.js';
import type { Dataset } from '../../data/types.js';
import { batchStats, createBatchContext, disposeBatchContext, type BatchContext } from './batch.js';
import type { ResolvedProfileOptions } from './options.js';
import type { SiteInfo } from '../types.js';

/** Rejects with SemsliceError ABORTED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw fail('ABORTED', { case: 'signal', what: 'Profiling' });
  }
}

/** Everything a run (in-process or in workers) needs. */
export interface ProfileJob {
  model: tf.LayersModel;
  data: Dataset;
  sites: SiteInfo[];
  inputShape: number[];
  numClasses: number;
  o: ResolvedProfileOptions;
}

/** A function that runs a job's batches and feeds each block to `onBlock` in batch order. */
export type BlockRunner = (job: ProfileJob, onBlock: (block: Float32Array, first: number, count: number) => void) => Promise<void>;

/**
 * Batch k of the grid (batches of batchSize in view order) as host arrays. Every runner builds its batches this way,
 * so in-process and worker runs feed the backend the very same bytes.
 */
export function batchArrays(job: ProfileJob, k: number): { images: Float32Array; labels: Int32Array } {
  const first = k * job.o.batchSize;
  const n = Math.min(job.o.batchSize, job.data.size - first);
  return job.data.gather(Int32Array.from({ length: n }, (_, i) => first + i));
}

/** batchStats of one batch given as host arrays (the tensors made here are disposed here). */
export async function arrayBatchStats(ctx: BatchContext, job: ProfileJob, images: Float32Array, labels: Int32Array): Promise<Float32Array> {
  const xs = tf.tensor4d(images, [labels.length, ...job.inputShape] as [number, number, number, number]);
  const ys = tf.tensor1d(labels, 'int32');
  try {
    return await batchStats(ctx, xs, ys);
  } finally {
    tf.dispose([xs, ys]);
  }
}

/** The in-process runner: batches on the current backend, one at a time, yielding to the event loop between them. */
export const runInProcess: BlockRunner = async (job, onBlock) => {
  const ctx = await createBatchContext(job.model, job.sites, job.inputShape, { numClasses: job.numClasses, needGrad: job.o.needGrad, onlyCorrect: job.o.onlyCorrect });
  try {
    const nb = Math.ceil(job.data.size / job.o.batchSize);
    for (let k = 0; k < nb; k++) {
      throwIfAborted(job.o.signal);
      const { images, labels } = batchArrays(job, k);
      const block = await arrayBatchStats(ctx, job, images, labels);
      onBlock(block, k * job.o.batchSize, labels.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    disposeBatchContext(ctx);
  }
};

