/**
 * Class-subset slices as models (docs/algorithm.md, "Slices of class subsets are models"): for every semantic
 * component and every single class, the CR and accuracy of the model masked to that subset's slice, beside
 * category-wise top-k at the same CR (docs/algorithm.md, "Merging, stability, subset slices, damage").
 *
 * - A component S: the mask is slice.forClasses(S); accuracy on the test samples of S with the argmax restricted
 *   to S (a model that serves only S).
 * - A single class c (one-vs-rest, "is the sample of class c or not?"): the mask is slice.forClasses([c]); the
 *   masked model says "c" when its argmax over all logits is c; measured on all test samples as balanced accuracy
 *   (mean of the true-positive and true-negative rates), because 90% of a 10-class test set is "not c".
 * - Baseline: category-wise top-k% of the same classes' scores (the slice's own normalised scores), with k found by
 *   bisection so that its CR brackets the semantic CR; its accuracy is linearly interpolated at the semantic CR
 *   between the two bracketing k (the rule of compareAtEqualCR). null when top-k cannot reach that CR.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fail } from '../messages/index.js';
import type { ProgressCallback } from '../log.js';
import { compressionRate } from '../masks/compression.js';
import { evaluate, predictLabels } from '../train/evaluate.js';
import { interpolateAt } from './compare.js';
import { selectTopK } from './selection.js';
import type { Slice } from './slice.js';
import { checkSliceFits, type SliceFitOptions } from './slice-fit.js';

/** One row of {@link subsetFidelity}. */
export interface SubsetFidelityRow {
  /** 'component' (argmax over its classes) or 'class' (one-vs-rest). */
  kind: 'component' | 'class';
  /** e.g. "{Sandal, Sneaker, Ankle boot}" or "Trouser vs rest". */
  name: string;
  classes: number[];
  /** Test samples measured (of S for a component; all for one-vs-rest). */
  samples: number;
  /** CR of the subset slice's mask. */
  cr: number;
  /** Accuracy of the masked model (component: restricted argmax; class: balanced one-vs-rest accuracy). */
  accuracy: number;
  /** The same measure for the unmasked model. */
  fullAccuracy: number;
  /** Category-wise top-k of the same classes, interpolated at `cr`; null when top-k cannot reach that CR. */
  baselineAccuracy: number | null;
  /** The two k (percent) whose CRs bracket `cr` (equal when one hits it); null with baselineAccuracy null. */
  baselineK: [number, number] | null;
}

export interface SubsetFidelityOptions extends Pick<SliceFitOptions, 'allowForeignSlice'> {
  /** Also every single class, one-vs-rest. Default true. */
  classes?: boolean;
  /** Also every component. Default true. */
  components?: boolean;
  /** Evaluation batch size. Default 256. */
  batchSize?: number;
  /** Phase "subsets": subsets done. */
  onProgress?: ProgressCallback;
}

type Mask = Record<string, Float32Array>;

/** The category-wise top-k% mask of the given rows of the slice's scores. */
function topKMask(s: Slice, rows: readonly number[], k: number): Mask {
  const st = s.state;
  const scores: Record<string, Float32Array> = {};
  for (const site of st.sites) {
    const n = site.neurons;
    const out = new Float32Array(rows.length * n);
    rows.forEach((r, i) => out.set(st.scores[site.name]!.subarray(r * n, (r + 1) * n), i * n));
    scores[site.name] = out;
  }
  const crit = selectTopK(scores, st.sites, rows.length, k);
  const mask: Mask = {};
  for (const site of st.sites) {
    const m = new Float32Array(site.neurons);
    const f = crit[site.name]!;
    for (let r = 0; r < rows.length; r++) for (let i = 0; i < site.neurons; i++) if (f[r * site.neurons + i]) m[i] = 1;
    mask[site.name] = m;
  }
  return mask;
}

/**
 * The two k whose top-k CRs bracket `target` (CR falls as k grows): bisection over k in (0, 100], 30 steps.
 * null when even the smallest k keeps too much (its CR stays below target).
 */
export function bracketK(crOf: (k: number) => number, target: number): [number, number] | null {
  let lo = 1e-6;
  let hi = 100;
  if (crOf(lo) < target - 1e-12) return null;
  if (crOf(hi) >= target - 1e-12) return [hi, hi];
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (crOf(mid) >= target) lo = mid;
    else hi = mid;
  }
  return [lo, hi];
}

function balanced(pred: Int32Array, labels: Int32Array, c: number): number {
  let tp = 0, pos = 0, tn = 0, neg = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === c) { pos++; if (pred[i] === c) tp++; } else { neg++; if (pred[i] !== c) tn++; }
  }
  return ((pos ? tp / pos : 0) + (neg ? tn / neg : 0)) / 2;
}

/**
 * CR and accuracy of every component's and every single class's slice, beside category-wise top-k at the same CR.
 * Deterministic; every tensor is disposed. Cost: about four evaluations per subset. The slice must be of this model
 * (checkSliceFits; allowForeignSlice to use another model's on purpose).
 *
 * @example
 * const rows = await subsetFidelity(model, data.test, slice);
 * rows.filter((r) => r.kind === 'component').map((r) => [r.name, r.cr, r.accuracy, r.baselineAccuracy]);
 */
export async function subsetFidelity(model: tf.LayersModel, data: Dataset, slice: Slice, opts: SubsetFidelityOptions = {}): Promise<SubsetFidelityRow[]> {
  await checkSliceFits(model, slice, { allowForeignSlice: opts.allowForeignSlice ?? false });
  const batchSize = opts.batchSize ?? 256;
  const names = slice.classNames;
  const st = slice.state;
  if (st.classes.length !== names.length || st.selection !== null) {
    throw fail('NOT_WHOLE_SLICE', { where: 'subsetFidelity', case: 'subset', classes: st.classes.length, total: names.length, selection: st.selection !== null });
  }
  const subsets: { kind: 'component' | 'class'; classes: number[] }[] = [];
  if (opts.components ?? true) for (const c of slice.components) subsets.push({ kind: 'component', classes: c.classes });
  if (opts.classes ?? true) for (const c of st.classes) subsets.push({ kind: 'class', classes: [c] });
  const labels = data.labels();
  let fullPred: Int32Array | null = null;
  const rows: SubsetFidelityRow[] = [];
  for (const [i, sub] of subsets.entries()) {
    const S = sub.classes;
    const rowsOf = S.map((c) => st.classes.indexOf(c));
    const mask = slice.forClasses(S).mask();
    const cr = compressionRate(model, mask);
    const measure = async (m: Mask | undefined): Promise<number> => {
      if (sub.kind === 'component') return (await evaluate(model, data, { batchSize, classes: S, confusion: false, ...(m ? { mask: m } : {}) })).accuracy;
      const pred = m ? await predictLabels(model, data, { batchSize, mask: m }) : (fullPred ??= await predictLabels(model, data, { batchSize }));
      return balanced(pred, labels, S[0]!);
    };
    const crCache = new Map<number, number>();
    const crOf = (k: number) => {
      if (!crCache.has(k)) crCache.set(k, compressionRate(model, topKMask(slice, rowsOf, k)));
      return crCache.get(k)!;
    };
    const ks = bracketK(crOf, cr);
    let baselineAccuracy: number | null = null;
    if (ks) {
      const pts: Array<{ cr: number; accuracy: number }> = [];
      for (const k of new Set(ks)) pts.push({ cr: crOf(k), accuracy: await measure(topKMask(slice, rowsOf, k)) });
      pts.sort((a, b) => a.cr - b.cr);
      baselineAccuracy = interpolateAt(pts, cr);
    }
    const samples = sub.kind === 'component' ? S.reduce((a, c) => a + labels.filter((y) => y === c).length, 0) : data.size;
    rows.push({
      kind: sub.kind,
      name: sub.kind === 'component' ? `{${S.map((c) => names[c]).join(', ')}}` : `${names[S[0]!]} vs rest`,
      classes: [...S], samples, cr, accuracy: await measure(mask), fullAccuracy: await measure(undefined),
      baselineAccuracy, baselineK: ks,
    });
    opts.onProgress?.({ phase: 'subsets', done: i + 1, total: subsets.length });
  }
  return rows;
}
