/**
 * Worker-thread replicas (data-parallel training, parallel profiling) each run a CPU backend of their own on a copy
 * of the model: they put a second core to work on wasm, and have no place beside a GPU (the replicas would not run
 * on it, and the main thread's share would wait for them). 'auto' gives one replica off wasm; an explicit count
 * above one on webgpu is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';

/**
 * Throws WORKERS_ON_WEBGPU when `workers` > 1 and tfjs runs on webgpu. `what` names the caller and where the count
 * came from, e.g. "train: workers" or "SEMSLICE_TRAIN_WORKERS".
 *
 * @example
 * refuseReplicasOnWebGPU(o.workers, 'profile: workers');
 */
export function refuseReplicasOnWebGPU(workers: number, what: string): void {
  if (workers <= 1 || tf.getBackend() !== 'webgpu') return;
  throw new SemsliceError('WORKERS_ON_WEBGPU',
    `${what} is ${workers}: worker-thread replicas run the wasm backend on other cores, but this run is on webgpu.`,
    'Use { workers: 1 } (or "auto") on webgpu, where the GPU does the work; or choose { backend: "wasm" } for replicas on several cores.');
}
