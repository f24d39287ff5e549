/**
 * Host-side float64 accumulation of per-batch profiling blocks (profile-batch.ts), always in batch order, so the
 * result depends only on the batch grid: the in-process run and any number of workers give the same bytes.
 * Variances are merged with Chan et al.'s pairwise formula from per-batch class means (no E[a²] - E[a]²
 * cancellation).
 */
import { batchLayout } from './batch.js';
import type { ProfileStatsData, SiteInfo } from '../types.js';
import type { RawMetric } from './options.js';

export class ProfileAccumulator {
  readonly n: Float64Array;
  readonly s1: Float64Array;
  readonly m2: Float64Array;
  readonly t: Float64Array;
  readonly d: Float64Array;
  private readonly layout: ReturnType<typeof batchLayout>;

  constructor(readonly numClasses: number, readonly totalNeurons: number, readonly needGrad: boolean) {
    const cn = numClasses * totalNeurons;
    this.n = new Float64Array(numClasses);
    this.s1 = new Float64Array(cn);
    this.m2 = new Float64Array(cn);
    this.t = new Float64Array(needGrad ? cn : 0);
    this.d = new Float64Array(needGrad ? cn : 0);
    this.layout = batchLayout(numClasses, totalNeurons, needGrad);
  }

  /** Merge one batch block. Returns the block's input sum (NaN/Inf means bad input). */
  add(block: Float32Array): number {
    const { k, s1: o1, r: or, length } = this.layout;
    if (block.length !== length) throw new Error(`profile block has ${block.length} values, expected ${length}`);
    const nn = this.totalNeurons;
    for (let c = 0; c < this.numClasses; c++) {
      const nb = block[c]!;
      if (nb === 0) continue;
      const na = this.n[c]!;
      const n = na + nb;
      const w = (na * nb) / n;
      const row = c * nn;
      const rrow = or + c * k * nn;
      for (let i = 0; i < nn; i++) {
        const sb = block[o1 + row + i]!;
        const sa = this.s1[row + i]!;
        const delta = na > 0 ? sb / nb - sa / na : 0;
        this.m2[row + i] = this.m2[row + i]! + block[rrow + i]! + delta * delta * w;
        this.s1[row + i] = sa + sb;
      }
      if (this.needGrad) {
        for (let i = 0; i < nn; i++) {
          this.t[row + i] = this.t[row + i]! + block[rrow + nn + i]!;
          this.d[row + i] = this.d[row + i]! + block[rrow + 2 * nn + i]!;
        }
      }
      this.n[c] = n;
    }
    return block[length - 1]!;
  }

  /**
   * Per-class and global statistics, split by site: avg = mean a, var = population variance (divide by n),
   * taylor and deeplift = means over samples. Metrics not in `raw` are left out (empty records).
   */
  finish(sites: SiteInfo[], raw: readonly RawMetric[]): Pick<ProfileStatsData, 'counts' | 'stats' | 'global'> {
    const C = this.numClasses;
    const nn = this.totalNeurons;
    const total = this.n.reduce((a, b) => a + b, 0);
    const perClass = { avg: this.s1.map((v, j) => v / this.n[Math.floor(j / nn)]!), var: this.m2.map((v, j) => v / this.n[Math.floor(j / nn)]!),
      taylor: this.t.map((v, j) => v / this.n[Math.floor(j / nn)]!), deeplift: this.d.map((v, j) => v / this.n[Math.floor(j / nn)]!) };
    const global = { avg: new Float64Array(nn), var: new Float64Array(nn), taylor: new Float64Array(nn), deeplift: new Float64Array(nn) };
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < nn; i++) {
        global.avg[i]! += this.s1[c * nn + i]! / total;
        if (this.needGrad) {
          global.taylor[i]! += this.t[c * nn + i]! / total;
          global.deeplift[i]! += this.d[c * nn + i]! / total;
        }
      }
    }
    // Law of total variance: within-class M2 plus between-class spread of the class means.
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < nn; i++) {
        const dm = perClass.avg[c * nn + i]! - global.avg[i]!;
        global.var[i]! += (this.m2[c * nn + i]! + this.n[c]! * dm * dm) / total;
      }
    }
    const stats = { avg: {}, var: {}, taylor: {}, deeplift: {} } as ProfileStatsData['stats'];
    const glob = { avg: {}, var: {}, taylor: {}, deeplift: {} } as ProfileStatsData['global'];
    let off = 0;
    for (const s of sites) {
      for (const m of raw) {
        const table = new Float32Array(C * s.neurons);
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < s.neurons; i++) table[c * s.neurons + i] = perClass[m][c * nn + off + i]!;
        }
        stats[m][s.name] = table;
        glob[m][s.name] = Float32Array.from(global[m].subarray(off, off + s.neurons));
      }
      off += s.neurons;
    }
    return { counts: Array.from(this.n), stats, global: glob };
  }
}
