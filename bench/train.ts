/**
 * Training throughput benchmark: samples/s of semslice's training loop (train(), batch 64, Adam) for lenet5 and
 * mlp on MNIST, per backend, after a warm-up batch; plus where the time of one step goes (forward, backward,
 * optimizer, and the top kernels from tf.profile). Prints markdown tables; results are recorded in BENCHMARKS.md.
 *
 *   npx tsx bench/train.ts [--backend wasm|cpu|all] [--samples N] [--cpu-samples N] [--runs R] [--models lenet5,mlp] [--matmul-fix] [--cpu-breakdown]
 */
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
import { crossEntropy } from '../src/engine/train/loss.js';
import { release, runWasm, type Info } from '../src/engine/backend/wasm-kernel-utils.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const BATCH = 64;
const backends = arg('backend', 'all') === 'all' ? ['wasm', 'cpu'] : [arg('backend', 'wasm')];
const samples = Number(arg('samples', '6400'));
const cpuSamples = Number(arg('cpu-samples', '128'));
// The stock cpu Conv2DBackpropFilter takes seconds to tens of seconds per batch: step breakdowns on cpu are opt-in.
const cpuBreakdown = process.argv.includes('--cpu-breakdown');
const runs = Number(arg('runs', '2'));
const models = arg('models', 'lenet5,mlp').split(',');

/**
 * Experiment (--matmul-fix): tfjs-backend-wasm 4.22's BatchMatMul is 20-30x slower with transposeA/transposeB
 * (every dense-layer gradient) than an explicit Transpose followed by a plain BatchMatMul. This wraps the wasm
 * kernel that way. It belongs in src/engine/backend (kernel patches); it lives here to measure the gain.
 */
function registerMatMulFix(): void {
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (!stock) throw new Error('wasm BatchMatMul not registered');
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul', backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: Info; b: Info };
      const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!attrs.transposeA && !attrs.transposeB) return stock.kernelFunc(args);
      const backend = args.backend as BackendWasm;
      const swap = (t: Info): Info => {
        const perm = t.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
        return runWasm('Transpose', backend, { x: t }, { perm });
      };
      const a2 = attrs.transposeA ? swap(a) : a;
      const b2 = attrs.transposeB ? swap(b) : b;
      const out = stock.kernelFunc({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      if (a2 !== a) release(backend, a2);
      if (b2 !== b) release(backend, b2);
      return out;
    },
  });
}

interface Row { backend: string; model: string; samples: number; best: number; all: number[]; cpu: number }

/** Best-of-runs samples/s of train() over `data` (a fresh model each run; one warm-up batch first). */
async function throughput(model: string, data: Dataset, cpuRates: number[]): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const m = buildModel(model, { inputShape: [28, 28, 1], numClasses: 10, seed: r });
    await train(m, data.take(BATCH), { epochs: 1, batchSize: BATCH, seed: r }); // warm-up: kernels, shapes
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await train(m, data, { epochs: 1, batchSize: BATCH, seed: r });
    const c = process.cpuUsage(c0);
    out.push(data.size / ((performance.now() - t0) / 1000));
    cpuRates.push(data.size / ((c.user + c.system) / 1e6));
    m.dispose();
  }
  return out;
}

/** Milliseconds per batch of forward (+loss), forward+backward, and the full step; median of k batches. */
async function breakdown(model: string, data: Dataset, k: number): Promise<{ fwd: number; fwdBwd: number; step: number; kernels: string }> {
  const m = buildModel(model, { inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
  const head = logitsModel(m);
  const plan = new WeightPlan(m);
  const opt = tf.train.adam(1e-3);
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
  const { train: full } = await mnist();
  const rows: Row[] = [];
  const parts: string[] = [];
  for (const backend of backends) {
    await initBackend({ backend: backend as 'wasm' | 'cpu', quiet: true });
    if (backend === 'wasm' && process.argv.includes('--matmul-fix')) registerMatMulFix();
    const n = backend === 'cpu' ? Math.min(samples, cpuSamples) : samples;
    const data = full.take(n);
    for (const model of models) {
      const cpu: number[] = [];
      const all = await throughput(model, data, cpu);
      rows.push({ backend, model, samples: n, best: Math.max(...all), all, cpu: Math.max(...cpu) });
      console.error(`${backend} ${model}: ${all.map((v) => v.toFixed(0)).join(', ')} samples/s`);
      if (backend === 'cpu' && !cpuBreakdown) continue;
      const b = await breakdown(model, data, backend === 'cpu' ? 1 : 9);
      parts.push(`| ${backend} | ${model} | ${b.fwd.toFixed(1)} | ${(b.fwdBwd - b.fwd).toFixed(1)} | ${(b.step - b.fwdBwd).toFixed(1)} | ${b.step.toFixed(1)} | ${b.kernels} |`);
    }
  }
  console.log(`Training throughput, batch ${BATCH}, Adam, MNIST (${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs}, ${new Date().toISOString().slice(0, 16)}Z)\n`);
  console.log('| backend | model | samples | best samples/s (wall) | all runs (wall) | best samples per CPU-second |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.backend} | ${r.model} | ${r.samples} | ${r.best.toFixed(0)} | ${r.all.map((v) => v.toFixed(0)).join(', ')} | ${r.cpu.toFixed(0)} |`);
  console.log('\nWhere one step goes (median ms per batch of 64; backward = fwd+bwd - fwd; optimizer = step - fwd+bwd):\n');
  console.log('| backend | model | forward+loss | backward | optimizer+masks | step | top kernels (tf.profile of one step) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const p of parts) console.log(p);
}

await main();
