/**
 * DeepArc's incremental variant (docs/maintenance.md): learn the new task only in the redundant layers. Redundancy
 * comes from linear CKA between consecutive units on the old task's data (analyseDeepArc): residual blocks inside a
 * multi-block module but its first (resnet-small), or, in a chain model, sites inside a multi-site module but its
 * first (DeepArc's modules are then layer ranges). Decisions where DeepArc is silent (D):
 * - when no module has more than one unit at the threshold, the later unit of the most similar consecutive pair is
 *   taken (the most redundant one), and the result says so;
 * - the new classes need output rows: the classifier's rows and bias entries of the new classes train too, the old
 *   classes' rows stay frozen (as in ours), so the head is treated alike across the two methods.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { siteReads } from '../../graph/index.js';
import { constantMasks } from '../../masks/train-masks.js';
import { weightMasksFor, type EndInfo } from '../../masks/weight-masks.js';
import { analyseDeepArc } from './deeparc.js';
import { residualBlocks } from './blocks.js';

/** What DeepArc's incremental variant trains. */
export interface DeepArcIncremental {
  level: 'blocks' | 'layers';
  /** Redundant units (blocks or sites) that learn the new task. */
  units: string[];
  /** Every layer whose weights train (besides the new classes' classifier rows). */
  layers: string[];
  neighbours: number[];
  fallback: boolean;
  masks: Record<string, Float32Array>;
}

/**
 * The redundant layers of a model on the old task's data, and the weight masks that train only them plus the new
 * classes' output rows.
 *
 * @example
 * const d = await deeparcIncremental(model, taskA.take(256), [5, 6, 7, 8, 9]);
 * d.units;   // e.g. ['fc2'] for lenet5
 */
export async function deeparcIncremental(model: tf.LayersModel, oldData: Dataset, newClasses: readonly number[], opts: { threshold?: number; samples?: number; seed?: number } = {}): Promise<DeepArcIncremental> {
  const a = await analyseDeepArc(model, oldData, { threshold: opts.threshold ?? 0.99, samples: opts.samples ?? 256, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const blocks = residualBlocks(model);
  const reads = siteReads(model);
  const names = a.level === 'blocks' ? blocks.map((b) => b.name) : reads.map((r) => r.site.name);
  const layersOf = (i: number): string[] => (a.level === 'blocks' ? blocks[i]!.layers : [reads[i]!.site.name, ...reads[i]!.site.followers]);
  let idx = a.modules.filter(([s, e]) => e > s).flatMap(([s, e]) => Array.from({ length: e - s }, (_, k) => s + 1 + k));
  let fallback = false;
  if (idx.length === 0 && a.neighbours.length > 0) {
    let best = 0;
    a.neighbours.forEach((c, i) => { if (c > a.neighbours[best]!) best = i; });
    idx = [best + 1];
    fallback = true;
  }
  const layers = idx.flatMap(layersOf);
  const masks = constantMasks(model, 0);
  const train = new Set(layers);
  for (const l of model.layers) if (train.has(l.name)) for (const w of l.weights) masks[w.originalName]!.fill(1);
  const fresh = new Set(newClasses);
  const head = weightMasksFor(model, {}, (out: EndInfo) => out.origins.every((o) => o.kind === 'layer') && out.origins.some((o) => o.kind === 'layer' && fresh.has(o.neuron)));
  for (const [k, m] of Object.entries(head)) { const t = masks[k]!; for (let i = 0; i < m.length; i++) if (m[i]) t[i] = 1; }
  return { level: a.level, units: idx.map((i) => names[i]!), layers, neighbours: a.neighbours, fallback, masks };
}
