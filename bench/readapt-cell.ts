/**
 * One cell of the readapt study, timed: to size a preset before running it whole (the runner's shards take cells by
 * index, not by name). Prints the cell's wall seconds, each run's training seconds and steps, and the load average.
 *
 *   npx tsx bench/readapt-cell.ts [--preset full|small] [--index N] [--model lenet5 --data mnist --workload pgd --seed 0]
 */
import { loadavg } from 'node:os';
import { initBackend } from '../src/engine/backend/index.js';
import { getStudy } from '../src/engine/studies/index.js';
import { readaptGrid } from '../src/engine/studies/readapt.js';
import type { PresetName } from '../src/engine/studies/types.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const preset = (arg('preset') ?? 'full') as PresetName;
const grid = readaptGrid(preset);
const index = arg('index') !== undefined ? Number(arg('index'))
  : grid.findIndex((c) => c['model'] === (arg('model') ?? 'lenet5') && c['dataset'] === (arg('data') ?? 'mnist') && c['workload'] === (arg('workload') ?? 'pgd')
    && c['seed'] === Number(arg('seed') ?? 0) && c['kind'] === (arg('kind') ?? 'run') && (arg('ratio') === undefined || c['ratio'] === Number(arg('ratio'))));
const params = grid[index];
if (!params) throw new Error(`no such cell in the ${preset} grid`);
await initBackend({ quiet: true });
const load0 = loadavg()[0]!;
const t0 = performance.now();
const rows = await getStudy('readapt').run(params, { preset });
const seconds = (performance.now() - t0) / 1000;
console.log(`cell ${index} of ${grid.length} (${preset}): ${JSON.stringify(params)}: ${seconds.toFixed(1)} s; one-minute load average ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`);
for (const r of rows) {
  const t = r['timing'] as { secondsPerStep: number; trainSeconds: number };
  console.log(`  ${String(r['run'])}: ${String(r['steps'])} steps, ${t.trainSeconds.toFixed(1)} s training (${(1000 * t.secondsPerStep).toFixed(1)} ms/step); new ${(100 * Number(r['newAfter'])).toFixed(1)}%, clean ${(100 * Number(r['cleanBefore'])).toFixed(2)} -> ${(100 * Number(r['cleanAfter'])).toFixed(2)}%, steps to target ${String(r['stepsToTarget'])}`);
}
