/**
 * Starting a worker thread on one of semslice's modules, from the compiled JS or from the TypeScript sources (under
 * tsx). Profiling and training workers both start this way; each worker then initialises its own tfjs backend.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A worker running `entry` (a .js URL next to the compiled caller, or the .ts source under tsx). Under tsx the worker
 * starts from an eval bootstrap that registers tsx's ESM loader inside it first: Node 20 does not apply
 * `--import tsx` from execArgv to a worker's entry module, so a .ts entry would fail with ERR_UNKNOWN_FILE_EXTENSION.
 *
 * @example
 * const w = startModuleWorker(new URL('./train-worker.js', import.meta.url));
 */
export function startModuleWorker(entry: URL): Worker {
  const isTs = fileURLToPath(entry).endsWith('.ts');
  if (!isTs) return new Worker(entry);
  // createRequire, not import.meta.resolve: under mocha, tsx compiles this file to CommonJS. It resolves the CommonJS
  // build of tsx's API, whose register() breaks in a worker; the ESM build sits next to it.
  const req = createRequire(import.meta.url);
  const api = pathToFileURL(req.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  // tfjs and its wasm backend are plain JS: load them before tsx's hooks, which slow every later module load.
  const pre = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'].map((p) => JSON.stringify(pathToFileURL(req.resolve(p)).href));
  const code = `Promise.all([${pre.join(', ')}].map((u) => import(u))).then(() => import(${JSON.stringify(api)}))` +
    `.then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, execArgv: [] });
}

/** The URL of a sibling module of `base` (an import.meta.url): `.ts` under tsx, `.js` when compiled. */
export function siblingModule(base: string, name: string): URL {
  const isTs = fileURLToPath(base).endsWith('.ts');
  return new URL(`./${name}.${isTs ? 'ts' : 'js'}`, base);
}

/**
 * Started workers of one kind kept between runs (start-up, mostly loading tfjs, costs 1-3 s). Idle workers are
 * unref'd, so they never keep the process alive; a worker of a failed run is terminated, not reused.
 *
 * @example
 * const pool = new WorkerPool(() => startModuleWorker(siblingModule(import.meta.url, 'train-worker')));
 * const ws = pool.acquire(1); try { ... } finally { await pool.release(ws, ok); }
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private static readonly quiet = (): void => {};

  constructor(private readonly start: () => Worker) {}

  /** n workers: idle ones first, then new ones. */
  acquire(n: number): Worker[] {
    const ws = this.idle.splice(0, n);
    while (ws.length < n) {
      const w = this.start();
      w.on('exit', () => { const i = this.idle.indexOf(w); if (i >= 0) this.idle.splice(i, 1); });
      ws.push(w);
    }
    for (const w of ws) { w.off('error', WorkerPool.quiet); w.ref(); }
    return ws;
  }

  /** Back to the pool after a clean run (message listeners removed), else terminated. */
  release(ws: Worker[], reuse: boolean): Promise<unknown> {
    if (!reuse) return Promise.all(ws.map((w) => w.terminate()));
    for (const w of ws) { w.removeAllListeners('message'); w.removeAllListeners('error'); w.on('error', WorkerPool.quiet); w.unref(); this.idle.push(w); }
    return Promise.resolve();
  }

  /** Terminate the idle workers. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}
