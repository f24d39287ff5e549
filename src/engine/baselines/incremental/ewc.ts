/**
 * Elastic weight consolidation with the empirical Fisher as Avalanche computes it (docs/maintenance.md): after the
 * old task, in inference mode, over the old task's training data in minibatches, backpropagate the MEAN
 * cross-entropy with the true labels and add the squared gradient; divide by the number of minibatches. The penalty
 * is lambda * sum_i F_i (theta_i - theta*_i)^2, with no 1/2 factor (Avalanche, Hsu et al.).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { logitsModel } from '../../graph/index.js';
import { crossEntropy } from '../../train/index.js';

/** The empirical Fisher and the anchor weights of every trainable weight (by originalName). */
export interface EwcState {
  fisher: Map<string, tf.Tensor>;
  anchor: Map<string, tf.Tensor>;
  /** Minibatches the Fisher averages. */
  batches: number;
  samples: number;
}

/**
 * Empirical Fisher of the model on `data` (minibatch-approximated, as Avalanche), and the current weights as anchors.
 * The caller disposes the state (disposeEwc).
 *
 * @example
 * const st = empiricalFisher(model, taskA.take(1000), 64);
 * const penalty = ewcPenalty(model, st, 100);  // () => tf.Scalar, for train({ extraLoss: penalty })
 */
export function empiricalFisher(model: tf.LayersModel, data: Dataset, batchSize: number): EwcState {
  const head = logitsModel(model);
  const vars = model.trainableWeights.map((w) => ({ name: w.originalName, v: w.read() as tf.Variable }));
  const sums = new Map<string, tf.Tensor>(vars.map(({ name, v }) => [name, tf.zerosLike(v)]));
  let batches = 0;
  for (const b of data.batches(batchSize)) {
    try {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => crossEntropy(head.apply(b.xs, false), b.ys, head.units), vars.map((x) => x.v));
        for (const { name, v } of vars) {
          const g = grads[v.name];
          if (!g) continue;
          const next = tf.keep(tf.add(sums.get(name)!, tf.square(g)));
          sums.get(name)!.dispose();
          sums.set(name, next);
        }
      });
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
    batches++;
  }
  const fisher = new Map<string, tf.Tensor>();
  for (const [name, s] of sums) { fisher.set(name, tf.tidy(() => tf.div(s, Math.max(1, batches)))); s.dispose(); }
  const anchor = new Map(vars.map(({ name, v }) => [name, tf.clone(v)]));
  return { fisher, anchor, batches, samples: data.size };
}

/** The penalty lambda * sum F (theta - theta*)^2 as an extraLoss for train(). */
export function ewcPenalty(model: tf.LayersModel, st: EwcState, lambda: number): () => tf.Scalar {
  const vars = model.trainableWeights.map((w) => ({ name: w.originalName, v: w.read() as tf.Variable }));
  return () => {
    let total: tf.Scalar = tf.scalar(0);
    for (const { name, v } of vars) {
      const f = st.fisher.get(name), a = st.anchor.get(name);
      if (!f || !a) continue;
      total = tf.add(total, tf.sum(tf.mul(f, tf.square(tf.sub(v, a))))) as tf.Scalar;
    }
    return tf.mul(total, lambda) as tf.Scalar;
  };
}

/** Frees the Fisher and the anchors. */
export function disposeEwc(st: EwcState): void {
  for (const t of st.fisher.values()) t.dispose();
  for (const t of st.anchor.values()) t.dispose();
}
