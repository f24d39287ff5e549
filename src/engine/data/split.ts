
import { fail } from '../messages/index.js';
import { Rng } from '../rng.js';
import type { Dataset } from './types.js';

/** Options of stratifiedSplit. */
export interface StratifiedSplitOptions {
  /** Fraction of each class that goes to the second part (rounded per class). Default 0.1. */
  fraction?: number;
  /** Seed of the per-class choice. Default 0. */
  seed?: number;
}

/**
 * Split a view in two with the same class balance (e.g. train / validation): per class, a seeded random
 * `fraction` of its samples goes to `second`, the others to `first`. Both are views that keep the original order
 * (no pixel copy).
 *
 * @example
 * const { first: train, second: val } = stratifiedSplit(data.train, { fraction: 0.1, seed: 1 });
 */
export function stratifiedSplit(ds: Dataset, opts: StratifiedSplitOptions = {}): { first: Dataset; second: Dataset } {
  const fraction = opts.fraction ?? 0.1;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw fail('BAD_ARGUMENT', { where: 'stratifiedSplit', name: 'fraction', value: fraction, expected: 'in [0, 1]', example: 0.1 });
  }
  const byClass: number[][] = Array.from({ length: ds.numClasses }, () => []);
  const labels = ds.labels();
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const rng = new Rng(opts.seed ?? 0);
  const inSecond = new Uint8Array(ds.size);
  for (const positions of byClass) {
    const chosen = rng.shuffle(positions.slice()).slice(0, Math.round(positions.length * fraction));
    for (const p of chosen) inSecond[p] = 1;
  }
  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < ds.size; i++) (inSecond[i] ? second : first).push(i);
  return { first: ds.select(first), second: ds.select(second) };
}
