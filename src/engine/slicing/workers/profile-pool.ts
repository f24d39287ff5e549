/**
 * Parallel profiling on worker threads (one backend each; wasm has no threads in Node). The batch grid is the same
 * as in-process (batches of batchSize in view order); worker w gets a contiguous run of whole batches, and the blocks
 * come back tagged with their global batch index and are merged strictly in that order, so the statistics are
 * byte-identical to the in-process run on the same backend, for any worker count.
 *
 * Entry resolution: from compiled JS (dist) the worker is profile-worker.js next to this file; under tsx (tests,
 * benchmarks) this file is .ts, so the worker is profile-worker.ts, started with tsx's loader.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../../errors.js';
import { setWorkerRunner, throwIfAborted, type BlockRunner, type ProfileJob } from '../profile.js';
import type { StartMessage, WorkerMessage } from './protocol.js';

/**
 * How to start a profile worker. Compiled JS: the file next to this one. Under tsx: an eval bootstrap that registers
 * tsx's ESM loader inside the worker first (Node 20 does not apply `--import tsx` from execArgv to a worker's
 * entry module, so a .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION).
 */
export function startWorker(): Worker {
  const isTs = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = new URL(isTs ? './profile-worker.ts' : './profile-worker.js', import.meta.url);
  if (!isTs) return new Worker(entry);
  // createRequire, not import.meta.resolve: under mocha, tsx compiles this file to CommonJS. It resolves the CommonJS
  // build of tsx's API, whose register() breaks in a worker; the ESM build sits next to it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const api = pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, execArgv: [] });
}

async function serialiseModel(model: tf.LayersModel): Promise<Pick<StartMessage, 'modelTopology' | 'weightSpecs' | 'weightData'>> {
  let art: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return { modelTopology: art!.modelTopology, weightSpecs: art!.weightSpecs ?? [], weightData: art!.weightData ?? new ArrayBuffer(0) };
}

/** Split nb batches into w contiguous runs: [start, end) batch indices per worker (empty runs dropped). */
export function shardBatches(nb: number, w: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < w; i++) {
    const a = Math.floor((nb * i) / w), b = Math.floor((nb * (i + 1)) / w);
    if (b > a) out.push([a, b]);
  }
  return out;
}

function workerError(m: WorkerMessage & { type: 'error' }): Error {
  if (m.code) return new SemsliceError(m.code, m.message, m.hint);
  const e = new Error(`profile worker failed: ${m.message}`);
  if (m.stack) e.stack = m.stack;
  return e;
}

export const runInWorkers: BlockRunner = async (job: ProfileJob, onBlock) => {
  const { data, o } = job;
  const nb = Math.ceil(data.size / o.batchSize);
  const shards = shardBatches(nb, o.workers);
  const model = await serialiseModel(job.model);
  const backend = tf.getBackend();
  const blocks = new Map<number, Float32Array>();
  let next = 0;
  const workers: Worker[] = [];
  const stopAll = () => { for (const w of workers) void w.terminate(); };
  try {
    await new Promise<void>((resolve, reject) => {
      let running = shards.length;
      const fail = (e: unknown) => { stopAll(); reject(e); };
      const onAbort = () => { try { throwIfAborted(o.signal); } catch (e) { fail(e); } };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const flush = () => {
        while (blocks.has(next)) {
          const b = blocks.get(next)!;
          blocks.delete(next);
          const first = next * o.batchSize;
          onBlock(b, first, Math.min(o.batchSize, data.size - first));
          next++;
        }
      };
      for (const [a, b] of shards) {
        const first = a * o.batchSize, end = Math.min(b * o.batchSize, data.size);
        const { images, labels } = data.gather(Int32Array.from({ length: end - first }, (_, i) => first + i));
        const w = startWorker();
        workers.push(w);
        w.on('message', (m: WorkerMessage) => {
          try {
            if (m.type === 'block') { blocks.set(m.index, m.block); flush(); }
            else if (m.type === 'error') fail(workerError(m));
            else if (--running === 0) { o.signal?.removeEventListener('abort', onAbort); resolve(); }
          } catch (e) { fail(e); }
        });
        w.on('error', fail);
        const start: StartMessage = {
          type: 'start', backend, ...model, images, labels, sampleShape: [...data.sampleShape] as [number, number, number],
          batchSize: o.batchSize, firstBatch: a, numClasses: job.numClasses, needGrad: o.needGrad, onlyCorrect: o.onlyCorrect,
          siteNames: job.sites.map((s) => s.name),
        };
        // Copied, not transferred: gather may return views of the dataset's own storage.
        w.postMessage(start);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (next !== nb) throw new Error(`profile workers returned ${next} of ${nb} batches`);
};

setWorkerRunner(runInWorkers);
