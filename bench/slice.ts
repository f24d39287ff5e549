/**
 * Profiling throughput: samples/s of profile() with all five metrics (one forward + one backward per batch) for
 * lenet5 on the 10k MNIST test images, per backend and worker count, plus peak RSS.
 *
 *   npx tsx bench/slice.ts [--backend wasm|cpu|webgpu] [--workers 2] [--batch 256] [--samples 10000] [--repeat 0] [--breakdown]
 *
 * Without --backend: wasm with 1 and 2 workers, then cpu (on --cpu-samples, default 500, since cpu is ~50x slower).
 * --backend webgpu: one thread (replicas are CPU backends); the adapter Dawn gave is printed with the result (on a
 * machine without a GPU that is Mesa's llvmpipe, which says nothing about GPU speed).
 * The model is models/lenet5-mnist if present, else a seeded random-init lenet5 (fine for throughput: the work per
 * sample does not depend on the weights; onlyCorrect is off so every sample is profiled).
 * --repeat R: R more timed runs in the same process (steady state: later profiles in a session are faster).
 * --breakdown: per-kernel time of one batch (tf.profile), to see where the time goes.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { adapterSummary, initBackend, releaseBackend, type BackendRequest } from '../src/engine/backend/index.js';
import { mnist } from '../src/engine/data/index.js';
import { buildModel, loadModel } from '../src/engine/models/index.js';
import { closeProfileWorkers, profile } from '../src/engine/slicing/profile/profile.js';
import { batchStats, createBatchContext, disposeBatchContext } from '../src/engine/slicing/profile/batch.js';
import { findSites } from '../src/engine/graph/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);

async function getModel(): Promise<{ model: tf.LayersModel; source: string }> {
  if (existsSync('models/lenet5-mnist/model.json')) return { model: await loadModel('models/lenet5-mnist'), source: 'models/lenet5-mnist (trained)' };
  return { model: buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 0 }), source: 'lenet5 random init (seed 0)' };
}

async function breakdown(model: tf.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor1D): Promise<void> {
  const sites = findSites(model);
  const ctx = await createBatchContext(model, sites, [28, 28, 1], { numClasses: 10, needGrad: true, onlyCorrect: false });
  await batchStats(ctx, xs, ys);
  const t0 = performance.now();
  const info = await tf.profile(async () => { await batchStats(ctx, xs, ys); });
  const wall = performance.now() - t0;
  const by = new Map<string, number>();
  for (const k of info.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (await k.kernelTimeMs as number));
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  console.log(`breakdown (${tf.getBackend()}, batch ${xs.shape[0]}): wall ${wall.toFixed(0)} ms (profiled), kernels ${total.toFixed(0)} ms`);
  for (const [k, v] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${k.padEnd(24)} ${v.toFixed(1).padStart(7)} ms  ${(100 * v / total).toFixed(0)}%`);
  disposeBatchContext(ctx);
}

async function run(backend: BackendRequest, workers: number, batch: number, samples: number): Promise<void> {
  const info = await initBackend({ backend, quiet: true });
  if (info.adapter) console.log(`webgpu adapter: ${adapterSummary(info.adapter)}`);
  const { model, source } = await getModel();
  const { test } = await mnist();
  const data = test.take(samples);
  if (flag('breakdown')) {
    const b = data.batches(batch)[Symbol.iterator]().next().value!;
    await breakdown(model, b.xs, b.ys);
    tf.dispose([b.xs, b.ys]);
  }
  await profile(model, test.take(Math.min(512, samples)), { onlyCorrect: false, batchSize: batch, workers: 1 }); // warm-up
  peakRss = process.memoryUsage().rss;
  let startup = 0;
  if (workers > 1) {
    // Start the workers (thread, tfjs, backend, model rebuild) on a small run and wait until they are all ready, so
    // the timed run measures warm workers (as in a notebook's second profile); start-up time is reported apart.
    const t = performance.now();
    await profile(model, test.take(batch * workers * 8), { onlyCorrect: false, batchSize: batch, workers });
    startup = (performance.now() - t) / 1000;
    await new Promise((r) => setTimeout(r, 3000)); // let late workers finish starting (they are kept for reuse)
  }
  // --repeat R: R more timed runs after the first. The first runs of a process are slower (V8 still optimising
  // tfjs' JS and our code paths); the repeats show the steady state a notebook reaches after a few profiles.
  const repeat = Number(arg('repeat') ?? 0);
  for (let r = 0; r <= repeat; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const stats = await profile(model, data, { onlyCorrect: false, batchSize: batch, workers });
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    const cpuS = (c.user + c.system) / 1e6;
    const n = stats.counts.reduce((a, b) => a + b, 0);
    console.log(`${backend} workers=${workers} batch=${batch}${repeat ? ` run ${r + 1}/${repeat + 1}` : ''}: ${n} samples in ${s.toFixed(2)} s wall = ${Math.round(n / s)} samples/s ` +
      `(${workers > 1 ? `workers warm: a first ${workers}-batch run started them in ${startup.toFixed(2)} s` : 'one thread'}); process CPU ${cpuS.toFixed(2)} s = ` +
      `${Math.round(n / cpuS)} samples per CPU-second; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; load avg ${(await import('node:os')).loadavg()[0]!.toFixed(1)}; model: ${source}`);
  }
  if (workers > 1) await closeProfileWorkers();
  model.dispose();
}

const batch = Number(arg('batch') ?? 256);
const samples = Number(arg('samples') ?? 10000);
const backendArg = arg('backend') as BackendRequest | undefined;
const workersArg = arg('workers');
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores, ${new Date().toISOString()}`);
if (backendArg) {
  await run(backendArg, Number(workersArg ?? 1), batch, backendArg === 'cpu' ? Math.min(samples, Number(arg('cpu-samples') ?? samples)) : samples);
  releaseBackend();
} else {
  for (const w of workersArg ? [Number(workersArg)] : [1, 2]) await run('wasm', w, batch, samples);
  await run('cpu', 1, batch, Math.min(samples, Number(arg('cpu-samples') ?? 500)));
}
clearInterval(sampler);
