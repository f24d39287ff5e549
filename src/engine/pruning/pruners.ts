/**
 * The four layer-wise sparsity schemes of the LAMP library (jaeho-lee/layer-adaptive-sparsity, tools/pruners.py),
 * as pure functions: given every prunable kernel's current values and survival mask, how many more entries of each
 * layer to prune so that `amount` of the surviving weights go. The entries themselves are then chosen by magnitude
 * within each layer (apply.ts), as the library's per-layer L1 pruning does.
 *
 * Rounding follows the library (Python/NumPy/torch round half to even), and a per-layer fraction f becomes
 * round(f * survivors) pruned entries, as torch.nn.utils.prune does on an already-masked weight.
 */
import { fail } from '../messages/index.js';

/** One prunable kernel (a Dense or Conv2D kernel) as the pruners see it. */
export interface PrunableLayer {
  /** Weight name ("conv1/kernel"). */
  name: string;
  /** Kernel shape (tfjs order: [kh, kw, in, out] or [in, out]). */
  shape: readonly number[];
  values: Float32Array;
  /** 1 = surviving, 0 = already pruned (or never there). */
  mask: Float32Array;
}

/** Round half to even (Python's round, numpy.round, torch.round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function survivors(l: PrunableLayer): number {
  let n = 0;
  for (const m of l.mask) if (m !== 0) n++;
  return n;
}

/** Per layer, round(fraction * survivors): torch's l1_unstructured on a masked weight. */
function countsFromFractions(layers: readonly PrunableLayer[], fractions: readonly number[]): number[] {
  return layers.map((l, i) => Math.max(0, Math.min(survivors(l), roundHalfEven(fractions[i]! * survivors(l)))));
}

/** Global: one magnitude threshold over every surviving kernel entry (torch global_unstructured, L1). */
export function globalCounts(layers: readonly PrunableLayer[], amount: number): number[] {
  const all: Array<[number, number, number]> = [];
  layers.forEach((l, li) => l.values.forEach((v, k) => { if (l.mask[k] !== 0) all.push([Math.abs(v), li, k]); }));
  const n = roundHalfEven(amount * all.length);
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const counts = layers.map(() => 0);
  for (let i = 0; i < n; i++) counts[all[i]![1]]!++;
  return counts;
}

/**
 * LAMP scores of one layer: sort the squared weights ascending; the score of weight u is w_u^2 over the sum of the
 * squared weights from u up (itself and every larger one). Pruned entries (zeros) score 0.
 */
export function lampScores(values: Float32Array): Float64Array {
  const sq = Array.from(values, (v) => v * v);
  const order = sq.map((_, i) => i).sort((a, b) => sq[a]! - sq[b]! || a - b);
  let rest = sq.reduce((a, b) => a + b, 0);
  const scores = new Float64Array(values.length);
  for (const i of order) {
    scores[i] = rest > 0 ? sq[i]! / rest : 0;
    rest -= sq[i]!;
  }
  return scores;
}

/** LAMP: keep the round((1 - amount) * survivors) best LAMP scores model-wide; layers keep their entries >= threshold. */
export function lampCounts(layers: readonly PrunableLayer[], amount: number): number[] {
  const total = layers.reduce((a, l) => a + survivors(l), 0);
  const keep = roundHalfEven(total * (1 - amount));
  const scores = layers.map((l) => lampScores(l.values));
  if (keep <= 0) return layers.map(survivors);
  const flat = scores.flatMap((s) => Array.from(s)).sort((a, b) => b - a);
  const threshold = flat[keep - 1]!;
  return layers.map((l, i) => {
    let surv = 0;
    for (const s of scores[i]!) if (s >= threshold) surv++;
    const fraction = 1 - surv / survivors(l);
    return Math.max(0, Math.min(survivors(l), roundHalfEven(fraction * survivors(l))));
  });
}

/**
 * Uniform+: the same fraction everywhere, except that a first Conv2D layer is left unpruned and the last layer keeps at
 * least round(0.2 * its size) weights (the excess goes to the middle layers).
 */
export function uniformPlusCounts(layers: readonly PrunableLayer[], amount: number): number[] {
  const un = layers.map(survivors);
  const totalLast = layers.at(-1)!.values.length;
  const lastMinimum = roundHalfEven(totalLast * 0.2);
  const toPrune = roundHalfEven(un.reduce((a, b) => a + b, 0) * amount);
  const firstConv = layers[0]!.shape.length === 4;
  const from = firstConv ? 1 : 0;
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const fractions: number[] = firstConv ? [0] : [];
  const frac = toPrune / sum(un.slice(from));
  if (frac > 1) throw fail('PRUNE_LIMIT', { pruner: 'uniform-plus', amount, layer: 'first' });
  const lastPlanned = roundHalfEven((1 - frac) * un.at(-1)!);
  if (lastPlanned < lastMinimum) {
    const lastToPrune = un.at(-1)! - lastMinimum;
    const middle = (toPrune - lastToPrune) / sum(un.slice(from, -1));
    if (middle > 1) throw fail('PRUNE_LIMIT', { pruner: 'uniform-plus', amount, layer: 'last' });
    for (let i = from; i < un.length - 1; i++) fractions.push(middle);
    fractions.push(lastToPrune / un.at(-1)!);
  } else {
    for (let i = from; i < un.length; i++) fractions.push(frac);
  }
  return countsFromFractions(layers, fractions);
}

/**
 * ERK: survivors per layer proportional to the sum of the kernel's dimensions (out + in + kh + kw for a conv,
 * out + in for a dense layer); a layer whose share would exceed its survivors is kept dense (largest ratio first) and
 * the rest recomputed.
 */
export function erkCounts(layers: readonly PrunableLayer[], amount: number): number[] {
  const un = layers.map(survivors);
  const ers = layers.map((l) => l.shape.reduce((a, b) => a + b, 0));
  const dense = layers.map(() => false);
  const totalSurvive = (1 - amount) * un.reduce((a, b) => a + b, 0);
  let survs: number[] = [];
  for (;;) {
    const toSurvive = totalSurvive - un.reduce((a, u, i) => a + (dense[i] ? u : 0), 0);
    const erSum = ers.reduce((a, e, i) => a + (dense[i] ? 0 : e), 0);
    survs = ers.map((e, i) => (dense[i] ? 0 : roundHalfEven((toSurvive * e) / erSum)));
    let pick = -1, max = 1;
    survs.forEach((s, i) => { if (!dense[i] && s / un[i]! > max) { pick = i; max = s / un[i]!; } });
    if (pick < 0) break;
    dense[pick] = true;
  }
  return countsFromFractions(layers, layers.map((_, i) => (dense[i] ? 0 : 1 - survs[i]! / un[i]!)));
}
