/**
 * The data a maintenance comparison runs on: training data (what every method trains on), a validation split of the
 * training data (every choice: theta, the stop rule, EWC's lambda), and the test set (reported numbers only).
 */
import type { Dataset } from '../../data/types.js';
import { stratifiedSplit } from '../../data/split.js';
import { fail } from '../../messages/index.js';

/** The splits a strategy or a comparison is given; without `validation`, one is held out of `train`. */
export interface MaintenanceData {
  train: Dataset;
  validation?: Dataset;
  test: Dataset;
}

/** Splits with the validation part settled. */
export interface MaintenanceSplits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  /** True when `validation` was held out here (and is no longer part of `train`). */
  heldOut: boolean;
}

/** Share of the training data held out for validation when none is given, and its cap. */
export const VALIDATION_SPLIT = { fraction: 0.1, max: 2000 } as const;

/** A record of a dataset for manifests. */
export interface DataRecord { name: string; split: string; size: number; fingerprint: string }

/** The manifest record of a dataset. */
export function dataRecord(d: Dataset): DataRecord {
  return { name: d.name, split: d.split, size: d.size, fingerprint: d.fingerprint() };
}

/**
 * The validation split settled: the given one, or a stratified, seeded share of `train` (VALIDATION_SPLIT) held out.
 *
 * @example
 * const { train, validation, test } = maintenanceSplits({ train: data.train, test: data.test }, 0);
 */
export function maintenanceSplits(d: MaintenanceData, seed: number): MaintenanceSplits {
  if (!d || !d.train || !d.test) {
    throw fail('BAD_MAINTENANCE_DATA', { case: 'missing' });
  }
  const shape = d.train.sampleShape.join('x');
  for (const [name, x] of [['test', d.test], ['validation', d.validation]] as const) {
    if (x && x.sampleShape.join('x') !== shape) {
      throw fail('BAD_MAINTENANCE_DATA', { case: 'shape', split: name, shape: x.sampleShape, trainShape: d.train.sampleShape });
    }
  }
  if (d.validation) return { train: d.train, validation: d.validation, test: d.test, heldOut: false };
  const fraction = Math.min(VALIDATION_SPLIT.fraction, VALIDATION_SPLIT.max / Math.max(1, d.train.size));
  const { first, second } = stratifiedSplit(d.train, { fraction, seed });
  if (second.size === 0) {
    throw fail('BAD_MAINTENANCE_DATA', { case: 'too-few', size: d.train.size });
  }
  return { train: first, validation: second, test: d.test, heldOut: true };
}
