/**
 * Comparing two accuracy-against-compression curves at equal compression rate (docs/algorithm.md, "Slice
 * fidelity"): the ONE function the demo, notebook 01 and the studies use, so every "at equal CR" claim means the same.
 *
 * Rule (D): each curve is a piecewise-linear function of CR through its points (sorted by CR; points at the same CR
 * averaged). Both curves are read at every CR of either curve that lies inside the CR range both cover; no
 * extrapolation. A difference within `tolerance` counts as a tie.
 */
import { fail } from '../messages/index.js';
import type { FidelityRow } from './types.js';

/** One point of a curve: a compression rate and an accuracy (both fractions), with an optional label (θ or k). */
export interface CurvePoint {
  cr: number;
  accuracy: number;
  label?: string;
}

/** One compared CR. */
export interface ComparedPoint {
  cr: number;
  /** Accuracy of curve a at this CR (measured or interpolated). */
  a: number;
  /** Accuracy of curve b at this CR (measured or interpolated). */
  b: number;
  /** a - b. */
  diff: number;
  /** 'a' if a is better by more than the tolerance, 'b' if b is, 'tie' otherwise. */
  better: 'a' | 'b' | 'tie';
  /** Which curve measured a point at this CR ('a', 'b' or 'both'); the other is interpolated. */
  measured: 'a' | 'b' | 'both';
  /** Label of a's measured point at this CR, if any (e.g. "θ = 0.6"). */
  labelA?: string;
  /** Label of b's measured point at this CR, if any. */
  labelB?: string;
}

/** What {@link compareAtEqualCR} returns. */
export interface CurveComparison {
  /** CR range covered by both curves ([lo, hi]); null when they do not overlap. */
  overlap: [number, number] | null;
  /** CR range of each curve. */
  rangeA: [number, number];
  rangeB: [number, number];
  points: ComparedPoint[];
  /** Counts over `points`. */
  aBetter: number;
  bBetter: number;
  ties: number;
  /** Mean of a - b over `points` (NaN when there are none). */
  meanDiff: number;
  /** The compared point where a falls furthest behind b (null when a never falls behind). */
  worstForA: ComparedPoint | null;
  /**
   * The lowest-CR point measured on curve a at which a is worse than b beyond the tolerance (for semantic slicing:
   * along the theta grid from 0.99 downwards, the first theta that loses). Null if none.
   */
  firstLossA: ComparedPoint | null;
  tolerance: number;
}

/** Default tie tolerance: 0.2 accuracy points, about one binomial standard error at 98% accuracy on 5,000 samples. */
export const COMPARE_TOLERANCE = 0.002;

/** Sorted, deduplicated (mean at equal CR) points of a curve. */
function normalise(curve: readonly CurvePoint[], name: string): { cr: number; accuracy: number; label?: string }[] {
  if (!Array.isArray(curve) || curve.length === 0) {
    throw fail('BAD_CURVE', { case: 'empty', curve: name });
  }
  for (const [i, p] of curve.entries()) {
    if (!Number.isFinite(p.cr) || !Number.isFinite(p.accuracy)) {
      throw fail('BAD_CURVE', { case: 'point', curve: name, index: i, cr: p.cr, accuracy: p.accuracy });
    }
  }
  const sorted = [...curve].sort((x, y) => x.cr - y.cr);
  const out: { cr: number; accuracy: number; label?: string; n: number }[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last.cr === p.cr) {
      last.accuracy = (last.accuracy * last.n + p.accuracy) / (last.n + 1);
      last.n++;
      if (p.label !== undefined) last.label = last.label !== undefined ? `${last.label}, ${p.label}` : p.label;
    } else {
      out.push({ cr: p.cr, accuracy: p.accuracy, n: 1, ...(p.label !== undefined ? { label: p.label } : {}) });
    }
  }
  return out.map(({ n: _n, ...rest }) => rest);
}

/**
 * Linear interpolation of a sorted curve at cr (which must lie within its range).
 *
 * @example
 * interpolateAt([{ cr: 0.1, accuracy: 0.9 }, { cr: 0.3, accuracy: 0.7 }], 0.2); // 0.8
 */
export function interpolateAt(sorted: readonly CurvePoint[], cr: number): number {
  const n = sorted.length;
  if (n === 1 || cr <= sorted[0]!.cr) return sorted[0]!.accuracy;
  if (cr >= sorted[n - 1]!.cr) return sorted[n - 1]!.accuracy;
  let i = 1;
  while (sorted[i]!.cr < cr) i++;
  const p = sorted[i - 1]!;
  const q = sorted[i]!;
  if (q.cr === cr) return q.accuracy;
  return p.accuracy + ((q.accuracy - p.accuracy) * (cr - p.cr)) / (q.cr - p.cr);
}

/**
 * Compare curve a with curve b at equal compression rate: both are read (measured or linearly interpolated) at
 * every CR of either curve inside the range both cover. Points outside that range are not compared: a curve is
 * never extrapolated. Deterministic.
 *
 * @example
 * const sem = rows.filter((r) => r.method === 'semantic' && r.metric === 'taylor');
 * const base = rows.filter((r) => r.method === 'category-topk' && r.metric === 'taylor');
 * const c = compareAtEqualCR(curveOf(sem), curveOf(base));
 * c.aBetter; c.bBetter; c.firstLossA?.labelA; // e.g. "θ = 0.6"
 */
export function compareAtEqualCR(a: readonly CurvePoint[], b: readonly CurvePoint[], opts: { tolerance?: number } = {}): CurveComparison {
  const tolerance = opts.tolerance ?? COMPARE_TOLERANCE;
  if (!(tolerance >= 0)) throw fail('BAD_OPTION', { case: 'value', where: 'compareAtEqualCR', option: 'tolerance', expected: '>= 0', value: tolerance, example: 0.002 });
  const pa = normalise(a, 'a');
  const pb = normalise(b, 'b');
  const rangeA: [number, number] = [pa[0]!.cr, pa[pa.length - 1]!.cr];
  const rangeB: [number, number] = [pb[0]!.cr, pb[pb.length - 1]!.cr];
  const lo = Math.max(rangeA[0], rangeB[0]);
  const hi = Math.min(rangeA[1], rangeB[1]);
  const overlap: [number, number] | null = lo <= hi ? [lo, hi] : null;
  const points: ComparedPoint[] = [];
  if (overlap) {
    const crs = [...new Set([...pa, ...pb].map((p) => p.cr).filter((cr) => cr >= lo && cr <= hi))].sort((x, y) => x - y);
    for (const cr of crs) {
      const ma = pa.find((p) => p.cr === cr);
      const mb = pb.find((p) => p.cr === cr);
      const va = interpolateAt(pa, cr);
      const vb = interpolateAt(pb, cr);
      const diff = va - vb;
      points.push({
        cr, a: va, b: vb, diff,
        better: diff > tolerance ? 'a' : diff < -tolerance ? 'b' : 'tie',
        measured: ma && mb ? 'both' : ma ? 'a' : 'b',
        ...(ma?.label !== undefined ? { labelA: ma.label } : {}),
        ...(mb?.label !== undefined ? { labelB: mb.label } : {}),
      });
    }
  }
  const worst = points.reduce<ComparedPoint | null>((w, p) => (p.better === 'b' && (!w || p.diff < w.diff) ? p : w), null);
  return {
    overlap, rangeA, rangeB, points,
    aBetter: points.filter((p) => p.better === 'a').length,
    bBetter: points.filter((p) => p.better === 'b').length,
    ties: points.filter((p) => p.better === 'tie').length,
    meanDiff: points.length ? points.reduce((s, p) => s + p.diff, 0) / points.length : NaN,
    worstForA: worst,
    firstLossA: points.find((p) => p.better === 'b' && p.measured !== 'b') ?? null,
    tolerance,
  };
}

/** What {@link areaBetween} returns. */
export interface AreaBetween {
  /** CR range both curves cover; null when they do not overlap. */
  overlap: [number, number] | null;
  /** Integral of (a - b) over the overlap divided by its width: a's mean accuracy advantage at equal CR (NaN without overlap). */
  meanDiff: number;
  /** The integral itself (accuracy x CR). */
  area: number;
}

/**
 * The area between two curves over the CR range both cover, by the trapezoid rule on every CR either curve measures
 * there (both read as in compareAtEqualCR), divided by the range's width: a's mean advantage at equal CR, weighted
 * by CR rather than by where the points happen to sit. A single common CR gives the difference there.
 *
 * @example
 * areaBetween(curveOf(semantic), curveOf(lowActivation)).meanDiff;   // +0.012: 1.2 points more on average
 */
export function areaBetween(a: readonly CurvePoint[], b: readonly CurvePoint[]): AreaBetween {
  const pa = normalise(a, 'a');
  const pb = normalise(b, 'b');
  const lo = Math.max(pa[0]!.cr, pb[0]!.cr);
  const hi = Math.min(pa[pa.length - 1]!.cr, pb[pb.length - 1]!.cr);
  if (lo > hi) return { overlap: null, meanDiff: NaN, area: 0 };
  const crs = [...new Set([lo, hi, ...[...pa, ...pb].map((p) => p.cr).filter((cr) => cr > lo && cr < hi)])].sort((x, y) => x - y);
  const diff = (cr: number): number => interpolateAt(pa, cr) - interpolateAt(pb, cr);
  if (crs.length === 1) return { overlap: [lo, hi], meanDiff: diff(lo), area: 0 };
  let area = 0;
  for (let i = 1; i < crs.length; i++) area += ((diff(crs[i - 1]!) + diff(crs[i]!)) / 2) * (crs[i]! - crs[i - 1]!);
  return { overlap: [lo, hi], meanDiff: area / (hi - lo), area };
}

/**
 * a - b at each given CR inside the range both curves cover (NaN outside it): where along the CR axis two curves
 * differ.
 *
 * @example
 * differenceAt(curveOf(semantic), curveOf(lowActivation), [0.2, 0.4, 0.6]);
 */
export function differenceAt(a: readonly CurvePoint[], b: readonly CurvePoint[], crs: readonly number[]): number[] {
  const pa = normalise(a, 'a');
  const pb = normalise(b, 'b');
  const lo = Math.max(pa[0]!.cr, pb[0]!.cr);
  const hi = Math.min(pa[pa.length - 1]!.cr, pb[pb.length - 1]!.cr);
  return crs.map((cr) => (cr >= lo && cr <= hi ? interpolateAt(pa, cr) - interpolateAt(pb, cr) : NaN));
}

/**
 * The points of one method and metric of a fidelity sweep as a curve, labelled "θ = 0.95" or "k = 30%".
 *
 * @example
 * curveOf(rows.filter((r) => r.method === 'semantic' && r.metric === 'taylor'));
 */
export function curveOf(rows: readonly FidelityRow[]): CurvePoint[] {
  return rows.map((r) => ({ cr: r.cr, accuracy: r.accuracy, label: r.theta !== null ? `θ = ${r.theta}` : `k = ${r.k}%` }));
}

/** One semantic-versus-baseline comparison of a sweep. */
export interface SweepComparison {
  metric: string;
  baseline: string;
  comparison: CurveComparison;
}

/**
 * Every comparison of semantic slicing against each baseline method, per metric, in a sweep's rows.
 *
 * @example
 * for (const c of compareSweep(rows)) console.log(describeComparison(c));
 */
export function compareSweep(rows: readonly FidelityRow[], opts: { tolerance?: number; subject?: string } = {}): SweepComparison[] {
  const subject = opts.subject ?? 'semantic';
  const out: SweepComparison[] = [];
  for (const metric of [...new Set(rows.map((r) => r.metric))]) {
    const mine = rows.filter((r) => r.metric === metric && r.method === subject);
    if (mine.length === 0) continue;
    for (const baseline of [...new Set(rows.map((r) => r.method))].filter((m) => m !== subject)) {
      const base = rows.filter((r) => r.metric === metric && r.method === baseline);
      if (base.length === 0) continue;
      out.push({ metric, baseline, comparison: compareAtEqualCR(curveOf(mine), curveOf(base), opts) });
    }
  }
  return out;
}

const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;
const pts = (x: number) => `${(100 * x).toFixed(2)} points`;

/**
 * One comparison in plain words: where both curves have points, how often each side kept more accuracy at the
 * same CR, by how much, the first subject point that loses, and where only one side has points.
 *
 * @example
 * describeComparison(compareSweep(rows)[0]);
 * // "taylor, semantic vs category-topk: compared at 14 CRs from 24.5% to 60.1% (both curves measured or interpolated there). ..."
 */
export function describeComparison(c: SweepComparison, subject = 'semantic'): string {
  const k = c.comparison;
  const head = `${c.metric}, ${subject} vs ${c.baseline}`;
  if (!k.overlap) {
    return `${head}: not comparable at equal CR; ${subject} spans CR ${pct(k.rangeA[0])} to ${pct(k.rangeA[1])}, ${c.baseline} spans ${pct(k.rangeB[0])} to ${pct(k.rangeB[1])}, and the ranges do not overlap.`;
  }
  const parts = [
    `${head}: compared at ${k.points.length} compression rates from ${pct(k.overlap[0])} to ${pct(k.overlap[1])} (the CR range both curves cover).`,
    `${subject} kept more accuracy at ${k.aBetter}, ${c.baseline} at ${k.bBetter}, and they were within ${pts(k.tolerance)} of each other at ${k.ties}; mean difference ${k.meanDiff >= 0 ? '+' : ''}${pts(k.meanDiff)} (${subject} minus ${c.baseline}).`,
  ];
  if (k.firstLossA) {
    parts.push(`${subject} first falls behind at ${k.firstLossA.labelA ?? `CR ${pct(k.firstLossA.cr)}`} (CR ${pct(k.firstLossA.cr)}: ${pct(k.firstLossA.a, 2)} against ${pct(k.firstLossA.b, 2)}).`);
  } else {
    parts.push(`${subject} never falls behind by more than ${pts(k.tolerance)} in that range.`);
  }
  if (k.rangeB[1] > k.overlap[1]) parts.push(`Above CR ${pct(k.overlap[1])} only ${c.baseline} has points (up to ${pct(k.rangeB[1])}); ${subject} was not measured there.`);
  if (k.rangeA[1] > k.overlap[1]) parts.push(`Above CR ${pct(k.overlap[1])} only ${subject} has points (up to ${pct(k.rangeA[1])}).`);
  if (k.rangeB[0] < k.overlap[0]) parts.push(`Below CR ${pct(k.overlap[0])} only ${c.baseline} has points.`);
  if (k.rangeA[0] < k.overlap[0]) parts.push(`Below CR ${pct(k.overlap[0])} only ${subject} has points.`);
  return parts.join(' ');
}
