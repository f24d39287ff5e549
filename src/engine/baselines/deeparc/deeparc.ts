/**
 * DeepArc's compression baseline (docs/maintenance.md): linear CKA between consecutive residual blocks' outputs
 * on profiling data, modules by threshold (default 0.99), redundant blocks = every block of a multi-block module
 * but its first (D: the first converts, the rest add little), and the best of 5 random k-subsets of them, by
 * accuracy without retraining, is skipped. Chain models have no skippable blocks: their "modules" are layer ranges
 * and the result says that block removal does not apply.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { evaluate } from '../../train/index.js';
import { Rng } from '../../rng.js';
import { siteReads } from '../../graph/index.js';
import { linearCka, modulesByThreshold } from './cka.js';
import { residualBlocks, skipBlocks, type ResidualBlock } from './blocks.js';

export interface DeepArcOptions {
  /** CKA threshold for modules. Default 0.99. */
  threshold?: number;
  /** Blocks to remove. Default 1. */
  k?: number;
  /** Random k-subsets tried. Default 5. */
  tries?: number;
  /** Samples for CKA. Default 256. */
  samples?: number;
  seed?: number;
}

/** CKA between consecutive units and the modules they form. */
export interface DeepArcAnalysis {
  /** 'blocks' for residual models, 'layers' (sites) for chain models. */
  level: 'blocks' | 'layers';
  units: string[];
  neighbours: number[];
  modules: Array<[number, number]>;
  /** Redundant blocks (empty for chain models). */
  redundant: string[];
  note?: string;
}

async function flatRows(t: tf.Tensor): Promise<{ data: Float32Array; n: number; p: number }> {
  const n = t.shape[0]!;
  return { data: (await t.data()) as Float32Array, n, p: t.size / n };
}

/**
 * CKA of consecutive residual blocks (or, in a chain model, consecutive sites) on `data`, and the modules.
 *
 * @example
 * const a = await analyseDeepArc(model, data.train.take(256));
 * a.modules; a.redundant;  // ['block2_add', ...]
 */
export async function analyseDeepArc(model: tf.LayersModel, data: Dataset, opts: DeepArcOptions = {}): Promise<DeepArcAnalysis> {
  const threshold = opts.threshold ?? 0.99;
  const blocks = residualBlocks(model);
  const chain = blocks.length === 0;
  const units = chain ? siteReads(model).map((r) => r.site.readLayer) : blocks.map((b) => b.outputLayer);
  const sample = data.take(opts.samples ?? 256);
  const { images } = sample.gather(Int32Array.from({ length: sample.size }, (_, i) => i));
  // Tensors leave the tidy and are read outside it (tidy would walk the typed arrays element by element).
  const outs = tf.tidy(() => {
    const probe = tf.model({ inputs: model.inputs, outputs: units.map((u) => model.getLayer(u).output as tf.SymbolicTensor) });
    const out = probe.predict(tf.tensor4d(images, [sample.size, ...sample.sampleShape]));
    return Array.isArray(out) ? out : [out];
  });
  let reps: Array<Awaited<ReturnType<typeof flatRows>>>;
  try {
    reps = await Promise.all(outs.map((t) => flatRows(t)));
  } finally {
    tf.dispose(outs);
  }
  const neighbours: number[] = [];
  for (let i = 0; i + 1 < reps.length; i++) neighbours.push(linearCka(reps[i]!.data, reps[i + 1]!.data, reps[i]!.n, reps[i]!.p, reps[i + 1]!.p));
  const modules = modulesByThreshold(neighbours, threshold);
  const redundant = chain ? [] : modules.filter(([a, b]) => b > a).flatMap(([a, b]) => blocks.slice(a + 1, b + 1).map((x) => x.name));
  return {
    level: chain ? 'layers' : 'blocks', units, neighbours, modules, redundant,
    ...(chain ? { note: 'chain model: DeepArc modules are layer ranges; block removal does not apply' } : {}),
  };
}

/**
 * DeepArc's block removal: skip the best (by accuracy on `validation`, no retraining) of `tries` random k-subsets of the
 * redundant blocks. Returns the new model (a copy when nothing applies) and what was removed.
 */
export async function deeparcRemoveBlocks(model: tf.LayersModel, data: Dataset, validation: Dataset, opts: DeepArcOptions = {}): Promise<{ model: tf.LayersModel; removed: string[]; analysis: DeepArcAnalysis; accuracy?: number }> {
  const analysis = await analyseDeepArc(model, data, opts);
  const blocks = residualBlocks(model);
  const cands = blocks.filter((b) => analysis.redundant.includes(b.name));
  const k = Math.min(opts.k ?? 1, cands.length);
  if (k === 0) return { model: await skipBlocks(model, []), removed: [], analysis };
  const rng = new Rng(opts.seed ?? 0);
  let best: { subset: ResidualBlock[]; acc: number } | undefined;
  for (let t = 0; t < (opts.tries ?? 5); t++) {
    const order = rng.shuffle(Int32Array.from(cands.map((_, i) => i)));
    const subset = Array.from(order.slice(0, k)).sort((a, b) => a - b).map((i) => cands[i]!);
    const m = await skipBlocks(model, subset);
    const acc = (await evaluate(m, validation, { confusion: false })).accuracy;
    m.dispose();
    if (!best || acc > best.acc) best = { subset, acc };
  }
  return { model: await skipBlocks(model, best!.subset), removed: best!.subset.map((b) => b.name), analysis, accuracy: best!.acc };
}

/** One block's change: linear CKA between its input and its output (1 = the block changes nothing). */
export interface BlockChange { block: string; cka: number }

/**
 * DeepArc's k-lowest-change variant, for models where no consecutive blocks pass the module threshold: skip the k
 * residual blocks whose output is most similar to their input (highest linear CKA on `data`), no retraining.
 *
 * @example
 * const r = await deeparcLowestChange(model, data.train.take(256), 2);
 * r.removed; r.change;   // the blocks skipped, and every block's input/output CKA
 */
export async function deeparcLowestChange(model: tf.LayersModel, data: Dataset, k: number, opts: { samples?: number } = {}): Promise<{ model: tf.LayersModel; removed: string[]; change: BlockChange[] }> {
  const blocks = residualBlocks(model);
  if (blocks.length === 0) return { model: await skipBlocks(model, []), removed: [], change: [] };
  const sample = data.take(opts.samples ?? 256);
  const { images } = sample.gather(Int32Array.from({ length: sample.size }, (_, i) => i));
  // Consecutive blocks share a tensor (one block's output is the next one's input): a model lists each output once.
  const layers = [...new Set(blocks.flatMap((b) => [b.inputLayer, b.outputLayer]))];
  const at = (layer: string): number => layers.indexOf(layer);
  const outs = tf.tidy(() => {
    const probe = tf.model({ inputs: model.inputs, outputs: layers.map((u) => model.getLayer(u).output as tf.SymbolicTensor) });
    const out = probe.predict(tf.tensor4d(images, [sample.size, ...sample.sampleShape]));
    return Array.isArray(out) ? out : [out];
  });
  let reps: Array<{ data: Float32Array; n: number; p: number }>;
  try {
    reps = [];
    for (const t of outs) reps.push({ data: (await t.data()) as Float32Array, n: t.shape[0]!, p: t.size / t.shape[0]! });
  } finally {
    tf.dispose(outs);
  }
  const change = blocks.map((b) => {
    const x = reps[at(b.inputLayer)]!, y = reps[at(b.outputLayer)]!;
    return { block: b.name, cka: linearCka(x.data, y.data, x.n, x.p, y.p) };
  });
  const order = change.map((c, i) => i).sort((i, j) => change[j]!.cka - change[i]!.cka || i - j);
  const chosen = order.slice(0, Math.max(0, Math.min(k, blocks.length))).sort((a, b) => a - b).map((i) => blocks[i]!);
  return { model: await skipBlocks(model, chosen), removed: chosen.map((b) => b.name), change };
}
