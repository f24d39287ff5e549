/**
 * Fresh weights for the free neurons before a new task is learnt in them (ours, D).
 *
 * A neuron is free when no earlier task's slice holds it, and the slices hold every neuron that contributes to an
 * earlier task: what is left is mostly neurons that never fire on the tasks seen so far. A ReLU neuron that never
 * fires has no gradient, so "learn in the free neurons" learnt nothing in them (on split-MNIST with LeNet-5, after
 * three tasks, 60 of 64 free fc1 neurons and 50 of 53 free fc2 neurons were silent on the fourth task's images, and
 * that task stayed at chance). So each free neuron starts again as a fresh neuron of its layer: its incoming kernel
 * entries are drawn as the zoo draws them (Glorot uniform, seeded), its bias is 0, BatchNormalization gamma 1, beta 0,
 * moving mean 0 and variance 1. Its outgoing weights are kept (they train). Nothing an earlier task's inference
 * reads changes: those inferences mask the free neurons, so their logits stay bit-identical (extend checks it).
 */
import * as tf from '@tensorflow/tfjs';
import type { NeuronMask } from '../../masks/index.js';
import { weightMasksFor } from '../../masks/weight-masks.js';
import { Rng } from '../../rng.js';

/** What was re-drawn: per site, the neurons made fresh; and the weight entries written. */
export interface FreshNeurons {
  neurons: Record<string, number>;
  entries: number;
}

/** The fresh value of an entry of a weight, by the weight's kind (its short name). */
function freshValue(name: string, shape: readonly number[], rng: Rng): () => number {
  const short = name.split('/').pop() ?? name;
  if (/gamma|moving_variance/.test(short)) return () => 1;
  if (/beta|moving_mean|bias/.test(short)) return () => 0;
  // Glorot uniform over the kernel's fans (the last two axes are in and out; the rest is the receptive field).
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * (shape.at(-2) ?? 1);
  const fanOut = receptive * (shape.at(-1) ?? 1);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return () => (2 * rng.next() - 1) * limit;
}

/**
 * Give every neuron outside `kept` (the earlier tasks' slices) fresh incoming weights, in place; deterministic for a
 * seed.
 *
 * @example
 * const fresh = await freshenFreeNeurons(work, union.mask(), 7);
 * fresh.neurons;   // { conv1: 0, conv2: 1, fc1: 55, fc2: 28 }
 */
export async function freshenFreeNeurons(model: tf.LayersModel, kept: NeuronMask, seed: number): Promise<FreshNeurons> {
  // Entries owned by a free site neuron: its incoming kernel entries, bias and BatchNormalization parameters.
  const owned = weightMasksFor(model, kept, (out) => !out.critical && out.origins.every((o) => o.kind === 'site'));
  const rng = new Rng(seed);
  let entries = 0;
  for (const w of model.weights) {
    const m = owned[w.originalName];
    if (!m || !m.some((x) => x !== 0)) continue;
    const v = w.read();
    const values = Float32Array.from((await v.data()) as Float32Array);
    const draw = freshValue(w.originalName, w.shape as number[], rng);
    for (let i = 0; i < values.length; i++) if (m[i]) { values[i] = draw(); entries++; }
    const t = tf.tensor(values, v.shape, 'float32');
    try { w.write(t); } finally { t.dispose(); }
  }
  const neurons: Record<string, number> = {};
  for (const [site, m] of Object.entries(kept)) neurons[site] = m.reduce((a, x) => a + (x ? 0 : 1), 0);
  return { neurons, entries };
}
