/**
 * Seed intervals for study verdicts: a percentile bootstrap over seeds of the mean. With few seeds (up to 6) every
 * resample is enumerated (n^n of them), so the interval is exact for the data and needs no random draw; with more,
 * 4,000 seeded resamples. With 3 seeds the 27 resamples give a coarse interval: it says how far the seeds spread, not
 * a population interval, and the tables say how many seeds stand behind each.
 */
import { Rng } from '../rng.js';

/** A mean with its bootstrap interval over seeds. */
export interface SeedInterval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return sorted[i]! + f * ((sorted[Math.min(i + 1, sorted.length - 1)] ?? sorted[i]!) - sorted[i]!);
}

/**
 * The mean of `values` (one per seed; NaNs dropped) and the `level` percentile bootstrap interval of it.
 *
 * @example
 * seedInterval([0.012, 0.004, 0.009]);   // { mean: 0.0083, lo: 0.0047, hi: 0.011, n: 3 }
 */
export function seedInterval(values: readonly number[], level = 0.95): SeedInterval {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const means: number[] = [];
  if (n <= 6) {
    const idx = new Array<number>(n).fill(0);
    for (;;) {
      means.push(idx.reduce((a, i) => a + v[i]!, 0) / n);
      let k = 0;
      while (k < n && ++idx[k]! === n) { idx[k] = 0; k++; }
      if (k === n) break;
    }
  } else {
    const rng = new Rng(1);
    for (let b = 0; b < 4000; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[Math.floor(rng.next() * n)]!;
      means.push(s / n);
    }
  }
  means.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { mean, lo: quantile(means, tail), hi: quantile(means, 1 - tail), n };
}

/** "+1.2 (+0.4 to +2.0)" in points of a fraction, with the seed count when asked. */
export function formatInterval(i: SeedInterval, opts: { points?: boolean; digits?: number; signed?: boolean } = {}): string {
  const scale = opts.points === false ? 1 : 100;
  const d = opts.digits ?? 1;
  const f = (x: number): string => `${opts.signed && x >= 0 ? '+' : ''}${(scale * x).toFixed(d)}`;
  if (i.n === 0) return 'n/a';
  return i.n === 1 ? `${f(i.mean)} (1 seed)` : `${f(i.mean)} (${f(i.lo)} to ${f(i.hi)})`;
}
