import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fail } from '../messages/index.js';
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

/** Most training samples train() re-estimates BatchNormalization statistics on (a seeded sample of the data). */
export const BN_RECOMPUTE_SAMPLES = 4096;

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
  /**
   * Called after every `every` optimiser steps (counted over the whole run) with the steps done; training waits for a
   * returned promise, and its time is counted in the epoch's seconds (evaluate there, time the steps elsewhere).
   */
  everySteps?: { every: number; run: (steps: number) => unknown };
  /** Called after every epoch, outside the epoch's timing; training waits for a returned promise. */
  onEpochEnd?: (m: EpochMetrics) => unknown;
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
   * Re-estimate BatchNormalization moving statistics on the training data (batch-norm-stats.ts), up to
   * {@link BN_RECOMPUTE_SAMPLES} samples of it, after training and before each validation pass. 'auto' (default): only
   * when layers start untrained and the run is too short for their momentum (Keras' 0.99: under 688 steps; 0.9: under
   * 66), with one warning naming them; true: always; false: never (a stale run then warns). Entries frozen by
   * `gradientMasks` or `trainable` keep their values.
   */
  recomputeBatchNorm?: boolean | 'auto';
  /**
   * Softmax groups (class sets, disjoint): a sample's cross-entropy, and its training accuracy, run over the logits of
   * the group holding its label, as in a model with one output head per group (task-incremental learning trains each
   * task's head on its own samples). Every label of the training data must be in a group (BAD_TRAIN_OPTIONS).
   * Default: one softmax over every logit.
   */
  lossGroups?: ReadonlyArray<readonly number[]>;
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
  recomputeBatchNorm: boolean | 'auto';
  earlyStop?: Required<EarlyStopOptions>;
}

function positiveInt(v: number, option: string, example: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw fail('BAD_TRAIN_OPTIONS', { case: 'value', where: 'train', option, value: v, expected: 'a positive integer', example });
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
    throw fail('BAD_TRAIN_OPTIONS', { case: 'value', where: 'train', option: 'learningRate', value: o.learningRate, expected: 'a positive number', example: 1e-3 });
  }
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) {
    throw fail('BAD_TRAIN_OPTIONS', { case: 'value', where: 'train', option: 'seed', value: o.seed, expected: 'an integer', example: 42 });
  }
  const r: ResolvedTrainOptions = {
    epochs: positiveInt(o.epochs ?? 1, 'epochs', 3),
    batchSize: positiveInt(o.batchSize ?? 64, 'batchSize', 64),
    learningRate: lr,
    seed,
    shuffle: o.shuffle ?? true,
    evalBatchSize: positiveInt(o.evalBatchSize ?? 256, 'evalBatchSize', 256),
    workers: o.workers === undefined || o.workers === 'auto' ? 'auto' : positiveInt(o.workers, 'workers', 2),
    recomputeBatchNorm: o.recomputeBatchNorm ?? 'auto',
  };
  if (r.recomputeBatchNorm !== 'auto' && typeof r.recomputeBatchNorm !== 'boolean') {
    throw fail('BAD_TRAIN_OPTIONS', { case: 'value', where: 'train', option: 'recomputeBatchNorm', value: o.recomputeBatchNorm, expected: 'true, false or "auto"', example: 'auto' });
  }
  if (o.earlyStop) {
    const monitor = o.earlyStop.monitor ?? (o.validation ? 'valLoss' : 'loss');
    if (monitor !== 'loss' && !o.validation) {
      throw fail('BAD_TRAIN_OPTIONS', { case: 'monitor-needs-validation', monitor });
    }
    if (!['loss', 'valLoss', 'valAccuracy'].includes(monitor)) {
      throw fail('BAD_TRAIN_OPTIONS', { case: 'unknown-monitor', monitor, choices: ['valAccuracy', 'valLoss', 'loss'] });
    }
    r.earlyStop = {
      patience: positiveInt(o.earlyStop.patience ?? 3, 'earlyStop.patience', 3),
      minDelta: o.earlyStop.minDelta ?? 0,
      monitor,
      restoreBestWeights: o.earlyStop.restoreBestWeights ?? false,
    };
  }
  return r;
}
