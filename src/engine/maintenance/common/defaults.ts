/**
 * The defaults of every maintenance strategy, declared once: the API fills options from here, the CLI flags and the
 * magics' arguments take their defaults from here, and the demo runs with them (a test compares all four). Budgets
 * are the same for every method of a comparison; a study states its own where it needs more.
 */
import { SLICE_POLICY_DEFAULTS } from './task-slice.js';

/** Restructuring: pre-step, pruner, target, bound, schedule and the fine-tuning round after the pre-step and every iteration. */
export interface RestructureDefaults {
  pre: string; pruner: string; targetCR: number; maxDrop: number; amountPerIteration: number; maxIterations: number;
  fineTune: { steps: number; batchSize: number; learningRate: number };
}
/** Re-adaptation: method, budget, target and workload sizes. */
export interface ReadaptDefaults {
  method: string; epochs: number; batchSize: number; learningRate: number; target: number; sliceClasses: 'all' | 'present';
  /** New samples to learn from (and as many held out). */
  count: number;
  /** Clean training samples mixed in per new sample. */
  cleanRatio: number;
  /** Mutant workload: accuracy drop to cause. */
  drop: number;
  /** Optimiser steps between held-out checkpoints. */
  evalEvery: number;
}
/** Incremental development: method, budget, capacity condition, replay share. */
export interface ExtendDefaults {
  method: string; epochs: number; batchSize: number; learningRate: number;
  /** The old task's slice leaves at least this share of every site free (theta auto). */
  minFree: number;
  replay: number;
  /** Training images per task drawn by the comparison. */
  perTask: number;
  /** Old-task test samples whose logits are compared byte for byte. */
  checkSamples: number;
}

/** Every strategy's defaults. */
export interface MaintenanceDefaults {
  slice: typeof SLICE_POLICY_DEFAULTS;
  restructure: RestructureDefaults;
  readapt: ReadaptDefaults;
  extend: ExtendDefaults;
}

/**
 * The table.
 *
 * @example
 * MAINTENANCE_DEFAULTS.restructure.fineTune.learningRate;  // what `semslice restructure --lr` defaults to
 */
export const MAINTENANCE_DEFAULTS: MaintenanceDefaults = {
  slice: SLICE_POLICY_DEFAULTS,
  restructure: {
    pre: 'slice', pruner: 'lamp', targetCR: 0.9, maxDrop: 0.01, amountPerIteration: 0.2, maxIterations: 30,
    fineTune: { steps: 100, batchSize: 64, learningRate: 1e-4 },
  },
  readapt: { method: 'critical', epochs: 5, batchSize: 64, learningRate: 1e-3, target: 0.8, sliceClasses: 'all', count: 1000, cleanRatio: 4, drop: 0.3, evalEvery: 20 },
  extend: { method: 'ours', epochs: 3, batchSize: 64, learningRate: 1e-3, minFree: 0.25, replay: 0.1, perTask: 2000, checkSamples: 512 },
};
