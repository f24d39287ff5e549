/**
 * profile(): one pass over a dataset that computes, per class, site and neuron, the sufficient statistics of every
 * contribution metric (docs/algorithm.md):
 *
 *   batches --> forward (taps, zero perturbations) --> backward of sum_b z_{y_b} --> one-hot^T reduction
 *           --> [classes x 4N] block read once --> float64 host accumulation in batch order --> ProfileStats
 *
 * Definitions (a = neuron value, conv: spatial mean of the feature map; g = dz_y/da, per position for conv;
 * P = positions; means over the class's profiled samples):
 * - avg = mean of a; var = population variance of a (divides by n, not n - 1);
 * - taylor = mean of |sum_p a·g| / P (Dense: |a·g|);
 * - deeplift (D) = mean of |sum_p (a - a_ref)·g| / P (Dense: |(a - a_ref)·g|), a_ref = the neuron's value on an
 *   all-zero input, per position: a gradient-times-difference approximation of DeepLIFT's Rescale rule.
 */
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../../errors.js';
import { fail } from '../../messages/index.js';
import type { Dataset } from '../../data/types.js';
import { assertEveryClass } from '../../data/checks.js';
import { modelGraph, siteReads } from '../../graph/index.js';
import { refuseReplicasOnWebGPU } from '../../backend/index.js';
import { modelFingerprint } from '../../models/fingerprint.js';
import { runInProcess, throwIfAborted, type ProfileJob } from './run.js';
import { ProfileAccumulator } from './accumulator.js';
import { resolveProfileOptions, type ProfileOptions } from './options.js';
import { ProfileStats } from './stats.js';

export type { ProfileOptions } from './options.js';

/** The hint for profiling data that lacks a class (the usual cause: take(n) of a sorted or small split). */

/**
 * Check that data fits a model for profiling, in the order that names the true cause: the sample shape, then labels
 * beyond the model's logits (before anything else about classes: such data also "lacks" classes the model never
 * had), then the class count, then every class present. Returns the sample shape.
 *
 * @example
 * checkProfileData(model, data.train.perClassCap(100)); // throws LABEL_OUT_OF_RANGE for labels 0..12 and 10 logits
 */
export function checkProfileData(model: tf.LayersModel, data: Dataset, opts: { everyClass?: boolean } = {}): number[] {
  const classes = logitCount(model);
  const want = modelGraph(model).inputShape;
  const have = data.sampleShape;
  if (want.length !== 3 || want.some((d, i) => d !== null && d !== have[i])) {
    throw fail('DATA_SHAPE_MISMATCH', { dataset: data.name, have, want, model: model.name });
  }
  if (data.numClasses !== classes) {
    let max = -1;
    for (const l of data.labels()) if (l > max) max = l;
    if (max >= classes) {
      throw fail('LABEL_OUT_OF_RANGE', { case: 'model', data: data.name, max, model: model.name, units: classes });
    }
    throw fail('CLASS_COUNT_MISMATCH', { dataset: data.name, classes: data.numClasses, model: model.name, logits: classes });
  }
  if (opts.everyClass ?? true) assertEveryClass(data);
  return [...have];
}

/** Number of logits, from the model's output shape. */
function logitCount(model: tf.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  const k = shape[shape.length - 1];
  if (shape.length !== 2 || typeof k !== 'number') {
    throw fail('BAD_MODEL', { case: 'logits', model: model.name, shape });
  }
  return k;
}

function nonFinite(data: Dataset, first: number, count: number): SemsliceError {
  return fail('NAN_IN_DATA', { dataset: data.name, first, count });
}

/**
 * Profile a model on a dataset: per-class raw statistics (avg, var, taylor, deeplift) at every site, in one pass.
 * Definitions at the top of this module. Throws SemsliceError for data that does not fit, NaN in the data, a class
 * with no samples, or ABORTED when opts.signal fires.
 *
 * @example
 * const stats = await profile(model, data.test, { metrics: ['avg', 'taylor'], onlyCorrect: false });
 * stats.get('taylor', 'conv1'); // Float32Array [classes x neurons]
 */
export async function profile(model: tf.LayersModel, data: Dataset, opts: ProfileOptions = {}): Promise<ProfileStats> {
  const o = resolveProfileOptions(opts);
  refuseReplicasOnWebGPU(o.workers, { where: 'profile', option: 'workers' });
  const sites = siteReads(model).map((r) => r.site);
  const numClasses = logitCount(model);
  const inputShape = checkProfileData(model, data);
  const view = o.maxPerClass !== null ? data.perClassCap(o.maxPerClass) : data;
  if (view.size === 0) throw fail('EMPTY_DATA', { data: data.name });
  throwIfAborted(o.signal);
  const totalNeurons = sites.reduce((a, s) => a + s.neurons, 0);
  const acc = new ProfileAccumulator(numClasses, totalNeurons, o.needGrad);
  const job: ProfileJob = { model, data: view, sites, inputShape, numClasses, o };
  let done = 0;
  const onBlock = (block: Float32Array, first: number, count: number) => {
    if (!Number.isFinite(acc.add(block))) throw nonFinite(view, first, count);
    done += count;
    o.onProgress?.({ phase: 'profile', done, total: view.size });
  };
  if (o.workers > 1) {
    // Loaded on demand so in-process profiling never loads node:worker_threads.
    const { runInWorkers } = await import('./workers/profile-pool.js');
    await runInWorkers(job, onBlock);
  } else {
    await runInProcess(job, onBlock);
  }
  const missing = acc.n.reduce<number[]>((m, n, c) => (n === 0 ? [...m, c] : m), []);
  if (missing.length) {
    // Every class has samples (checked first): these have none the model classifies correctly.
    throw fail('NO_SAMPLES', { case: 'none-correct', classes: missing.map((c) => ({ name: data.classNames[c] ?? String(c), label: c })) });
  }
  const result = acc.finish(sites, o.raw);
  return new ProfileStats({
    sites, numClasses, ...result, options: { onlyCorrect: o.onlyCorrect, maxPerClass: o.maxPerClass, batchSize: o.batchSize },
    modelFingerprint: await modelFingerprint(model),
  });
}

/**
 * Terminate the worker threads that parallel profiling keeps for reuse (idle ones never keep the process alive).
 *
 * @example
 * await profile(model, data, { workers: 2 }); await closeProfileWorkers();
 */
export async function closeProfileWorkers(): Promise<void> {
  const pool = await import('./workers/profile-pool.js');
  await pool.closeProfileWorkers();
}
