/**
 * Worker-thread replicas (data-parallel training, parallel profiling) each run a CPU backend of their own on a copy
 * of the model: they put a second core to work on wasm, and have no place beside a GPU (the replicas would not run
 * on it, and the main thread's share would wait for them). 'auto' gives one replica off wasm; an explicit count
 * above one on webgpu is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';

/**
 * Throws WORKERS_ON_WEBGPU when `workers` > 1 and tfjs runs on webgpu. `source` names where the count came from: the
 * caller and its option ({ where: 'train', option: 'workers' }), or the environment ({ option: 'SEMSLICE_TRAIN_WORKERS' }).
 *
 * @example
 * refuseReplicasOnWebGPU(o.workers, { where: 'profile', option: 'workers' });
 */
export function refuseReplicasOnWebGPU(workers: number, source: { where?: string; option: string }): void {
  if (workers <= 1 || tf.getBackend() !== 'webgpu') return;
  throw fail('WORKERS_ON_WEBGPU', { ...source, workers });
}
