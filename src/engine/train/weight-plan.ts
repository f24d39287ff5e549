import * as tf from '@tensorflow/tfjs';
import { fail, unknownNameError } from '../messages/index.js';
import type { GradientMasks } from './options.js';

/** A weight whose (masked) entries are put back after each optimizer step, so they stay bit-identical. */
interface Guard {
  variable: tf.Variable;
  /** true where the weight may change; absent = restore the whole weight. */
  keep?: tf.Tensor;
  frozen: tf.Tensor;
}

/** The variables to optimise, their gradient masks, and the guards that keep frozen entries exact. */
export class WeightPlan {
  readonly varList: tf.Variable[] = [];
  private readonly masks = new Map<string, tf.Tensor>();
  private readonly guards: Guard[] = [];

  constructor(model: tf.LayersModel, masks: GradientMasks = {}, trainable?: (name: string) => boolean) {
    const byName = new Map(model.weights.map((w) => [w.originalName, w]));
    for (const [name, m] of Object.entries(masks)) {
      const w = byName.get(name);
      if (!w) throw unknownNameError('UNKNOWN_WEIGHT', 'weight in gradientMasks', name, [...byName.keys()]);
      const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      const n = m instanceof tf.Tensor ? m.size : m.length;
      if (n !== size) {
        throw fail('BAD_MASK', { case: 'weight', mask: 'gradient', weight: name, entries: n, shape: w.shape });
      }
    }
    try {
      for (const w of model.weights) this.plan(w, masks[w.originalName], trainable ? trainable(w.originalName) : true);
    } catch (e) {
      this.dispose();
      throw e;
    }
    if (this.varList.length === 0) {
      throw fail('NOTHING_TO_TRAIN', { case: 'all-frozen', model: model.name });
    }
  }

  private plan(w: tf.LayerVariable, mask: tf.Tensor | Float32Array | undefined, allowed: boolean): void {
    const v = w.read() as tf.Variable;
    const m = mask === undefined ? undefined : tf.tidy(() =>
      mask instanceof tf.Tensor ? tf.cast(mask, 'float32').reshape(v.shape) : tf.tensor(mask, v.shape, 'float32'));
    if (w.trainable && allowed) {
      this.varList.push(v);
      if (m) {
        this.masks.set(v.name, m);
        this.guards.push({ variable: v, keep: tf.notEqual(m, 0), frozen: tf.clone(v) });
      }
      return;
    }
    // Not optimised: a non-trainable weight (BatchNorm moving stats) still changes in the forward pass; guard it
    // when the caller froze it (whole) or masked it (entries). A frozen trainable weight just stays out of varList.
    if (!w.trainable && !allowed) this.guards.push({ variable: v, frozen: tf.clone(v) });
    else if (!w.trainable && m) this.guards.push({ variable: v, keep: tf.notEqual(m, 0), frozen: tf.clone(v) });
    m?.dispose();
  }

  /** The gradient masks by variable name; the optimizer multiplies each gradient by its mask (FusedAdam.step). */
  get gradientMasks(): ReadonlyMap<string, tf.Tensor> {
    return this.masks;
  }

  /** Put frozen entries back after an optimizer step (Adam moves a weight even on a zero gradient). */
  restore(): void {
    for (const g of this.guards) {
      tf.tidy(() => g.variable.assign(g.keep ? tf.where(g.keep, g.variable, g.frozen) : g.frozen));
    }
  }

  dispose(): void {
    for (const g of this.guards) { g.keep?.dispose(); g.frozen.dispose(); }
    for (const m of this.masks.values()) m.dispose();
    this.guards.length = 0;
    this.masks.clear();
  }
}
