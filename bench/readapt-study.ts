/**
 * Run the readapt study (RQ3) directly through the runner, as `semslice study run readapt` does:
 *   npx tsx bench/readapt-study.ts [small|full] [outDir] [K/N]
 * Resumes a killed run from outDir/results.jsonl.
 */
import { initBackend } from '../src/engine/backend/index.js';
import { runStudy } from '../src/engine/studies/runner.js';
import { readaptStudy } from '../src/engine/studies/readapt.js';

const [preset = 'small', out = 'runs/readapt', shard] = process.argv.slice(2);
await initBackend({});
const [k, n] = (shard ?? '0/1').split('/').map(Number);
const t0 = performance.now();
const r = await runStudy(readaptStudy, {
  preset: preset as 'small' | 'full', out, shard: { index: k!, count: n! },
  onCell: (rec, status) => console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s: cell ${rec.index} ${rec.id} ${status} in ${rec.seconds.toFixed(1)} s`),
});
console.log(`${r.table.numRows()} rows -> ${out}`);
