/** Shared fixtures of the surgery, pruning and maintenance tests: seeded random weights and masks. */
import * as tf from '@tensorflow/tfjs';
import { siteReads } from '../../../src/engine/graph/index.js';
import { Rng } from '../../../src/engine/rng.js';

/** Overwrite every weight with seeded values (BN variances positive), so BN and biases are not trivially 0/1. */
export function randomiseWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const layer of model.layers) {
    const ws = layer.weights;
    if (ws.length === 0) continue;
    const vals = ws.map((w) => {
      const n = w.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
      const variance = w.originalName.endsWith('moving_variance');
      const data = Float32Array.from({ length: n }, () => (variance ? 0.5 + rng.next() : (rng.next() - 0.5)));
      return tf.tensor(data, w.shape as number[]);
    });
    layer.setWeights(vals);
    tf.dispose(vals);
  }
}

/** A seeded mask keeping about `keep` of each site's neurons (at least one). */
export function randomMask(model: tf.LayersModel, seed: number, keep = 0.5): Record<string, Float32Array> {
  const rng = new Rng(seed);
  const out: Record<string, Float32Array> = {};
  for (const r of siteReads(model)) {
    const m = Float32Array.from({ length: r.site.neurons }, () => (rng.next() < keep ? 1 : 0));
    if (!m.some((v) => v === 1)) m[0] = 1;
    out[r.site.name] = m;
  }
  return out;
}

export function paramCount(model: tf.LayersModel): number {
  return model.weights.reduce((a, w) => a + w.shape.reduce<number>((x, d) => x * (d ?? 1), 1), 0);
}
