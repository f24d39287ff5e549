/**
 * Issue 9 measurements on one seed: families found by tau 'auto' (every metric, theta 0.90/0.95/0.99), bootstrap
 * stability against profiling sample size, the fidelity sweep over the widened theta grid compared at equal CR,
 * subset fidelity and the damage matrix. Models from bench/carve-models.ts. Writes bench/results/carve-<data>.json.
 *
 *   npx tsx bench/carve-study.ts --data fashion-mnist [--eval 5000] [--per-class 500] [--replicates 10]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as ss from '../src/index.js';
import { similarity } from '../src/engine/slicing/categorise.js';
import { mergeClasses } from '../src/engine/slicing/merge.js';
import { selectCritical } from '../src/engine/slicing/selection.js';
import { scoresFrom } from '../src/engine/slicing/metrics.js';
import { compareSweep, describeComparison } from '../src/engine/slicing/compare.js';
import { subsetFidelity } from '../src/engine/slicing/subset-fidelity.js';
import { damageMatrix } from '../src/engine/slicing/damage.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'fashion-mnist' }, eval: { type: 'string', default: '5000' },
  'per-class': { type: 'string', default: '500' }, replicates: { type: 'string', default: '10' }, skip: { type: 'string', default: '' },
} });
const skip = new Set(values.skip!.split(','));
await ss.initBackend({ backend: 'auto', quiet: true });
const name = values.data!;
const data = await ss.data.loadDataset(name);
const model = await ss.models.load(`models/lenet5-${name}-20k`);
const evalData = data.test.shuffle(1).take(Number(values.eval));
const perClass = Number(values['per-class']);
const profileData = data.train.shuffle(0).perClassCap(perClass);
const out: Record<string, unknown> = { dataset: name, model: `models/lenet5-${name}-20k`, evalSamples: evalData.size, perClass };
const cn = data.classNames;
const t = (label: string, t0: number) => console.error(`${label}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);

// 1. families
let t0 = Date.now();
const stats = await ss.profile(model, profileData, { metrics: ['avg', 'var', 'taylor', 'deeplift'] });
const families: unknown[] = [];
console.log(`\n## ${name}: families (tau auto)\n\n| metric | theta | components | silhouette | cut | families |\n|---|---|---|---|---|---|`);
for (const metric of ['avg', 'var', 'taylor', 'deeplift', 'ens']) {
  const scores = scoresFrom(stats, metric);
  for (const theta of [0.9, 0.95, 0.99]) {
    const crit = selectCritical(stats, { method: 'semantic', metric, theta, scores });
    const m = mergeClasses(similarity(crit, stats.sites, 10).overall, 'auto');
    const fams = m.clusters.map((c) => c.map((i) => cn[i]));
    families.push({ metric, theta, rule: m.rule, cut: m.cut, silhouette: m.silhouette, families: fams });
    console.log(`| ${metric} | ${theta} | ${m.clusters.length} | ${m.silhouette?.toFixed(3)} | ${m.cut.toFixed(3)} | ${fams.map((f) => `{${f.join(', ')}}`).join(' ')} |`);
  }
}
out.families = families;
t('families', t0);

// 2. stability against sample size
if (!skip.has('stability')) {
  t0 = Date.now();
  const stab: unknown[] = [];
  console.log(`\n## ${name}: bootstrap stability (taylor, theta 0.95, ${values.replicates} replicates)\n\n| per class | mean Jaccard | min class Jaccard | components per replicate | co-membership >= 0.8 pairs |\n|---|---|---|---|---|`);
  for (const n of [20, 50, 100, perClass]) {
    const s = await ss.withLogger({ warn: () => {}, info: () => {} }, () => ss.slice(model, data.train, { metric: 'taylor', theta: 0.95, maxPerClass: n, bootstrap: Number(values.replicates) }));
    const st = s.stability!;
    const mean = st.jaccard.reduce((a, b) => a + b, 0) / st.jaccard.length;
    let pairs = 0;
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) if (st.coMembership[a]![b]! >= 0.8) pairs++;
    stab.push({ perClass: n, jaccard: st.jaccard, jaccardMin: st.jaccardMin, componentCounts: st.componentCounts, coMembership: st.coMembership, components: s.components.map((c) => c.classes) });
    console.log(`| ${n} | ${mean.toFixed(3)} | ${Math.min(...st.jaccard).toFixed(3)} | ${st.componentCounts.join(' ')} | ${pairs} |`);
  }
  out.stability = stab;
  t('stability', t0);
}

// 3. fidelity over the widened grid, compared at equal CR
t0 = Date.now();
const full = await ss.evaluate(model, evalData, { batchSize: 512 });
out.fullAccuracy = full.accuracy;
const rows = ss.sweepRows(await ss.fidelitySweep(model, evalData, { profileData, metrics: ['taylor', 'avg'], seed: 0 }));
out.sweep = rows.map(({ perClass: _p, ...r }) => r);
console.log(`\n## ${name}: fidelity (unmasked ${(full.accuracy * 100).toFixed(2)}% on ${evalData.size} test images)\n\n| method | metric | theta / k | beyond paper | CR % | accuracy % |\n|---|---|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.method} | ${r.metric} | ${r.theta ?? `${r.k}%`} | ${r.beyondPaper ? 'yes' : ''} | ${(r.cr * 100).toFixed(1)} | ${(r.accuracy * 100).toFixed(2)} |`);
const comps = compareSweep(rows);
out.comparisons = comps.map((c) => ({ metric: c.metric, baseline: c.baseline, text: describeComparison(c), firstLoss: c.comparison.firstLossA, aBetter: c.comparison.aBetter, bBetter: c.comparison.bBetter, ties: c.comparison.ties, overlap: c.comparison.overlap }));
console.log('\n' + comps.map((c) => `- ${describeComparison(c)}`).join('\n'));
t('sweep', t0);

// 4. subset fidelity and 5. damage matrix, on the default slice (taylor 0.95, tau auto)
t0 = Date.now();
const s = await ss.slice(model, profileData, { metric: 'taylor', theta: 0.95 });
const sub = await subsetFidelity(model, evalData, s);
out.subsets = sub;
console.log(`\n## ${name}: subset slices (taylor 0.95; components ${s.components.length})\n\n| subset | CR % | accuracy % | unmasked % | category top-k at same CR % |\n|---|---|---|---|---|`);
for (const r of sub) console.log(`| ${r.name} | ${(r.cr * 100).toFixed(1)} | ${(r.accuracy * 100).toFixed(2)} | ${(r.fullAccuracy * 100).toFixed(2)} | ${r.baselineAccuracy === null ? 'unreachable' : (r.baselineAccuracy * 100).toFixed(2)} |`);
t('subsets', t0);
t0 = Date.now();
const d = await damageMatrix(model, evalData, s);
out.damage = d;
console.log(`\n## ${name}: damage matrix (fraction ${d.fraction}): accuracy drop in points, rows = class switched off\n`);
console.log(`| off \\ measured | ${cn.map((c) => c.slice(0, 7)).join(' | ')} |\n|---|${cn.map(() => '---').join('|')}|`);
d.drop.forEach((row, r) => console.log(`| ${cn[r]} | ${row.map((v) => (v * 100).toFixed(1)).join(' | ')} |`));
console.log(`\nsummary: ${JSON.stringify(d.summary)}`);
t('damage', t0);
await mkdir('bench/results', { recursive: true });
await writeFile(`bench/results/carve-${name}.json`, JSON.stringify(out, null, 1) + '\n');
model.dispose();
