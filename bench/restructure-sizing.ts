/**
 * Sizing the restructure study's full preset: times one base model (train + slice) and one restructure run per
 * model/dataset, with the full preset's budget. Usage: SEMSLICE_TRAIN_WORKERS=1 npx tsx bench/restructure-sizing.ts [model ...]
 */
import { initBackend } from '../src/engine/backend/index.js';
import { getStudy } from '../src/engine/studies/index.js';
import { restructureGrid } from '../src/engine/studies/restructure.js';

await initBackend({ quiet: true });
const want = process.argv.slice(2);
const def = getStudy('restructure');
const grid = restructureGrid('full').filter((c) => c.seed === 0 && (want.length === 0 || want.includes(String(c.model))));
const picks = [
  ...grid.filter((c) => c.pruner === 'lamp' && (c.pre === 'none' || c.pre === 'slice')),
];
for (const c of picks) {
  const t0 = performance.now();
  const rows = await def.run(c, { preset: 'full' });
  const s = (performance.now() - t0) / 1000;
  const r = rows.at(-1)!;
  console.log(JSON.stringify({ cell: c, seconds: Number(s.toFixed(1)), orig: r['originalAccuracy'], ni: rows.map((x) => x['ni']), cr: rows.map((x) => x['cr']), ma: rows.map((x) => x['ma']), stop: rows.map((x) => x['stop']) }));
}
