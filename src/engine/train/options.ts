import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import type { ProgressCallback } from '../log.js';
import type { EpochMetrics } from './types.js';

/** What early stopping watches. */
export type MonitorName = 'valAccuracy' | 'valLoss' | 'loss';

/** Early stopping: stop when `monitor` has not improved by more than minDelta for `patience` epochs. */
export interface EarlyStopOptions {
  /** Epochs without improvement before stopping. Default 3. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Default 'valLoss' with a validation set, else 'loss'. */
  monitor?: MonitorName;
  /** At the end, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
}

/**
 * Per-weight gradient masks, keyed by weight name ("fc1/kernel", as in model.weights[i].originalName), each the
 * weight's shape. The gradient is multiplied by the mask; entries where the mask is 0 stay bit-identical.
 */
export type GradientMasks = Record<string, tf.Tensor | Float32Array>;

/** Options of {@link train}; every field has a default. */
export interface TrainOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seeds the per-epoch shuffle and dropout. Default 0. */
  seed?: number;
  /** Shuffle the data each epoch. Default true. */
  shuffle?: boolean;
  /** Evaluated after every epoch (valLoss, valAccuracy). */
  validation?: Dataset;
  /** Stop early (off unless given). */
  earlyStop?: EarlyStopOptions;
  /** Called after every batch (phase "train", done/total batches over the whole run). */
  onProgress?: ProgressCallback;
  /** Called after every epoch (awaited when it returns a promise). */
  onEpochEnd?: (m: EpochMetrics) => void | Promise<void>;
  /** Aborts between batches (throws SemsliceError ABORTED; the weights keep the last completed step). */
  signal?: AbortSignal;
  /** See {@link GradientMasks}. */
  gradientMasks?: GradientMasks;
  /**
   * Whether a weight (by name) may change. false freezes it whole, bit-identically: trainable weights are left out
   * of the optimizer, non-trainable ones (BatchNorm moving statistics) are restored after every step.
   * Default: every weight the model marks trainable.
   */
  trainable?: (weightName: string) => boolean;
  /** Batch size of the per-epoch validation pass. Default 256. */
  evalBatchSize?: number;
  /**
   * Replicas for data-parallel steps: the main thread plus `workers - 1` worker threads, each computing the gradient
   * of its shard of every batch (results are deterministic for a given count). 'auto' (default) uses 2 where it
   * pays (see resolveWorkers) and 1 elsewhere; 1 forces one thread. SEMSLICE_TRAIN_WORKERS overrides 'auto'.
   */
  workers?: number | 'auto';
  /**
   * Extra loss terms added to the mean cross-entropy of every step (e.g. an EWC penalty); computed once per step on
   * the main thread from the model's variables. Must return a scalar built inside the call (it is differentiated).
   */
  extraLoss?: () => tf.Scalar;
}

export interface ResolvedTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  shuffle: boolean;
  evalBatchSize: number;
  /** Requested replicas ('auto' is decided per run by resolveWorkers). */
  workers: number | 'auto';
  earlyStop?: Required<EarlyStopOptions>;
}

function positiveInt(v: number, name: string, example: string): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new SemsliceError('BAD_TRAIN_OPTIONS', `train: ${name} must be a positive integer, got ${v}.`, `Pass e.g. { ${name}: ${example} }.`);
  }
  return v;
}

/**
 * Defaults filled in and validated (SemsliceError BAD_TRAIN_OPTIONS naming the field).
 *
 * @example
 * resolveTrainOptions({ epochs: 3 }); // { epochs: 3, batchSize: 64, learningRate: 0.001, seed: 0, shuffle: true, ... }
 */
export function resolveTrainOptions(o: TrainOptions): ResolvedTrainOptions {
  const lr = o.learningRate ?? 1e-3;
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new SemsliceError('BAD_TRAIN_OPTIONS', `train: learningRate must be a positive number, got ${o.learningRate}.`, 'Pass e.g. { learningRate: 1e-3 }.');
  }
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) {
    throw new SemsliceError('BAD_TRAIN_OPTIONS', `train: seed must be an integer, got ${o.seed}.`, 'Pass e.g. { seed: 42 }.');
  }
  const r: ResolvedTrainOptions = {
    epochs: positiveInt(o.epochs ?? 1, 'epochs', '3'),
    batchSize: positiveInt(o.batchSize ?? 64, 'batchSize', '64'),
    learningRate: lr,
    seed,
    shuffle: o.shuffle ?? true,
    evalBatchSize: positiveInt(o.evalBatchSize ?? 256, 'evalBatchSize', '256'),
    workers: o.workers === undefined || o.workers === 'auto' ? 'auto' : positiveInt(o.workers, 'workers', "2 (or 'auto')"),
  };
  if (o.earlyStop) {
    const monitor = o.earlyStop.monitor ?? (o.validation ? 'valLoss' : 'loss');
    if (monitor !== 'loss' && !o.validation) {
      throw new SemsliceError('BAD_TRAIN_OPTIONS', `train: earlyStop.monitor "${monitor}" needs a validation set.`, 'Pass { validation: testData } or monitor "loss".');
    }
    if (!['loss', 'valLoss', 'valAccuracy'].includes(monitor)) {
      throw new SemsliceError('BAD_TRAIN_OPTIONS', `train: unknown earlyStop.monitor "${monitor}".`, 'Available: valAccuracy, valLoss, loss.');
    }
    r.earlyStop = {
      patience: positiveInt(o.earlyStop.patience ?? 3, 'earlyStop.patience', '3'),
      minDelta: o.earlyStop.minDelta ?? 0,
      monitor,
      restoreBestWeights: o.earlyStop.restoreBestWeights ?? false,
    };
  }
  return r;
}
