/**
 * One run of every incremental method (issue 14 report) and the split-MNIST sequence, through the `extend` study's
 * cell functions:  npx tsx bench/extend-methods.ts small|full [pair|sequence] [model] [dataset] [perTask] [epochsA] [epochsB]
 * (the last three override the preset's sizes for that pair: how the full preset was sized).
 * Prints one JSON line per method, the cell's wall time, its CPU time and the load.
 */
import { loadavg } from 'node:os';
import { initBackend } from '../src/engine/backend/index.js';
import { EXTEND_SIZES, extendStudy } from '../src/engine/studies/extend.js';

const [preset = 'small', kind = 'pair', model = 'lenet5', dataset = 'mnist', perTask, epochsA, epochsB] = process.argv.slice(2);
await initBackend({});
if (perTask || epochsA || epochsB) {
  const s = EXTEND_SIZES[preset as 'small' | 'full'];
  const pair = s.pairs.find((x) => x.model === model && x.dataset === dataset);
  const o = { ...(perTask ? { perTask: Number(perTask) } : {}), ...(epochsA ? { epochsA: Number(epochsA) } : {}), ...(epochsB ? { epochsB: Number(epochsB) } : {}) };
  if (pair) Object.assign(pair, o); else s.pairs.push({ model, dataset, batchNorm: model === 'vgg-small', ...o });
}
const t0 = performance.now();
const c0 = process.cpuUsage();
const rows = await extendStudy.run({ kind, model, dataset, batchNorm: model === 'vgg-small', seed: 0 }, { preset: preset as 'small' | 'full' });
for (const r of rows) console.log(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? +v.toFixed(4) : v)));
const cpu = process.cpuUsage(c0);
console.log(`cell ${kind} ${model} ${dataset} (${preset}${perTask ? ` perTask ${perTask}` : ''}${epochsA ? ` epochsA ${epochsA}` : ''}${epochsB ? ` epochsB ${epochsB}` : ''}): ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
