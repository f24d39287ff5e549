/** How many replicas a training run uses when asked for 'auto'. */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { refuseReplicasOnWebGPU } from '../backend/index.js';

/** What the decision looks at. */
export interface WorkerDecisionInput {
  requested: number | 'auto';
  batchSize: number;
  /** Samples the run will step over (epochs x training samples). */
  samples: number;
  /** Trainable parameters of the model. */
  parameters: number;
  /** Whether the model has convolutions (the per-step work a second replica can halve). */
  convolutional: boolean;
}

/** Below these sizes a second replica costs more (worker start-up, weight copies per step) than it saves. */
export const AUTO_MIN_BATCH = 32;
export const AUTO_MIN_SAMPLES = 4096;
export const AUTO_MIN_PARAMETERS = 20_000;

/**
 * Replicas for a run: a number is taken as given (above 1 refused on webgpu: replicas are CPU backends); 'auto' reads
 * SEMSLICE_TRAIN_WORKERS, else uses 2 when the backend is wasm (single-threaded in Node; tfjs-node has its own threads,
 * webgpu its GPU), the machine has 2 or more cores, and the
 * run is large enough for the second replica to pay (a convolutional model, batch >= 32, >= 4,096 samples stepped,
 * >= 20,000 parameters), else 1. Measured on 2 cores with the native kernels: LeNet-5 1.15-1.3x, vgg-small 1.45x,
 * vgg-small+BN 1.5x, resnet-small 1.7x faster with 2 replicas; the dense-only MLP 0.6x (its steps are too small for
 * the per-step exchange to pay).
 *
 * @example
 * resolveWorkers({ requested: 'auto', batchSize: 64, samples: 60000, parameters: 61706, convolutional: true }); // 2 on wasm
 */
export function resolveWorkers(d: WorkerDecisionInput): number {
  if (d.requested !== 'auto') {
    refuseReplicasOnWebGPU(d.requested, { where: 'train', option: 'workers' });
    return d.requested;
  }
  const env = process.env['SEMSLICE_TRAIN_WORKERS'];
  if (env !== undefined && env !== '' && env !== 'auto') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw fail('BAD_TRAIN_OPTIONS', { case: 'env-workers', value: env });
    }
    refuseReplicasOnWebGPU(n, { option: 'SEMSLICE_TRAIN_WORKERS' });
    return n;
  }
  if (tf.getBackend() !== 'wasm' || availableParallelism() < 2) return 1;
  if (!d.convolutional || d.batchSize < AUTO_MIN_BATCH || d.samples < AUTO_MIN_SAMPLES || d.parameters < AUTO_MIN_PARAMETERS) return 1;
  return 2;
}
