/**
 * The one rule for a slice used with a model (by the maintenance strategies, damageMatrix, subsetFidelity,
 * Slice.load with a model, and the CLI): it must have been made from this model. Its sites must be the model's
 * (names and neuron counts) and its model fingerprint the model's, or the reference model's when the model is a
 * damaged copy (a mutant is re-adapted with its original's slice). A slice of another model with the same layer
 * names would silently decide what is trained, frozen or removed, so it is refused, naming both fingerprints, unless
 * the caller says it is deliberate (`allowForeignSlice`); a slice without a recorded fingerprint (sliceFromStats
 * without a model) is accepted with a warning. Manifests record which case it was (SliceOrigin).
 */
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { siteReads } from '../graph/index.js';
import { logger } from '../log.js';
import { modelFingerprint } from '../models/fingerprint.js';
import type { Slice } from './slice.js';

/** Options of {@link checkSliceFits}. */
export interface SliceFitOptions {
  /** The model the slice may also belong to (a mutant's undamaged original). */
  reference?: tf.LayersModel;
  /** Accept a slice whose model fingerprint differs (sites must still match). Default false. */
  allowForeignSlice?: boolean;
}

/** How a slice relates to the model it is used on (recorded in manifests). */
export type SliceOrigin = 'this-model' | 'reference' | 'foreign' | 'unknown';


/**
 * Throw SLICE_MODEL_MISMATCH unless `slice` was made from `model` (see the file comment); returns how it relates.
 *
 * @example
 * await checkSliceFits(model, slice);                            // 'this-model'
 * await checkSliceFits(mutant, slice, { reference: original });// 'reference'
 * await checkSliceFits(other, slice, { allowForeignSlice: true });// 'foreign'
 */
export async function checkSliceFits(model: tf.LayersModel, slice: Pick<Slice, 'sites' | 'fingerprints'>, opts: SliceFitOptions = {}): Promise<SliceOrigin> {
  const sites = siteReads(model).map((r) => r.site);
  const theirs = slice.sites;
  const sameSites = theirs.length === sites.length && theirs.every((s, i) => s.name === sites[i]!.name && s.neurons === sites[i]!.neurons);
  if (!sameSites) {
    throw fail('SLICE_MODEL_MISMATCH', { case: 'sites', model: model.name, theirs, mine: sites });
  }
  const fp = slice.fingerprints.model;
  if (fp === 'unknown') {
    logger().warn(`the slice records no model fingerprint (made by sliceFromStats without a model): it cannot be checked against model "${model.name}".`);
    return 'unknown';
  }
  const mine = await modelFingerprint(model);
  if (fp === mine) return 'this-model';
  const theirsRef = opts.reference ? await modelFingerprint(opts.reference) : undefined;
  if (theirsRef !== undefined && fp === theirsRef) return 'reference';
  if (opts.allowForeignSlice) return 'foreign';
  throw fail('SLICE_MODEL_MISMATCH', { case: 'fingerprint', model: model.name, theirs: fp, mine, ...(theirsRef !== undefined ? { reference: theirsRef } : {}) });
}
