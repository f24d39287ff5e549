/** Messages between the data-parallel training step (main thread) and its replica worker. */
import type { ModelTransfer } from '../../models/artifacts.js';

/** Main -> worker, once per train(): the model, the backend, which weights get gradients. Answered by `ready`. */
export interface TrainInitMessage extends ModelTransfer {
  type: 'init';
  backend: string;
  /** originalName of every weight that receives a gradient, in the main thread's variable order. */
  trainable: string[];
}

/** Main -> worker, per step: the current weights, this replica's shard of the batch and its dropout seed. */
export interface TrainStepMessage {
  type: 'step';
  /** Every model weight (model.weights order), current values. */
  weights: Float32Array[];
  images: Float32Array;
  labels: Int32Array;
  /** [height, width, channels] of one sample. */
  shape: [number, number, number];
  /** Seeds for the dropout layers, in model order. */
  dropoutSeeds: number[];
}

/** Worker -> main. */
export type TrainWorkerMessage =
  | { type: 'ready' }
  /** Gradients of the SUM of the shard's cross-entropy, in `trainable` order; non-trainable weights after the
   * forward pass (BatchNorm moving statistics), in model.weights order restricted to non-trainable ones. */
  | { type: 'grads'; grads: Float32Array[]; lossSum: number; correct: number; nonTrainable: Float32Array[] }
  | { type: 'error'; message: string; stack?: string; code?: string; hint?: string };
