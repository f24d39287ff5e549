/**
 * Markdown tables of a `fidelity` study folder (semslice study run fidelity --preset full --out DIR), for
 * BENCHMARKS.md: per dataset, the semantic curve (mean and spread over seeds), the equal-CR comparison with each
 * baseline (engine's compareSweep), the first theta at which semantic slicing loses, the components found, subset
 * fidelity and the damage summary.
 *
 *   npx tsx bench/fidelity-report.ts bench/results/fidelity-full
 */
import { readRecords } from '../src/engine/studies/index.js';
import { compareSweep } from '../src/engine/slicing/index.js';
import type { FidelityRow } from '../src/engine/slicing/types.js';

const dir = process.argv[2] ?? 'bench/results/fidelity-full';
const records = readRecords(dir);
const pct = (x: number, d = 1) => (100 * x).toFixed(d);
const meanSpread = (xs: number[], d = 1): string => {
  if (xs.length === 0) return '-';
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return xs.length === 1 ? pct(m, d) : `${pct(m, d)} (${pct(lo, d)}-${pct(hi, d)})`;
};
type Row = Record<string, unknown>;

for (const dataset of [...new Set(records.map((r) => String(r.params['dataset'])))]) {
  const cells = records.filter((r) => r.params['dataset'] === dataset).sort((a, b) => Number(a.params['seed']) - Number(b.params['seed']));
  const seeds = cells.map((c) => c.params['seed']).join(', ');
  const unmasked = cells.map((c) => Number((c.rows.find((r: Row) => r['row'] === 'sweep') as Row)['unmaskedAccuracy']));
  console.log(`\n### ${dataset}: LeNet-5, seeds ${seeds}; unmasked test accuracy ${meanSpread(unmasked, 2)}%\n`);
  const sweeps = cells.map((c) => c.rows.filter((r: Row) => r['row'] === 'sweep') as unknown as FidelityRow[]);
  for (const metric of ['taylor', 'avg']) {
    console.log(`Semantic slicing, ${metric} (mean over seeds, range in brackets; "beyond" = theta below the paper's 0.90):\n`);
    console.log('| theta | CR % | accuracy % |\n|---|---|---|');
    const thetas = [...new Set(sweeps[0]!.filter((r) => r.method === 'semantic' && r.metric === metric).map((r) => r.theta!))];
    for (const t of thetas) {
      const pts = sweeps.map((s) => s.find((r) => r.method === 'semantic' && r.metric === metric && r.theta === t)!);
      console.log(`| ${t.toFixed(2)}${t < 0.9 - 1e-9 ? ' (beyond)' : ''} | ${meanSpread(pts.map((p) => p.cr))} | ${meanSpread(pts.map((p) => p.accuracy), 2)} |`);
    }
    console.log('');
  }
  console.log('At equal CR (linear interpolation, engine compareSweep; tie = within 0.2 points), per seed:\n');
  console.log('| seed | metric | baseline | CR range compared | semantic better / baseline better / ties | mean difference (points) | semantic first falls behind at |');
  console.log('|---|---|---|---|---|---|---|');
  cells.forEach((c, i) => {
    for (const cmp of compareSweep(sweeps[i]!)) {
      const k = cmp.comparison;
      const first = k.firstLossA ? `${k.firstLossA.labelA ?? ''} (CR ${pct(k.firstLossA.cr)}: ${pct(k.firstLossA.a, 2)} vs ${pct(k.firstLossA.b, 2)})` : 'never';
      console.log(`| ${c.params['seed']} | ${cmp.metric} | ${cmp.baseline} | ${k.overlap ? `${pct(k.overlap[0])}-${pct(k.overlap[1])}%` : 'none'} | ${k.aBetter} / ${k.bBetter} / ${k.ties} | ${(100 * k.meanDiff).toFixed(2)} | ${first} |`);
    }
  });
  console.log('\nComponents (average-linkage, tau auto) per metric and theta, per seed:\n');
  console.log('| seed | metric | theta | components |\n|---|---|---|---|');
  for (const c of cells) {
    for (const r of c.rows.filter((x: Row) => x['row'] === 'components') as Row[]) {
      console.log(`| ${c.params['seed']} | ${r['metric']} | ${Number(r['theta']).toFixed(2)} | ${String(r['components']).replace(/\|/g, '/')} |`);
    }
  }
  console.log('\nClass-subset slices (taylor, theta 0.95), mean over seeds and subsets of each kind:\n');
  console.log('| kind | subsets | CR % | accuracy % | unmasked % | category top-k at the same CR % (where reachable) |\n|---|---|---|---|---|---|');
  for (const kind of ['component', 'class']) {
    const rows = cells.flatMap((c) => c.rows.filter((r: Row) => r['row'] === 'subset' && r['kind'] === kind) as Row[]);
    const base = rows.filter((r) => r['baselineAccuracy'] !== null);
    console.log(`| ${kind === 'class' ? 'single class (one-vs-rest, balanced accuracy)' : 'component (argmax over its classes)'} | ${rows.length} | ${meanSpread(rows.map((r) => Number(r['cr'])))} | ${meanSpread(rows.map((r) => Number(r['accuracy'])))} | ${meanSpread(rows.map((r) => Number(r['fullAccuracy'])))} | ${base.length ? `${meanSpread(base.map((r) => Number(r['baselineAccuracy'])))} (${base.length} of ${rows.length})` : '-'} |`);
  }
  console.log('\nDamage matrix (taylor, theta 0.95; each class\'s most class-specific critical neurons switched off):\n');
  console.log('| seed | own class loses (points) | other classes lose (points, mean) | rows where the own class loses most |\n|---|---|---|---|');
  for (const c of cells) {
    const d = c.rows.find((r: Row) => r['row'] === 'damage') as Row;
    console.log(`| ${c.params['seed']} | ${pct(Number(d['meanDiagonalDrop']))} | ${pct(Number(d['meanOffDiagonalDrop']))} | ${d['diagonalMaxRows']} of ${d['rows']} |`);
  }
}
