/**
 * Repair workloads (docs/maintenance.md, D): a mutant is a copy of the model
 * whose kernel and bias entries of its Dense/Conv2D layers (the classifier included) are overwritten with
 * N(0, std of that weight), in growing steps of `stepFraction` of all such entries (one order over all of them),
 * until its accuracy on `data` has dropped by `drop` points (absolute). The step that crosses the target is then
 * bisected on the number of replaced entries (the order is fixed, so accuracy at each count is deterministic), so the
 * drop lands within `tolerance` of the target whenever one entry more or less does not jump past it. Mutant i uses
 * seed `seed + i`.
 *
 * The order is a seeded random one, or, with `focusClass` (a mutant damaged on one class, D), the entries that matter
 * to that class more than to the others first: per entry, the first-order Taylor importance |w * dL_k/dw| of the
 * class-k cross-entropy on up to FOCUS_SAMPLES images of class k, and the score of class c minus the mean over the
 * other classes (ties in seeded random order). The drop is then measured on the images of class c, and the result
 * gives every class's accuracy before and after, so how far the damage concentrates is measured, not assumed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fail } from '../messages/index.js';
import { isWeightKind, layerSpec, logitsModel } from '../graph/index.js';
import { Rng } from '../rng.js';
import { crossEntropy, evaluate } from '../train/index.js';
import { cloneModel } from './clone.js';

/** Options of {@link mutants}. */
export interface MutantOptions {
  /** Accuracy drop to reach, absolute, in (0, 1) (0.3 = 30 points). */
  drop: number;
  /** Mutants to make. Default 3. */
  count?: number;
  /** Mutant i is seeded with seed + i. Default 0. */
  seed?: number;
  /** Fraction of every weight replaced per coarse step. Default 0.05. */
  stepFraction?: number;
  /** Largest allowed |achieved drop - drop|. Default 0.02 (two points). */
  tolerance?: number;
  /** Default 256. */
  batchSize?: number;
  /** Damage this class above all (see the file comment); the drop is measured on its images in `data`. */
  focusClass?: number;
}

/** One damaged copy. */
export interface Mutant {
  /** The mutant (owned by the caller). */
  model: tf.LayersModel;
  seed: number;
  /** Fraction of the mutable entries (Dense/Conv2D kernels and biases) replaced. */
  fractionReplaced: number;
  /** Entries replaced, out of `mutable`. */
  replaced: number;
  mutable: number;
  /** Accuracy on `data` before and after, and the achieved drop (before - after). */
  accuracyBefore: number;
  accuracy: number;
  achievedDrop: number;
  /** True when |achievedDrop - drop| <= tolerance. */
  withinTolerance: boolean;
  /** The class the damage was aimed at (null: random damage); the drop above is measured on its images. */
  focusClass: number | null;
  /** Accuracy per class on `data` before and after (NaN for a class without images). */
  perClassBefore: number[];
  perClassAfter: number[];
}

/** Images per class the focus order's importance is estimated on. */
const FOCUS_SAMPLES = 256;

interface Target { index: number; values: Float32Array; noise: Float32Array; shape: number[]; offset: number }
/** The mutable weights and one seeded replacement order over all their entries (global, so the damage grows one
 * entry at a time whatever the layer sizes; per-layer fractions would move small layers in large jumps). */
interface Plan { targets: Target[]; order: Int32Array; total: number }

function std(v: Float32Array): number {
  let m = 0; for (const x of v) m += x; m /= v.length || 1;
  let s = 0; for (const x of v) s += (x - m) ** 2;
  return Math.sqrt(s / (v.length || 1));
}

/** The mutable weights of a model (indices into getWeights()) with their replacement values, and the order. */
async function plan(model: tf.LayersModel, rng: Rng, focus?: { data: Dataset; cls: number; batchSize: number }): Promise<Plan> {
  const all = model.weights;
  const mutable = new Set<string>();
  for (const l of model.layers) {
    if (isWeightKind(layerSpec(l).kind)) for (const w of l.trainableWeights) mutable.add(w.originalName);
  }
  const targets: Target[] = [];
  let total = 0;
  for (const [index, w] of all.entries()) {
    if (!mutable.has(w.originalName)) continue;
    const values = (await w.read().data()) as Float32Array;
    const sigma = std(values);
    const noise = Float32Array.from({ length: values.length }, () => rng.normal() * sigma);
    targets.push({ index, values: Float32Array.from(values), noise, shape: w.shape.map((d) => d ?? 1), offset: total });
    total += values.length;
  }
  const order = rng.shuffle(Int32Array.from({ length: total }, (_, i) => i));
  if (focus) {
    const score = await focusScores(model, targets, total, focus);
    // Stable sort of the seeded random order: ties keep their random order.
    const sorted = Int32Array.from(Array.from(order).sort((a, b) => score[b]! - score[a]!));
    return { targets, order: sorted, total };
  }
  return { targets, order, total };
}

/** Per entry (in the plan's global numbering): Taylor importance for the focus class minus the mean over the others. */
async function focusScores(model: tf.LayersModel, targets: Target[], total: number, focus: { data: Dataset; cls: number; batchSize: number }): Promise<Float64Array> {
  const head = logitsModel(model);
  const vars = targets.map((t) => model.weights[t.index]!.read() as tf.Variable);
  const units = head.units;
  const own = new Float64Array(total);
  const others = new Float64Array(total);
  const counts = focus.data.classCounts();
  let otherClasses = 0;
  for (let k = 0; k < units; k++) {
    if (!(counts[k] ?? 0)) continue;
    const imgs = focus.data.subsetClasses([k]).take(FOCUS_SAMPLES);
    const grads = targets.map((t) => new Float64Array(t.values.length));
    for (const b of imgs.batches(focus.batchSize)) {
      try {
        const { value, grads: g } = tf.variableGrads(() => tf.mul(crossEntropy(head.apply(b.xs, false), b.ys, units), b.ys.shape[0]) as tf.Scalar, vars);
        value.dispose();
        try {
          for (const [i, v] of vars.entries()) {
            const values = (await g[v.name]!.data()) as Float32Array;
            const acc = grads[i]!;
            for (let j = 0; j < values.length; j++) acc[j]! += values[j]!;
          }
        } finally {
          tf.dispose(Object.values(g));
        }
      } finally {
        b.xs.dispose(); b.ys.dispose();
      }
    }
    const into = k === focus.cls ? own : others;
    if (k !== focus.cls) otherClasses++;
    for (const [i, t] of targets.entries()) {
      const g = grads[i]!;
      for (let j = 0; j < g.length; j++) into[t.offset + j]! += Math.abs(t.values[j]! * g[j]! / imgs.size);
    }
  }
  const score = new Float64Array(total);
  for (let i = 0; i < total; i++) score[i] = own[i]! - (otherClasses ? others[i]! / otherClasses : 0);
  return score;
}

/** Set the model's mutable weights to the originals with the first round(f * total) entries of the order replaced. */
function applyFraction(model: tf.LayersModel, p: Plan, f: number): number {
  const weights = model.getWeights();
  const k = Math.round(f * p.total);
  const vals = p.targets.map((t) => Float32Array.from(t.values));
  for (let i = 0; i < k; i++) {
    const g = p.order[i]!;
    let lo = 0, hi = p.targets.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (p.targets[mid]!.offset <= g) lo = mid; else hi = mid - 1; }
    const t = p.targets[lo]!;
    vals[lo]![g - t.offset] = t.noise[g - t.offset]!;
  }
  const fresh: tf.Tensor[] = [];
  for (const [i, t] of p.targets.entries()) {
    const nt = tf.tensor(vals[i]!, t.shape);
    fresh.push(nt);
    weights[t.index] = nt;
  }
  model.setWeights(weights);
  tf.dispose(fresh);
  return k;
}

function check(o: MutantOptions, units: number, data: Dataset): void {
  const value = (option: string, v: unknown, expected: string, example: unknown) =>
    fail('BAD_MUTANT_OPTIONS', { case: 'value', where: 'mutants', option, value: v, expected, example });
  if (!(o.drop > 0 && o.drop < 1)) throw value('drop', o.drop, 'in (0, 1)', 0.3);
  const c = o.count ?? 3;
  if (!Number.isInteger(c) || c < 1) throw value('count', o.count, 'a positive integer', 3);
  const s = o.stepFraction ?? 0.05;
  if (!(s > 0 && s <= 1)) throw value('stepFraction', o.stepFraction, 'in (0, 1]', 0.05);
  const t = o.tolerance ?? 0.02;
  if (!(t >= 0 && t < 1)) throw value('tolerance', o.tolerance, 'in [0, 1)', 0.02);
  const f = o.focusClass;
  if (f !== undefined && !(Number.isInteger(f) && f >= 0 && f < units)) throw value('focusClass', f, `one of the model's classes (0..${units - 1})`, Math.min(3, units - 1));
  if (f !== undefined && !(data.classCounts()[f] ?? 0)) throw fail('BAD_MUTANT_OPTIONS', { case: 'no-focus-images', focusClass: f });
}

/**
 * Damaged copies of `model` whose accuracy on `data` (its training data, or a sample of it) has dropped by `drop`.
 * The input model is unchanged.
 *
 * @example
 * const ms = await mutants(model, data.train.take(2000), { drop: 0.3, count: 3, seed: 0 });
 * ms[0].achievedDrop;      // ~0.30
 * ms[0].fractionReplaced;  // e.g. 0.12
 * const [m3] = await mutants(model, data.train.take(2000), { drop: 0.5, count: 1, focusClass: 3 });
 * m3.perClassBefore[3] - m3.perClassAfter[3];   // ~0.50; the other classes lose less
 */
export async function mutants(model: tf.LayersModel, data: Dataset, o: MutantOptions): Promise<Mutant[]> {
  check(o, logitsModel(model).units, data);
  const count = o.count ?? 3, seed0 = o.seed ?? 0, step = o.stepFraction ?? 0.05, tol = o.tolerance ?? 0.02, bs = o.batchSize ?? 256;
  const focus = o.focusClass;
  const measured = focus === undefined ? data : data.subsetClasses([focus]);
  const acc = async (m: tf.LayersModel) => (await evaluate(m, measured, { batchSize: bs, confusion: false })).accuracy;
  const perClass = async (m: tf.LayersModel) => (await evaluate(m, data, { batchSize: bs, confusion: false })).perClass;
  const before = await acc(model);
  if (before - o.drop < 0) {
    throw fail('BAD_MUTANT_OPTIONS', { case: 'accuracy-too-low', accuracy: before, drop: o.drop, ...(focus !== undefined ? { focusClass: focus } : {}) });
  }
  const target = before - o.drop;
  const perClassBefore = await perClass(model);
  const out: Mutant[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const seed = seed0 + i;
      const m = await cloneModel(model);
      const one = await mutateOne(m, seed, { before, target, step, tol, acc, ...(focus !== undefined ? { focus: { data, cls: focus, batchSize: bs } } : {}) }, o.drop);
      out.push({ ...one, focusClass: focus ?? null, perClassBefore, perClassAfter: await perClass(m) });
    }
  } catch (e) {
    for (const x of out) x.model.dispose();
    throw e;
  }
  return out;
}

interface MutateContext {
  before: number; target: number; step: number; tol: number;
  acc: (m: tf.LayersModel) => Promise<number>;
  focus?: { data: Dataset; cls: number; batchSize: number };
}

async function mutateOne(m: tf.LayersModel, seed: number, c: MutateContext, drop: number): Promise<Omit<Mutant, 'focusClass' | 'perClassBefore' | 'perClassAfter'>> {
  const p = await plan(m, new Rng(seed), c.focus);
  const mutable = p.total;
  const at = async (f: number): Promise<{ f: number; acc: number; replaced: number }> => { const replaced = applyFraction(m, p, f); return { f, acc: await c.acc(m), replaced }; };
  // Coarse steps until the accuracy is at or below the target.
  let lo = { f: 0, acc: c.before, replaced: 0 };
  let hi: typeof lo | undefined;
  for (let f = c.step; f <= 1 + 1e-9; f += c.step) {
    const r = await at(Math.min(1, f));
    if (r.acc <= c.target) { hi = r; break; }
    lo = r;
    await new Promise<void>((res) => setImmediate(res));
  }
  if (!hi) {
    m.dispose();
    throw fail('MUTANT_DROP_UNREACHED', { seed, accuracy: lo.acc, target: c.target });
  }
  // Bisect between the last step above the target and the first at or below it; keep the closest point seen.
  let best = Math.abs(c.before - hi.acc - drop) <= Math.abs(c.before - lo.acc - drop) || lo.f === 0 ? hi : lo;
  for (let it = 0; it < 14 && Math.abs(c.before - best.acc - drop) > c.tol / 4; it++) {
    const mid = (lo.f + hi.f) / 2;
    const r = await at(mid);
    if (Math.abs(c.before - r.acc - drop) < Math.abs(c.before - best.acc - drop)) best = r;
    if (r.acc <= c.target) hi = r; else lo = r;
    if (hi.replaced - lo.replaced <= 1) break;
  }
  const final = await at(best.f);
  const achievedDrop = c.before - final.acc;
  return {
    model: m, seed, fractionReplaced: final.replaced / mutable, replaced: final.replaced, mutable,
    accuracyBefore: c.before, accuracy: final.acc, achievedDrop, withinTolerance: Math.abs(achievedDrop - drop) <= c.tol + 1e-12,
  };
}
