/** Hand-made ProfileStatsData for slicing tests (no model needed). */
import type { ProfileStatsData, SiteInfo } from '../../../src/engine/slicing/types.js';

export function site(name: string, neurons: number, kind: SiteInfo['kind'] = 'dense'): SiteInfo {
  return { name, kind, neurons, readLayer: name, followers: [] };
}

/** Stats where every raw metric equals `table[site]` (rows = classes) and global = the column means. */
export function statsFrom(sites: SiteInfo[], tables: Record<string, number[][]>): ProfileStatsData {
  const numClasses = tables[sites[0]!.name]!.length;
  const per: Record<string, Float32Array> = {};
  const glob: Record<string, Float32Array> = {};
  for (const s of sites) {
    const rows = tables[s.name]!;
    per[s.name] = Float32Array.from(rows.flat());
    glob[s.name] = Float32Array.from({ length: s.neurons }, (_, i) => rows.reduce((a, r) => a + r[i]!, 0) / rows.length);
  }
  return {
    sites,
    numClasses,
    counts: new Array(numClasses).fill(10),
    stats: { avg: per, var: per, taylor: per, deeplift: per },
    global: { avg: glob, var: glob, taylor: glob, deeplift: glob },
    options: { onlyCorrect: true, maxPerClass: null, batchSize: 32 },
  };
}
