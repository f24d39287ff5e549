/**
 * The data-parallel training step's exchange between the main thread and a replica worker. Set-up and errors travel
 * as messages; the per-step data (weights, shard, gradients) lives in SharedArrayBuffers and a step is started and
 * finished through an Int32Array of control words, so neither side waits for an event-loop turn of the other (a
 * message costs about half a millisecond of wake-up on a 2-core VM, against a 5-10 ms LeNet-5 step).
 */
import type { ModelTransfer } from '../../models/artifacts.js';
import type { Said } from '../../messages/entry.js';

/** Control words (Int32Array indices): REQUEST is the step number the main thread asks for (-1: leave the step
 * loop), DONE the one the worker finished, SIZE the shard size, STATUS 0 after a good step, 1 after a failed one. */
export const CTL = { REQUEST: 0, DONE: 1, SIZE: 2, STATUS: 3, LENGTH: 4 } as const;

/** The shared buffers of one replica (the weights buffer is shared by all replicas). */
export interface ReplicaBuffers {
  control: Int32Array;
  /** Every model weight (model.weights order), flattened. */
  weights: Float32Array;
  /** Room for the largest shard: images flattened, labels. */
  images: Float32Array;
  labels: Int32Array;
  /** Dropout seeds, in model order. */
  seeds: Float64Array;
  /** Gradients of the SUM of the shard's cross-entropy, trainable weights in the main thread's order, flattened. */
  grads: Float32Array;
  /** Non-trainable weights after the forward pass (BatchNorm moving statistics), model.weights order, flattened. */
  nonTrainable: Float32Array;
  /** [summed loss, correct count] of the shard. */
  scalars: Float64Array;
}

/** Sizes, in elements, of one replica's buffers. */
export interface BufferSizes {
  shardSamples: number;
  sampleSize: number;
  dropoutLayers: number;
  trainable: number;
  nonTrainable: number;
}

/**
 * A typed array of n elements (at least 1) over a new SharedArrayBuffer.
 *
 * @example
 * const weights = sharedArray(Float32Array, 61706);
 */
export const sharedArray = <T>(Kind: { new(b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T =>
  new Kind(new SharedArrayBuffer(Math.max(1, n) * Kind.BYTES_PER_ELEMENT));

/**
 * Fresh shared buffers for one replica (control words all 0: no step asked, none done), around a weights buffer that
 * all replicas share.
 *
 * @example
 * const weights = sharedArray(Float32Array, 61706);
 * const b = replicaBuffers(weights, { shardSamples: 32, sampleSize: 784, dropoutLayers: 0, trainable: 61706, nonTrainable: 0 });
 */
export function replicaBuffers(weights: Float32Array, n: BufferSizes): ReplicaBuffers {
  return {
    control: sharedArray(Int32Array, CTL.LENGTH), weights,
    images: sharedArray(Float32Array, n.shardSamples * n.sampleSize), labels: sharedArray(Int32Array, n.shardSamples),
    seeds: sharedArray(Float64Array, n.dropoutLayers), grads: sharedArray(Float32Array, n.trainable),
    nonTrainable: sharedArray(Float32Array, n.nonTrainable), scalars: sharedArray(Float64Array, 2),
  };
}

/** Main -> worker, once per train(): the model, the backend, which weights get gradients, the shared buffers.
 * Answered by `ready`, after which the worker serves steps until REQUEST is -1 (then it answers `stopped`). */
export interface TrainInitMessage extends ModelTransfer {
  type: 'init';
  backend: string;
  /** originalName of every weight that receives a gradient, in the main thread's variable order. */
  trainable: string[];
  /** [height, width, channels] of one sample. */
  shape: [number, number, number];
  buffers: ReplicaBuffers;
  /** How long the worker spins for the next step before it blocks (0 when replicas outnumber cores). */
  spinMs: number;
  /** The softmax groups' table (loss.ts groupTable, units x units), when train() was given lossGroups. */
  groups?: Float32Array;
}

/** Worker -> main. */
export type TrainWorkerMessage =
  | { type: 'ready' }
  | { type: 'stopped' }
  | { type: 'error'; message: string; stack?: string; code?: string; said?: Said };
