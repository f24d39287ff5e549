/**
 * Markdown tables of an `extend` study run (BENCHMARKS.md): per pair cell (model x dataset) and method, old-task,
 * new-task (task-IL) and all-class (class-IL) accuracy as mean ± standard deviation over the seeds finished (n), the
 * theta chosen for task A, whether task A's logits stayed bit-identical; the split-MNIST sequence beside the
 * published anchors.   npx tsx bench/extend-report.ts bench/results/extend-full
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'bench/results/extend-full';
type Row = Record<string, unknown>;
const cells = readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { params: Row; rows: Row[]; seconds?: number });
const pct = (xs: number[]): string => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : NaN;
  return `${(100 * m).toFixed(1)}${xs.length > 1 ? ` ± ${(100 * sd).toFixed(1)}` : ''}`;
};
const groups = new Map<string, Map<string, Row[]>>();
const seqs = new Map<string, Row[]>();
for (const c of cells) {
  for (const r of c.rows) {
    if (r['kind'] === 'sequence') { const l = seqs.get(String(r['method'])) ?? []; l.push(r); seqs.set(String(r['method']), l); continue; }
    const key = `${c.params['model']}${c.params['batchNorm'] ? ' (BN)' : ''} / ${c.params['dataset']}`;
    const g = groups.get(key) ?? new Map<string, Row[]>();
    const l = g.get(String(r['method'])) ?? [];
    l.push({ ...r, seed: c.params['seed'] });
    g.set(String(r['method']), l);
    groups.set(key, g);
  }
}
const out: string[] = [];
for (const [key, g] of groups) {
  const any = [...g.values()][0]!;
  out.push(`**${key}** (seeds ${any.map((r) => r['seed']).join(', ')}; task A theta chosen by auto: ${any.map((r) => r['theta']).join(', ')}; masked/unmasked task A on held-out images: ${any.map((r) => `${(100 * Number(r['maskedHeldOut'])).toFixed(1)}/${(100 * Number(r['unmaskedHeldOut'])).toFixed(1)}`).join(', ')})`);
  out.push('');
  out.push('| method | old task before | old task after (task-IL) | new task (task-IL) | all classes (class-IL) | old logits bit-identical | n |');
  out.push('|---|---|---|---|---|---|---|');
  for (const [m, rs] of g) {
    const f = (k: string) => pct(rs.map((r) => Number(r[k])));
    out.push(`| ${m} | ${f('oldBefore')} | ${f('oldTaskIL')} | ${f('newTaskIL')} | ${f('classILAll')} | ${rs.every((r) => r['oldLogitsIdentical']) ? 'yes' : 'no'} | ${rs.length} |`);
  }
  out.push('');
}
if (seqs.size) {
  const anchors: Record<string, string> = { naive: '93.46 / 19.71 (Adam)', 'replay-10%': '99.40 / 90.78 (naive rehearsal)', ewc: '97.70 / 19.80', ours: '-', 'ours+replay-10%': '-' };
  out.push('**Split-MNIST, 5 tasks of 2 digits** (average over the 5 tasks after the last; anchors: Hsu et al. 2018 Table 2, docs/maintenance.md)');
  out.push('');
  out.push('| method | task-IL avg | class-IL avg | old logits bit-identical | n | anchor task-IL / class-IL |');
  out.push('|---|---|---|---|---|---|');
  for (const [m, rs] of seqs) out.push(`| ${m} | ${pct(rs.map((r) => Number(r['taskILAverage'])))} | ${pct(rs.map((r) => Number(r['classILAverage'])))} | ${rs.every((r) => r['allIdentical']) ? 'yes' : 'no'} | ${rs.length} | ${anchors[m] ?? '-'} |`);
  out.push('');
}
const secs = cells.map((c) => c.seconds).filter((x): x is number => typeof x === 'number');
out.push(`${cells.length} cells finished${secs.length ? `, ${(secs.reduce((a, b) => a + b, 0) / 60).toFixed(1)} min of cell time` : ''}.`);
console.log(out.join('\n'));
