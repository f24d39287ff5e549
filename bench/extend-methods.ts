/**
 * One run of every incremental method (issue 14 report) and the split-MNIST sequence, through the `extend` study's
 * cell functions:  npx tsx bench/extend-methods.ts small|full [pair|sequence]
 * Prints one JSON line per method and the cell's wall time.
 */
import { initBackend } from '../src/engine/backend/index.js';
import { extendStudy } from '../src/engine/studies/extend.js';

const [preset = 'small', kind = 'pair', model = 'lenet5', dataset = 'mnist'] = process.argv.slice(2);
await initBackend({});
const t0 = performance.now();
const rows = await extendStudy.run({ kind, model, dataset, batchNorm: model === 'vgg-small', seed: 0 }, { preset: preset as 'small' | 'full' });
for (const r of rows) console.log(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? +v.toFixed(4) : v)));
console.log(`cell ${kind} ${model} ${dataset} (${preset}): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
