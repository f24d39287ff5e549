/**
 * What the three maintenance magics share: how a `ref` argument becomes a model, splits or a slice, and the slice
 * policy's arguments (theta, tolerance) with the policy's own defaults.
 */

import { fail } from '../../engine/messages/index.js';
import type { DatasetSplits } from '../../engine/data/index.js';
import { MAINTENANCE_DEFAULTS, type SlicePolicyOptions } from '../../engine/maintenance/index.js';
import { Slice } from '../../engine/slicing/index.js';
import type * as tf from '@tensorflow/tfjs';
import type { ArgSpec, ArgValue } from '../args.js';
import type { MagicContext } from '../registry.js';
import { isSplits, magicEngine } from '../engine.js';
import { MAGIC_DATASETS, resolveArg } from './resolve-arg.js';

/** The slice policy's arguments, the same in every maintenance magic. */
export const POLICY_ARGS: Record<'theta' | 'tolerance', ArgSpec> = {
  theta: { type: 'scalar', default: MAINTENANCE_DEFAULTS.slice.theta, description: 'theta of the slice made here: auto (smallest theta within tolerance on held-out training images) or a number in (0, 1]' },
  tolerance: { type: 'number', default: MAINTENANCE_DEFAULTS.slice.tolerance, description: 'theta auto: largest masked-accuracy drop accepted (0.01 = one point)' },
};

/** The slice policy from the magic's theta and tolerance. */
export function policyArgs(magic: string, a: Record<string, ArgValue | undefined>): SlicePolicyOptions {
  const theta = a['theta'];
  if (theta !== 'auto' && !(typeof theta === 'number' && theta > 0 && theta <= 1)) {
    throw fail('MAGIC_ARGS', { magic, case: 'range', key: 'theta', value: theta, expected: 'auto or a number in (0, 1]', example: 0.9 });
  }
  const tolerance = a['tolerance'] as number;
  if (!(tolerance >= 0 && tolerance <= 1)) throw fail('MAGIC_ARGS', { magic, case: 'range', key: 'tolerance', value: tolerance, expected: 'in [0, 1]', example: 0.01 });
  return { theta, tolerance };
}

/**
 * Run `fn` with the model argument: a variable holding a model (used as it is), or a model folder (loaded here and
 * disposed when `fn` is done: the magic owns what it loaded).
 */
export async function withModelArg<T>(magic: string, v: ArgValue, ctx: MagicContext, fn: (model: tf.LayersModel) => Promise<T>): Promise<T> {
  let loaded: tf.LayersModel | undefined;
  const m = await resolveArg(magic, v, ctx, async (s) => (loaded = await magicEngine.loadModel(s)));
  if (typeof m !== 'object' || m === null || typeof (m as tf.LayersModel).predict !== 'function') {
    throw fail('MAGIC_ARGS', { magic, case: 'not-a', key: 'model', wanted: 'model' });
  }
  try {
    return await fn(m as tf.LayersModel);
  } finally {
    loaded?.dispose();
  }
}

/** A data argument: a dataset name, or a variable holding { train, test }. */
export async function splitsArg(magic: string, v: ArgValue, ctx: MagicContext): Promise<DatasetSplits> {
  const d = await resolveArg(magic, v, ctx, (s) => magicEngine.loadData(s), MAGIC_DATASETS);
  if (!isSplits(d)) throw fail('MAGIC_ARGS', { magic, case: 'not-a', key: 'data', wanted: 'splits' });
  return d;
}

/** A slice argument: a variable holding a Slice (or nothing: the magic slices by the policy). */
export async function sliceArg(magic: string, v: ArgValue | undefined, ctx: MagicContext): Promise<Slice | null> {
  if (v === undefined) return null;
  const s = await resolveArg(magic, v, ctx, () => Promise.resolve(undefined));
  if (!(s instanceof Slice)) throw fail('MAGIC_ARGS', { magic, case: 'not-a', key: 'slice', wanted: 'slice' });
  return s;
}

/** The first n samples of each split when a limit is given. */
export function limited(d: DatasetSplits, trainLimit: number | undefined, testLimit: number | undefined): { train: DatasetSplits['train']; test: DatasetSplits['test'] } {
  return {
    train: trainLimit !== undefined && d.train.size > trainLimit ? d.train.take(trainLimit) : d.train,
    test: testLimit !== undefined && d.test.size > testLimit ? d.test.take(testLimit) : d.test,
  };
}

/** Names a list argument holds, checked against the known ones. */
export function namesArg(magic: string, what: string, v: ArgValue | undefined, known: readonly string[], fallback: readonly string[]): string[] {
  const list = Array.isArray(v) ? v.map(String) : v === undefined ? [...fallback] : [String(v)];
  const unknown = list.filter((x) => !known.includes(x));
  if (unknown.length > 0) throw fail('MAGIC_ARGS', { magic, case: 'unknown-names', what, names: unknown, known });
  return list;
}
