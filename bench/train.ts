/**
 * Training throughput benchmark: samples/s of semslice's training loop (train(), batch 64, Adam) on MNIST, per
 * backend, model (lenet5, mlp, vgg-small, vgg-small+bn, resnet-small) and replica count (--workers 1,2: one thread,
 * or data-parallel steps over a worker), after a warm-up batch; plus where the time of one step goes (forward,
 * backward, optimizer, top kernels from tf.profile). With --pytorch PATH it first runs the PyTorch reference script
 * at PATH (run.sh, same LeNet-5 and vgg-small steps, 2 threads) and prints our samples/s as a ratio of PyTorch's,
 * measured in the same run. Prints markdown tables; results are recorded in BENCHMARKS.md.
 *
 *   npx tsx bench/train.ts [--backend wasm|cpu|all] [--samples N] [--vgg-samples N] [--cpu-samples N] [--runs R]
 *     [--models lenet5,mlp,vgg-small,vgg-small+bn,resnet-small] [--workers 1,2] [--pytorch PATH] [--no-breakdown] [--cpu-breakdown]
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend/index.js';
import { mnist } from '../src/engine/data/index.js';
import type { Dataset } from '../src/engine/data/types.js';
import { buildModel } from '../src/engine/models/index.js';
import { train } from '../src/engine/train/index.js';
import { logitsModel } from '../src/engine/graph/index.js';
import { WeightPlan } from '../src/engine/train/weight-plan.js';
import { makeStep } from '../src/engine/train/step.js';
import { adam } from '../src/engine/train/adam.js';
import { crossEntropy } from '../src/engine/train/loss.js';
import { closeTrainWorkers } from '../src/engine/train/parallel/data-parallel.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const BATCH = 64;
const backends = arg('backend', 'all') === 'all' ? ['wasm', 'cpu'] : [arg('backend', 'wasm')];
const samples = Number(arg('samples', '6400'));
// The VGG-style models are 10-20x slower per sample: a smaller default keeps a run in minutes.
const vggSamples = Number(arg('vgg-samples', '1280'));
const workerCounts = arg('workers', '1,2').split(',').map(Number);
const pytorchScript = arg('pytorch', '');
const withBreakdown = !process.argv.includes('--no-breakdown');
const cpuSamples = Number(arg('cpu-samples', '128'));
// The stock cpu Conv2DBackpropFilter takes seconds to tens of seconds per batch: step breakdowns on cpu are opt-in.
const cpuBreakdown = process.argv.includes('--cpu-breakdown');
const runs = Number(arg('runs', '2'));
const models = arg('models', 'lenet5,mlp,vgg-small,vgg-small+bn,resnet-small').split(',');

/** "vgg-small+bn" -> vgg-small with BatchNormalization. */
function buildNamed(name: string, seed: number): tf.LayersModel {
  const [zoo, bn] = name.split('+');
  return buildModel(zoo!, { inputShape: [28, 28, 1], numClasses: 10, seed, batchNorm: bn === 'bn' });
}

/** PyTorch's 2-thread samples/s per model name, from the reference script's JSON lines. */
function pytorchReference(script: string): Map<string, number> {
  const out = new Map<string, number>();
  const text = execFileSync('bash', [script], { env: { ...process.env, WHAT: 'train vgg' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const j = JSON.parse(line) as Record<string, unknown>;
    const rate = Number(j['train_samples_per_s'] ?? NaN);
    // The LeNet-5 line has no "model" field; the VGG lines say "vgg-small" or "vgg-small-bn".
    const model = j['model'] === undefined ? 'lenet5' : String(j['model']).replace(/-bn$/, '+bn');
    console.error(`pytorch: ${line.trim()}`);
    if (Number.isFinite(rate)) out.set(model, rate);
  }
  return out;
}

interface Row { backend: string; model: string; workers: number; samples: number; best: number; all: number[]; cpu: number }

/** Best-of-runs samples/s of train() over `data` (a fresh model each run; one warm-up batch first, which also
 * starts the worker replica). */
async function throughput(model: string, data: Dataset, workers: number, cpuRates: number[]): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const m = buildNamed(model, r);
    await train(m, data.take(BATCH), { epochs: 1, batchSize: BATCH, seed: r, workers }); // warm-up: kernels, shapes
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await train(m, data, { epochs: 1, batchSize: BATCH, seed: r, workers });
    const c = process.cpuUsage(c0);
    out.push(data.size / ((performance.now() - t0) / 1000));
    cpuRates.push(data.size / ((c.user + c.system) / 1e6));
    m.dispose();
  }
  return out;
}

/** Milliseconds per batch of forward (+loss), forward+backward, and the full step; median of k batches. */
async function breakdown(model: string, data: Dataset, k: number): Promise<{ fwd: number; fwdBwd: number; step: number; kernels: string }> {
  const m = buildNamed(model, 0);
  const head = logitsModel(m);
  const plan = new WeightPlan(m);
  const opt = adam(1e-3);
  const step = makeStep(head, plan, opt);
  const batches = [...data.take(BATCH * k).batches(BATCH)];
  const med = (f: (i: number) => void): number => {
    const ts: number[] = [];
    for (let i = 0; i < batches.length; i++) { const t0 = performance.now(); f(i); ts.push(performance.now() - t0); }
    return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]!;
  };
  const fwd = () => (i: number) => tf.tidy(() => { const b = batches[i]!; crossEntropy(head.apply(b.xs, true), b.ys, 10).dataSync(); });
  const fb = () => (i: number) => { const b = batches[i]!; const { value, grads } = tf.variableGrads(() => crossEntropy(head.apply(b.xs, true), b.ys, 10), plan.varList); value.dataSync(); tf.dispose([value, grads]); };
  const st = () => (i: number) => { const b = batches[i]!; const r = step(b.xs, b.ys); r.loss.dataSync(); tf.dispose([r.loss, r.correct]); };
  st()(0); // warm-up
  const res = { fwd: med(fwd()), fwdBwd: med(fb()), step: med(st()) };
  const prof = await tf.profile(() => st()(0));
  const byKernel = new Map<string, number>();
  for (const kr of prof.kernels) byKernel.set(kr.name, (byKernel.get(kr.name) ?? 0) + (kr.kernelTimeMs as number));
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  const kernels = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6)
    .map(([n, t]) => `${n} ${(100 * t / total).toFixed(0)}%`).join(', ');
  for (const b of batches) { b.xs.dispose(); b.ys.dispose(); }
  plan.dispose(); opt.dispose(); m.dispose();
  return { ...res, kernels: `${kernels} (of ${total.toFixed(0)} ms kernel time, ${prof.kernels.length} kernels)` };
}

async function main(): Promise<void> {
  const torch = pytorchScript ? pytorchReference(pytorchScript) : new Map<string, number>();
  const { train: full } = await mnist();
  const rows: Row[] = [];
  const parts: string[] = [];
  for (const backend of backends) {
    await initBackend({ backend: backend as 'wasm' | 'cpu', quiet: true });
    for (const model of models) {
      const base = model.startsWith('vgg') || model.startsWith('resnet') ? vggSamples : samples;
      const n = backend === 'cpu' ? Math.min(base, cpuSamples) : base;
      const data = full.take(n);
      for (const workers of workerCounts) {
        const cpu: number[] = [];
        const all = await throughput(model, data, workers, cpu);
        rows.push({ backend, model, workers, samples: n, best: Math.max(...all), all, cpu: Math.max(...cpu) });
        console.error(`${backend} ${model} workers ${workers}: ${all.map((v) => v.toFixed(0)).join(', ')} samples/s`);
      }
      if (!withBreakdown || (backend === 'cpu' && !cpuBreakdown)) continue;
      const b = await breakdown(model, data, backend === 'cpu' ? 1 : 5);
      parts.push(`| ${backend} | ${model} | ${b.fwd.toFixed(1)} | ${(b.fwdBwd - b.fwd).toFixed(1)} | ${(b.step - b.fwdBwd).toFixed(1)} | ${b.step.toFixed(1)} | ${b.kernels} |`);
    }
  }
  await closeTrainWorkers();
  console.log(`Training throughput, batch ${BATCH}, Adam, MNIST (${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs}, ${new Date().toISOString().slice(0, 16)}Z, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
  console.log('| backend | model | replicas | samples | best samples/s (wall) | all runs (wall) | best samples per CPU-second | PyTorch 2 threads | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const t = torch.get(r.model);
    console.log(`| ${r.backend} | ${r.model} | ${r.workers} | ${r.samples} | ${r.best.toFixed(0)} | ${r.all.map((v) => v.toFixed(0)).join(', ')} | ${r.cpu.toFixed(0)} | ${t ? t.toFixed(0) : '-'} | ${t ? (r.best / t).toFixed(2) : '-'} |`);
  }
  if (parts.length) {
    console.log('\nWhere one step goes, one thread (median ms per batch of 64; backward = fwd+bwd - fwd; optimizer = step - fwd+bwd):\n');
    console.log('| backend | model | forward+loss | backward | optimizer+masks | step | top kernels (tf.profile of one step) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const p of parts) console.log(p);
  }
}

await main();
