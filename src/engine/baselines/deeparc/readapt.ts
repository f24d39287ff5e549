/**
 * DeepArc's re-adaptation (docs/maintenance.md): rank units by how much the representation of the new samples
 * departs from that of their clean counterparts across each unit, and train only the top ones.
 * Units are residual blocks (resnet-small) or, in a chain model, sites (DeepArc's modules are then layer ranges; we
 * rank single layers). For unit i, CKA(i) is the linear CKA between the unit's output on the clean counterparts
 * (through the reference model: the undamaged original for a mutant, the model itself for adversarial samples) and
 * its output on the new samples (through the model); CKA(-1) is the same at the input. Score(i) = CKA(i-1) - CKA(i);
 * the `topK` best-scoring units train (every weight of their layers: a block's branch, a site's layer and its
 * per-channel followers), the rest, classifier included, are frozen, as in DeepArc's demo (its 0.5 MSE feature
 * alignment term is left out: every method here trains on the same cross-entropy).
 * Default topK: half the units, rounded up (DeepArc's demo takes 5 of ResNet-20's blocks; D).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import { siteReads } from '../../graph/index.js';
import { linearCka } from './cka.js';
import { residualBlocks } from './blocks.js';

/** One unit's score. */
export interface DeepArcUnitScore { unit: string; cka: number; score: number; chosen: boolean }

async function outputs(model: tf.LayersModel, layers: string[], data: Dataset): Promise<Array<{ data: Float32Array; p: number }>> {
  const { images } = data.gather(Int32Array.from({ length: data.size }, (_, i) => i));
  // Tensors leave the tidy and are read outside it (tidy would walk the typed arrays element by element).
  const outs = tf.tidy(() => {
    const probe = tf.model({ inputs: model.inputs, outputs: layers.map((u) => model.getLayer(u).output as tf.SymbolicTensor) });
    const out = probe.predict(tf.tensor4d(images, [data.size, ...data.sampleShape]));
    return Array.isArray(out) ? out : [out];
  });
  try {
    return await Promise.all(outs.map(async (t) => ({ data: (await t.data()) as Float32Array, p: t.size / data.size })));
  } finally {
    tf.dispose(outs);
  }
}

/**
 * Rank a model's blocks (or layers) by the CKA drop between clean and new samples.
 *
 * @example
 * const r = await deeparcReadaptRanking(model, adv.sources.take(256), adv.data.take(256), { topK: 2 });
 * r.units.filter((u) => u.chosen);   // the units DeepArc would retrain
 */
export async function deeparcReadaptRanking(model: tf.LayersModel, clean: Dataset, fresh: Dataset, opts: { reference?: tf.LayersModel; topK?: number } = {}): Promise<{ level: 'blocks' | 'layers'; units: DeepArcUnitScore[]; layers: Record<string, string[]> }> {
  if (clean.size !== fresh.size || clean.size < 2) {
    throw fail('BAD_READAPT_OPTIONS', { case: 'deeparc-counts', clean: clean.size, fresh: fresh.size });
  }
  const blocks = residualBlocks(model);
  const chain = blocks.length === 0;
  const reads = siteReads(model);
  const unitNames = chain ? reads.map((r) => r.site.name) : blocks.map((b) => b.name);
  const outLayers = chain ? reads.map((r) => r.site.readLayer) : blocks.map((b) => b.outputLayer);
  const layers: Record<string, string[]> = {};
  if (chain) for (const r of reads) layers[r.site.name] = [r.site.name, ...r.site.followers];
  else for (const b of blocks) layers[b.name] = b.layers;
  const ref = opts.reference ?? model;
  const a = await outputs(ref, outLayers, clean);
  const b = await outputs(model, outLayers, fresh);
  const n = clean.size;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const x0 = clean.gather(all).images, x1 = fresh.gather(all).images;
  const per = x0.length / n;
  let prev = linearCka(x0, x1, n, per, per);
  const cka = a.map((ai, i) => linearCka(ai.data, b[i]!.data, n, ai.p, b[i]!.p));
  const scores = cka.map((c) => { const s = prev - c; prev = c; return s; });
  const k = Math.max(1, Math.min(unitNames.length, opts.topK ?? Math.ceil(unitNames.length / 2)));
  const top = new Set([...scores.keys()].sort((i, j) => scores[j]! - scores[i]! || i - j).slice(0, k));
  return { level: chain ? 'layers' : 'blocks', units: unitNames.map((unit, i) => ({ unit, cka: cka[i]!, score: scores[i]!, chosen: top.has(i) })), layers };
}
