/**
 * Training throughput benchmark: samples/s of semslice's training loop (train(), batch 64, Adam) on MNIST, per
 * backend, model (lenet5, mlp, vgg-small, vgg-small+bn, resnet-small, mobilenet-small) and replica count (--workers 1,2: one thread,
 * or data-parallel steps over a worker); plus where the time of one step goes (forward, backward, optimizer, top
 * kernels from tf.profile). The protocol is the PyTorch reference's: one training run of warm-up steps (20 for
 * lenet5, mlp and mobilenet-small, 5 for the VGG-style models) followed by --runs timed runs of --steps steps each
 * (200, or 60 for the VGG-style models), median samples/s; the one-off start-up of train() (worker replicas, first step) is reported
 * apart. With --pytorch PATH it first runs the reference script at PATH (run.sh, same LeNet-5 and vgg-small steps,
 * 2 threads; mobilenet-small's PyTorch equivalent is bench/torch_mobilenet_train_bench.py, which run.sh runs with
 * WHAT=mobilenet and MOBILENET_BENCH set to it) and prints our samples/s as a ratio of PyTorch's, measured in the
 * same run. Prints markdown tables; results are recorded in BENCHMARKS.md.
 *
 *   npx tsx bench/train.ts [--backend wasm|cpu|webgpu|all] [--steps N] [--vgg-steps N] [--cpu-steps N] [--warmup N] [--runs R]
 *     [--models lenet5,mlp,vgg-small,vgg-small+bn,resnet-small,mobilenet-small] [--workers 1,2] [--pytorch PATH] [--no-breakdown] [--cpu-breakdown]
 *
 * --backend webgpu: one replica (replicas are CPU backends), and each timed run is its own train() call, whose
 * end-of-epoch read waits for the GPU's queue (the per-batch progress marks the wasm runs use would time the
 * submission of work, not its completion). The adapter is printed in the header; tf.profile's kernel times need the
 * adapter's timestamp-query feature (Vulkan/Metal/D3D12 have it, OpenGL ES does not).
 * --backend all: wasm and cpu.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { adapterSummary, initBackend, releaseBackend, type BackendInfo } from '../src/engine/backend/index.js';
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
// Steps per timed run and warm-up steps, as in the PyTorch reference (torch_train_bench.py, torch_vgg_train_bench.py).
const steps = Number(arg('steps', '200'));
const vggSteps = Number(arg('vgg-steps', '60'));
// Warm-up steps before the timed runs: the reference's 20 (5 for the VGG-style models) unless given.
const warmupArg = arg('warmup', '');
const workerCounts = arg('workers', '1,2').split(',').map(Number);
const pytorchScript = arg('pytorch', '');
const withBreakdown = !process.argv.includes('--no-breakdown');
const cpuSteps = Number(arg('cpu-steps', '2'));
// The stock cpu Conv2DBackpropFilter takes seconds to tens of seconds per batch: step breakdowns on cpu are opt-in.
const cpuBreakdown = process.argv.includes('--cpu-breakdown');
const runs = Number(arg('runs', '3'));
const models = arg('models', 'lenet5,mlp,vgg-small,vgg-small+bn,resnet-small,mobilenet-small').split(',');

/** "vgg-small+bn" -> vgg-small with BatchNormalization. */
function buildNamed(name: string, seed: number): tf.LayersModel {
  const [zoo, bn] = name.split('+');
  return buildModel(zoo!, { inputShape: [28, 28, 1], numClasses: 10, seed, batchNorm: bn === 'bn' });
}

/** PyTorch's 2-thread samples/s per model name, from the reference script's JSON lines. */
function pytorchReference(script: string): Map<string, number> {
  const out = new Map<string, number>();
  const mobilenet = fileURLToPath(new URL('torch_mobilenet_train_bench.py', import.meta.url));
  // Only the references of the models asked for (the VGG pair alone takes minutes).
  const what = [...(models.includes('lenet5') ? ['train'] : []), ...(models.some((m) => m.startsWith('vgg')) ? ['vgg'] : []), ...(models.includes('mobilenet-small') ? ['mobilenet'] : [])].join(' ');
  const text = execFileSync('bash', [script], { env: { ...process.env, WHAT: what, MOBILENET_BENCH: mobilenet }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const j = JSON.parse(line) as Record<string, unknown>;
    const rate = Number(j['train_samples_per_s'] ?? NaN);
    // The LeNet-5 line has no "model" field; the others say "vgg-small", "vgg-small-bn" or "mobilenet-small".
    const model = j['model'] === undefined ? 'lenet5' : String(j['model']).replace(/-bn$/, '+bn');
    console.error(`pytorch: ${line.trim()}`);
    if (Number.isFinite(rate)) out.set(model, rate);
  }
  // A reference script without the mobilenet case: run the equivalent the way it runs its own (its interpreter,
  // its OpenBLAS build, 2 threads), after its own measurements.
  if (models.includes('mobilenet-small') && !out.has('mobilenet-small')) {
    const work = process.env['PYREF_WORK'] ?? join(process.env['TMPDIR'] ?? '/tmp', 'pytorch-reference');
    const openblas = join(work, 'openblas-openmp/usr/lib/x86_64-linux-gnu/openblas-openmp');
    const line = execFileSync('/usr/bin/python3', [mobilenet, '--threads', '2'], {
      env: { ...process.env, LD_LIBRARY_PATH: openblas, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    }).trim().split('\n').at(-1) ?? '';
    console.error(`pytorch: ${line}`);
    const rate = Number((JSON.parse(line) as Record<string, unknown>)['train_samples_per_s'] ?? NaN);
    if (Number.isFinite(rate)) out.set('mobilenet-small', rate);
  }
  return out;
}

interface Row { backend: string; model: string; workers: number; steps: number; median: number; all: number[]; cpu: number; startup: number }

const median = (xs: number[]): number => { const v = [...xs].sort((a, b) => a - b); const h = v.length >> 1; return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2; };

/**
 * One train() over warm-up + runs x steps batches of a fresh model; samples/s (wall and per CPU-second) of every
 * timed run, read from the per-batch progress callback, and the start-up (call to end of the first batch, ms).
 */
async function throughput(model: string, full: Dataset, workers: number, warmup: number, perRun: number): Promise<Omit<Row, 'backend' | 'model' | 'workers' | 'steps'>> {
  const m = buildNamed(model, 0);
  const marks: Array<{ t: number; cpu: NodeJS.CpuUsage }> = [];
  const t0 = performance.now();
  let startup = 0;
  await train(m, full.take(BATCH * (warmup + runs * perRun)), {
    epochs: 1, batchSize: BATCH, seed: 0, workers, shuffle: false,
    onProgress: ({ done }) => {
      if (done === 1) startup = performance.now() - t0;
      if (done >= warmup && (done - warmup) % perRun === 0) marks.push({ t: performance.now(), cpu: process.cpuUsage() });
    },
  });
  m.dispose();
  const all: number[] = [];
  const cpu: number[] = [];
  for (let r = 1; r < marks.length; r++) {
    all.push(BATCH * perRun / ((marks[r]!.t - marks[r - 1]!.t) / 1000));
    cpu.push(BATCH * perRun / (((marks[r]!.cpu.user - marks[r - 1]!.cpu.user) + (marks[r]!.cpu.system - marks[r - 1]!.cpu.system)) / 1e6));
  }
  return { median: median(all), all, cpu: median(cpu), startup };
}

/**
 * webgpu: a warm-up train() of `warmup` steps, then `runs` train() calls of perRun steps, each timed to its
 * end-of-epoch read (which waits for the GPU). Same fields as throughput().
 */
async function gpuThroughput(model: string, full: Dataset, warmup: number, perRun: number): Promise<Omit<Row, 'backend' | 'model' | 'workers' | 'steps'>> {
  const m = buildNamed(model, 0);
  const o = { epochs: 1, batchSize: BATCH, seed: 0, workers: 1, shuffle: false };
  const t0 = performance.now();
  let startup = 0;
  await train(m, full.take(BATCH * Math.max(1, warmup)), { ...o, onProgress: ({ done }) => { if (done === 1) startup = performance.now() - t0; } });
  const all: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    await train(m, full.take(BATCH * perRun), o);
    const c = process.cpuUsage(c0);
    all.push(BATCH * perRun / ((performance.now() - t) / 1000));
    cpu.push(BATCH * perRun / ((c.user + c.system) / 1e6));
  }
  m.dispose();
  return { median: median(all), all, cpu: median(cpu), startup };
}

/** Milliseconds per batch of forward (+loss), forward+backward, and the full step; median of k batches. */
async function breakdown(model: string, data: Dataset, k: number): Promise<{ fwd: number; fwdBwd: number; step: number; kernels: string }> {
  const m = buildNamed(model, 0);
  const head = logitsModel(m);
  const plan = new WeightPlan(m);
  const opt = adam(1e-3);
  const step = makeStep(head, plan, opt);
  const batches = [...data.take(BATCH * k).batches(BATCH)];
  // Each measured call ends in an asynchronous read of its result (the only read webgpu has in Node), so the time
  // includes the work a GPU queued.
  const med = async (f: (i: number) => Promise<void>): Promise<number> => {
    const ts: number[] = [];
    for (let i = 0; i < batches.length; i++) { const t0 = performance.now(); await f(i); ts.push(performance.now() - t0); }
    return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]!;
  };
  const fwd = () => async (i: number) => { const b = batches[i]!; const l = tf.tidy(() => crossEntropy(head.apply(b.xs, true), b.ys, 10)); await l.data(); l.dispose(); };
  const fb = () => async (i: number) => { const b = batches[i]!; const { value, grads } = tf.variableGrads(() => crossEntropy(head.apply(b.xs, true), b.ys, 10), plan.varList); await value.data(); tf.dispose([value, grads]); };
  const st = () => async (i: number) => { const b = batches[i]!; const r = step(b.xs, b.ys); await r.loss.data(); tf.dispose([r.loss, r.correct]); };
  await st()(0); // warm-up
  const res = { fwd: await med(fwd()), fwdBwd: await med(fb()), step: await med(st()) };
  const prof = await tf.profile(async () => { await st()(0); });
  const byKernel = new Map<string, number>();
  for (const kr of prof.kernels) {
    const ms = await kr.kernelTimeMs; // a promise on webgpu; { error } where the adapter cannot time kernels
    byKernel.set(kr.name, (byKernel.get(kr.name) ?? 0) + (typeof ms === 'number' ? ms : NaN));
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) {
    for (const b of batches) { b.xs.dispose(); b.ys.dispose(); }
    plan.dispose(); opt.dispose(); m.dispose();
    return { ...res, kernels: `no kernel times (the adapter cannot time kernels: timestamp-query), ${prof.kernels.length} kernels` };
  }
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
  const adapters: string[] = [];
  for (const backend of backends) {
    const info: BackendInfo = await initBackend({ backend: backend as 'wasm' | 'cpu' | 'webgpu', quiet: true });
    if (info.adapter) adapters.push(`webgpu adapter: ${adapterSummary(info.adapter)}`);
    const gpu = backend === 'webgpu';
    for (const model of models) {
      const big = model.startsWith('vgg') || model.startsWith('resnet');
      const perRun = backend === 'cpu' ? Math.min(cpuSteps, steps) : big ? vggSteps : steps;
      const warmup = warmupArg !== '' ? Number(warmupArg) : backend === 'cpu' ? 1 : big ? 5 : 20;
      const data = full.take(BATCH * perRun);
      for (const workers of gpu ? [1] : workerCounts) {
        const r = gpu ? await gpuThroughput(model, full, warmup, perRun) : await throughput(model, full, workers, warmup, perRun);
        rows.push({ backend, model, workers, steps: perRun, ...r });
        console.error(`${backend} ${model} workers ${workers}: ${r.all.map((v) => v.toFixed(0)).join(', ')} samples/s, start-up ${r.startup.toFixed(0)} ms`);
      }
      if (!withBreakdown || (backend === 'cpu' && !cpuBreakdown)) continue;
      const b = await breakdown(model, data, backend === 'cpu' ? 1 : 5);
      parts.push(`| ${backend} | ${model} | ${b.fwd.toFixed(1)} | ${(b.fwdBwd - b.fwd).toFixed(1)} | ${(b.step - b.fwdBwd).toFixed(1)} | ${b.step.toFixed(1)} | ${b.kernels} |`);
    }
  }
  await closeTrainWorkers();
  releaseBackend();
  console.log(`Training throughput, batch ${BATCH}, Adam, MNIST (${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs}, ${new Date().toISOString().slice(0, 16)}Z, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
  for (const a of adapters) console.log(`${a}\n`);
  console.log(`Median of ${runs} timed runs after the warm-up steps; start-up = train() call to the end of its first batch.\n`);
  console.log('| backend | model | replicas | steps per run | median samples/s (wall) | all runs (wall) | samples per CPU-second | start-up ms | PyTorch 2 threads | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const t = torch.get(r.model);
    console.log(`| ${r.backend} | ${r.model} | ${r.workers} | ${r.steps} | ${r.median.toFixed(0)} | ${r.all.map((v) => v.toFixed(0)).join(', ')} | ${r.cpu.toFixed(0)} | ${r.startup.toFixed(0)} | ${t ? t.toFixed(0) : '-'} | ${t ? (r.median / t).toFixed(2) : '-'} |`);
  }
  if (parts.length) {
    console.log('\nWhere one step goes, one thread (median ms per batch of 64; backward = fwd+bwd - fwd; optimizer = step - fwd+bwd):\n');
    console.log('| backend | model | forward+loss | backward | optimizer+masks | step | top kernels (tf.profile of one step) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const p of parts) console.log(p);
  }
}

await main();
