/**
 * What every maintenance manifest records, in one shape: which model, which slice and how it was made, the training
 * budget, the data (name, split, size, fingerprint of each part) and the seed. Each strategy adds its own fields.
 */
import type * as tf from '@tensorflow/tfjs';
import { modelFingerprint } from '../../models/fingerprint.js';
import type { Slice } from '../../slicing/slice.js';
import type { DataRecord } from './data.js';
import { countParams } from './params.js';
import type { SliceOrigin } from './slice-check.js';
import type { SliceChoice } from './task-slice.js';

/** The training budget of a comparison: the same for every method (epochs or steps per round, batch, optimiser). */
export interface TrainBudget {
  batchSize: number;
  learningRate: number;
  optimizer: 'adam';
  seed: number;
  /** Passes over the training data (readapt, extend). */
  epochs?: number;
  /** Optimiser steps (per round for restructure; in total for readapt and extend). */
  steps?: number;
}

/** A slice as manifests record it. */
export interface SliceRecord {
  classes: number[];
  params: Record<string, unknown>;
  fingerprints: { model: string; data: string };
  origin: SliceOrigin;
  choice: SliceChoice;
}

/** The fields every manifest has. */
export interface ManifestBase {
  kind: 'semslice-restructure' | 'semslice-readapt' | 'semslice-extend';
  version: 2;
  method: string;
  model: { name: string; fingerprint: string; params: number };
  slice: SliceRecord | null;
  budget: TrainBudget;
  data: Record<string, DataRecord | null>;
  seed: number;
  note?: string;
}

/** The slice record of a manifest. */
export function sliceRecord(slice: Slice, origin: SliceOrigin, choice: SliceChoice): SliceRecord {
  return { classes: slice.classes, params: { ...slice.params } as Record<string, unknown>, fingerprints: slice.fingerprints, origin, choice };
}

/**
 * The common part of a manifest.
 *
 * @example
 * const m = { ...(await manifestBase('semslice-readapt', 'critical', model, record, budget, { test: dataRecord(test) })), result };
 */
export async function manifestBase(kind: ManifestBase['kind'], method: string, model: tf.LayersModel, slice: SliceRecord | null, budget: TrainBudget,
  data: Record<string, DataRecord | null>, note?: string): Promise<ManifestBase> {
  return {
    kind, version: 2, method, model: { name: model.name, fingerprint: await modelFingerprint(model), params: countParams(model) },
    slice, budget, data, seed: budget.seed, ...(note ? { note } : {}),
  };
}
