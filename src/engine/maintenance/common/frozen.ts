/**
 * Proof that frozen weights did not change: the frozen entries (mask 0) of every masked weight, read before and after
 * training and compared byte for byte, with a checksum of each for the manifest. One type for every strategy.
 */
import type * as tf from '@tensorflow/tfjs';
import { fingerprint } from '../../fingerprint.js';
import { countParams } from './params.js';

/** 0/1 per weight entry by weight name (originalName), 1 = may change. */
export type WeightMasks = Record<string, Float32Array>;

/** Frozen entries of each masked weight, in row-major order. */
export type FrozenValues = Map<string, { values: Float32Array; size: number }>;

/** One weight's frozen entries before and after. */
export interface FrozenWeight {
  weight: string;
  /** Frozen entries (mask 0) out of `size`. */
  frozen: number;
  size: number;
  before: string;
  after: string;
  identical: boolean;
}

/** What a strategy reports about the weights it froze. */
export interface FrozenCheck {
  weights: FrozenWeight[];
  /** Every frozen entry is bit-identical after training. */
  identical: boolean;
  frozenEntries: number;
  /** Entries of every weight of the model. */
  totalEntries: number;
}

/**
 * The frozen entries of every weight named in `masks` (weights not named are not recorded: pass a mask of zeros for
 * a weight frozen whole).
 *
 * @example
 * const before = await frozenValues(model, masks);
 * await train(model, data, { gradientMasks: masks });
 * const check = compareFrozen(model, before, await frozenValues(model, masks));
 */
export async function frozenValues(model: tf.LayersModel, masks: WeightMasks): Promise<FrozenValues> {
  const out: FrozenValues = new Map();
  for (const w of model.weights) {
    const m = masks[w.originalName];
    if (!m) continue;
    const v = (await w.read().data()) as Float32Array;
    const kept = new Float32Array(v.length);
    let n = 0;
    for (let i = 0; i < v.length; i++) if (m[i] === 0) kept[n++] = v[i]!;
    out.set(w.originalName, { values: kept.slice(0, n), size: v.length });
  }
  return out;
}

/** Compare two readings of frozenValues (same masks), byte for byte. */
export function compareFrozen(model: tf.LayersModel, before: FrozenValues, after: FrozenValues): FrozenCheck {
  const weights: FrozenWeight[] = [];
  for (const [name, b] of before) {
    const a = after.get(name);
    const av = a?.values ?? new Float32Array(0);
    const identical = a !== undefined && Buffer.from(b.values.buffer, b.values.byteOffset, b.values.byteLength)
      .equals(Buffer.from(av.buffer, av.byteOffset, av.byteLength));
    weights.push({ weight: name, frozen: b.values.length, size: b.size, before: fingerprint(b.values), after: fingerprint(av), identical });
  }
  return { weights, identical: weights.every((w) => w.identical), frozenEntries: weights.reduce((s, w) => s + w.frozen, 0), totalEntries: countParams(model) };
}
