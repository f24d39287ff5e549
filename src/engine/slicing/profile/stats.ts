/**
 * The result of profile(): raw (unnormalised) per-class statistics per metric and site, plus the same statistics
 * over all profiled samples (for the global top-k baseline).
 */
import { unknownNameError, fail } from '../../messages/index.js';
import { RAW_METRICS, type RawMetric } from './options.js';
import type { Metric, ProfileStatsData, SiteInfo } from '../types.js';

function copyTables(t: ProfileStatsData['stats']): ProfileStatsData['stats'] {
  const out = { avg: {}, var: {}, taylor: {}, deeplift: {} } as ProfileStatsData['stats'];
  for (const m of RAW_METRICS) for (const [k, v] of Object.entries(t[m] ?? {})) out[m][k] = Float32Array.from(v);
  return out;
}

export class ProfileStats implements ProfileStatsData {
  readonly sites: SiteInfo[];
  readonly numClasses: number;
  readonly counts: number[];
  readonly stats: ProfileStatsData['stats'];
  readonly global: ProfileStatsData['global'];
  readonly options: ProfileStatsData['options'];
  readonly modelFingerprint?: string;

  constructor(data: ProfileStatsData) {
    this.sites = data.sites.map((s) => ({ ...s, followers: [...s.followers] }));
    this.numClasses = data.numClasses;
    this.counts = [...data.counts];
    this.stats = data.stats;
    this.global = data.global;
    this.options = { ...data.options };
    if (data.modelFingerprint !== undefined) this.modelFingerprint = data.modelFingerprint;
  }

  /** The raw metrics this profile holds (those it was asked for; all four when ens was asked for). */
  get metrics(): RawMetric[] {
    return RAW_METRICS.filter((m) => Object.keys(this.stats[m]).length > 0);
  }

  private table(where: 'stats' | 'global', metric: Metric | RawMetric, site: string): Float32Array {
    if (metric === 'ens') {
      throw fail('NOT_RAW');
    }
    if (!(RAW_METRICS as readonly string[]).includes(metric)) throw unknownNameError('UNKNOWN_METRIC', 'metric', metric, RAW_METRICS);
    if (!this.sites.some((s) => s.name === site)) throw unknownNameError('UNKNOWN_SITE', 'site', site, this.sites.map((s) => s.name));
    const t = this[where][metric][site];
    if (!t) {
      throw fail('MISSING_STATS', { case: 'metric', metric });
    }
    return t;
  }

  /**
   * Per-class raw statistic: row-major Float32Array [numClasses x neurons] (the profile's own array: do not modify).
   *
   * @example
   * const t = stats.get('taylor', 'conv1'); const classThreeNeuronZero = t[3 * 6 + 0];
   */
  get(metric: Metric | RawMetric, site: string): Float32Array {
    return this.table('stats', metric, site);
  }

  /**
   * The statistic over all profiled samples: Float32Array [neurons].
   *
   * @example
   * stats.getGlobal('avg', 'fc1');
   */
  getGlobal(metric: Metric | RawMetric, site: string): Float32Array {
    return this.table('global', metric, site);
  }

  /** A plain, independent copy (for serialisation or workers). */
  toData(): ProfileStatsData {
    return {
      sites: this.sites.map((s) => ({ ...s, followers: [...s.followers] })),
      numClasses: this.numClasses,
      counts: [...this.counts],
      stats: copyTables(this.stats),
      global: copyTables(this.global),
      options: { ...this.options },
      ...(this.modelFingerprint !== undefined ? { modelFingerprint: this.modelFingerprint } : {}),
    };
  }

  /** One line per site: what was profiled. */
  toString(): string {
    const n = this.counts.reduce((a, b) => a + b, 0);
    return `ProfileStats: ${n} samples, ${this.numClasses} classes, metrics ${this.metrics.join(', ')}; sites ` +
      this.sites.map((s) => `${s.name} (${s.kind}, ${s.neurons})`).join(', ');
  }
}
