/**
 * Iterative magnitude pruning state: one survival mask per Dense/Conv2D kernel. Each `step` asks a pruner how many
 * entries of each kernel to prune so that `amount` of the surviving weights go, removes the smallest-magnitude
 * survivors of each kernel (ties: lower index first), and writes exact zeros into the model. `gradientMasks()` is
 * what train() takes so that pruned entries stay exactly zero through fine-tuning.
 */
import * as tf from '@tensorflow/tfjs';
import { isWeightKind, modelGraph, weightShortName } from '../graph/index.js';
import { fail } from '../messages/index.js';
import type { PrunableLayer } from './pruners.js';
import { getPruner, type PrunerDef } from './registry.js';

/** What one pruning step did. */
export interface PruneStepResult {
  /** Entries pruned by this step. */
  pruned: number;
  /** Surviving kernel entries after it, and all kernel entries. */
  surviving: number;
  total: number;
  /** Per kernel: its sparsity (pruned / size) after the step. */
  sparsity: Record<string, number>;
}

/** The Dense/Conv2D kernels of a model in graph order (what the pruners prune). */
export function prunableKernels(model: tf.LayersModel): tf.LayerVariable[] {
  const out: tf.LayerVariable[] = [];
  for (const s of modelGraph(model).steps) {
    if (!isWeightKind(s.spec.kind)) continue;
    for (const w of s.layer.weights) if (s.spec.weights[weightShortName(w.originalName)]?.in !== undefined) out.push(w);
  }
  return out;
}

/**
 * Pruning state of one model.
 *
 * @example
 * const p = new PruningState(model);
 * await p.step('lamp', 0.2);                                  // 20% of the surviving kernel weights -> 0
 * await train(model, data, { gradientMasks: p.gradientMasks() });  // they stay 0
 */
export class PruningState {
  private readonly kernels: tf.LayerVariable[];
  private readonly masks = new Map<string, Float32Array>();

  /** `initial` masks (by weight name; 0 = already gone, e.g. surgery's retained zeros) start the schedule. */
  constructor(readonly model: tf.LayersModel, initial: Record<string, Float32Array> = {}) {
    this.kernels = prunableKernels(model);
    if (this.kernels.length === 0) {
      throw fail('NOTHING_TO_PRUNE', { model: model.name });
    }
    for (const k of this.kernels) {
      const size = k.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
      const m = initial[k.originalName];
      if (m && m.length !== size) throw fail('BAD_MASK', { case: 'weight', mask: 'initial pruning', weight: k.originalName, entries: m.length, shape: k.shape });
      this.masks.set(k.originalName, m ? Float32Array.from(m, (v) => (v !== 0 ? 1 : 0)) : new Float32Array(size).fill(1));
    }
    this.writeZeros();
  }

  /** Prune `amount` (in (0, 1)) of the surviving kernel weights with a pruner (name or definition). */
  async step(pruner: string | PrunerDef, amount: number): Promise<PruneStepResult> {
    if (!(amount > 0 && amount < 1)) {
      throw fail('BAD_PRUNE_AMOUNT', { amount });
    }
    const def = typeof pruner === 'string' ? getPruner(pruner) : pruner;
    const layers: PrunableLayer[] = await Promise.all(this.kernels.map(async (k) => ({
      name: k.originalName, shape: k.shape.map((d) => d ?? 1), values: (await k.read().data()) as Float32Array, mask: this.masks.get(k.originalName)!,
    })));
    const counts = def.counts(layers, amount);
    let pruned = 0;
    layers.forEach((l, i) => {
      const want = counts[i] ?? 0;
      const alive: number[] = [];
      l.mask.forEach((m, k) => { if (m !== 0) alive.push(k); });
      alive.sort((a, b) => Math.abs(l.values[a]!) - Math.abs(l.values[b]!) || a - b);
      const n = Math.max(0, Math.min(want, alive.length));
      for (let j = 0; j < n; j++) l.mask[alive[j]!] = 0;
      pruned += n;
    });
    this.writeZeros();
    const { surviving, total } = this.counts();
    const sparsity: Record<string, number> = {};
    for (const [name, m] of this.masks) sparsity[name] = m.reduce((a, v) => a + (v === 0 ? 1 : 0), 0) / m.length;
    return { pruned, surviving, total, sparsity };
  }

  /** Surviving and total kernel entries. */
  counts(): { surviving: number; total: number } {
    let surviving = 0, total = 0;
    for (const m of this.masks.values()) { total += m.length; for (const v of m) if (v !== 0) surviving++; }
    return { surviving, total };
  }

  /** Copies of the survival masks, by weight name: train()'s gradientMasks. */
  gradientMasks(): Record<string, Float32Array> {
    return Object.fromEntries([...this.masks].map(([k, v]) => [k, Float32Array.from(v)]));
  }

  /** Pruned entries set to exactly 0 in the model. */
  private writeZeros(): void {
    for (const k of this.kernels) {
      const m = this.masks.get(k.originalName)!;
      const v = k.read();
      const next = tf.tidy(() => tf.mul(v, tf.tensor(m, v.shape, 'float32')));
      k.write(next);
      next.dispose();
    }
  }
}
