/**
 * Summarise a readapt study folder (results.jsonl; finished cells only) for BENCHMARKS.md: per configuration,
 * workload and method, the mean and spread (min..max over seeds) of held-out new-sample accuracy after, clean
 * accuracy after, trainable parameters, and epochs to target (reached in how many of the seeds).
 *   npx tsx bench/readapt-table.ts /path/to/study-folder
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'runs/readapt';
interface Row { method: string; newBefore: number; newAfter: number; cleanBefore: number; cleanAfter: number; trainableParams: number; totalParams: number; epochsToTarget: number | null; worstClassDrop: number; frozenIdentical: boolean; achievedDrop?: number }
const cells = readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } }) as Array<{ params: Record<string, string | number>; rows: Row[]; seconds: number }>;
const groups = new Map<string, Array<Row & { seed: number }>>();
for (const c of cells) for (const r of c.rows) {
  const k = `${c.params['config']}|${c.params['workload']}|${r.method}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k)!.push({ ...r, seed: Number(c.params['seed']) });
}
const pct = (x: number) => (100 * x).toFixed(1);
const stat = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length > 1 ? `${pct(m)} (${pct(Math.min(...xs))}-${pct(Math.max(...xs))})` : pct(m);
};
console.log('| model / data | workload | method | seeds | new-sample acc. % before -> after | clean acc. % before -> after | worst class drop (pts) | trainable params | epochs to target |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [k, rs] of groups) {
  const [config, workload, method] = k.split('|');
  const reached = rs.filter((r) => r.epochsToTarget !== null).map((r) => r.epochsToTarget!);
  const ett = reached.length ? `${(reached.reduce((a, b) => a + b, 0) / reached.length).toFixed(1)} (${reached.length}/${rs.length})` : `- (0/${rs.length})`;
  console.log(`| ${config} | ${workload} | ${method} | ${rs.length} | ${stat(rs.map((r) => r.newBefore))} -> ${stat(rs.map((r) => r.newAfter))} | ${stat(rs.map((r) => r.cleanBefore))} -> ${stat(rs.map((r) => r.cleanAfter))} | ${stat(rs.map((r) => r.worstClassDrop))} | ${Math.round(rs.reduce((a, r) => a + r.trainableParams, 0) / rs.length)} of ${rs[0]!.totalParams} | ${ett} |`);
}
console.log(`\n${cells.length} cells; wall seconds per cell: ${cells.map((c) => c.seconds.toFixed(0)).join(', ')}; all frozen weights identical: ${cells.every((c) => c.rows.every((r) => r.frozenIdentical))}`);
