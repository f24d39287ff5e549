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
