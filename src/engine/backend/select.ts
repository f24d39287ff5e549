/**
 * Run-time choice of the tfjs backend: tensorflow (tfjs-node, optional) -> webgpu (Dawn, optional; a hardware
 * adapter only) -> wasm (SIMD, 1 thread in Node) -> cpu, overridable by option or SEMSLICE_BACKEND, reported once
 * through the logger.
 */
import * as tf from '@tensorflow/tfjs';
import { didYouMean } from '../errors.js';
import { fail } from '../messages/index.js';
import { logger } from '../log.js';
import { LOADERS, type BackendName, type LoadResult } from './loaders.js';
import { releaseWebGPU, type WebGPUAdapterInfo } from './webgpu.js';

export type { BackendName } from './loaders.js';

/** What initBackend may be asked for. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_CHOICES)[number];

/** The order 'auto' tries. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The backend tfjs now runs on. */
  name: BackendName;
  /** What was asked for ('auto' unless an option or SEMSLICE_BACKEND said otherwise). */
  requested: string;
  /** Why this backend: where the request came from and, for 'auto', why earlier choices were skipped. */
  reason: string;
  /** What the backend line says about it, e.g. "SIMD, 1 thread; native kernels" or the webgpu adapter. */
  detail: string;
  /** wasm only: SIMD build in use. */
  simd?: boolean;
  /** wasm only: worker threads (1 in Node). */
  threads?: number;
  /** wasm only: convolutions and matrix products run on the native addon (OpenBLAS). */
  native?: boolean;
  /** webgpu only: the adapter (device, vendor, architecture, Dawn backend, whether it is a software one). */
  adapter?: WebGPUAdapterInfo;
}

export interface InitBackendOptions {
  /** Backend to use; default: SEMSLICE_BACKEND if set, else 'auto'. The option wins over the env variable. */
  backend?: BackendRequest;
  /** Do not print the choice (default false: one logger().info line per new choice). */
  quiet?: boolean;
}

let current: { request: BackendRequest; info: BackendInfo } | undefined;
let pending: { request: BackendRequest; promise: Promise<BackendInfo> } | undefined;

/**
 * Choose, initialise and report the tfjs backend; registers semslice's wasm kernels when wasm is used.
 * Idempotent: the same request again returns the cached info. An explicitly requested backend that cannot be
 * loaded is an error (no silent fallback); only 'auto' falls back. 'auto' takes webgpu only on a hardware adapter;
 * `backend: 'webgpu'` takes any adapter (a software one too). Call releaseBackend() when done with webgpu.
 *
 * @example
 * const info = await initBackend();                 // { name: 'wasm', requested: 'auto', simd: true, ... }
 * await initBackend({ backend: 'cpu', quiet: true }); // or SEMSLICE_BACKEND=cpu
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const { request, source } = resolveRequest(opts.backend);
  if (current?.request === request) {
    if (tf.engine().backendName !== current.info.name) await tf.setBackend(current.info.name);
    return current.info;
  }
  if (pending?.request === request) return pending.promise;
  const promise = choose(request, source).then((info) => {
    current = { request, info };
    if (!opts.quiet) logger().info(`backend: ${info.name} (${info.detail})`);
    return info;
  });
  pending = { request, promise };
  try {
    return await promise;
  } finally {
    if (pending?.promise === promise) pending = undefined;
  }
}

/**
 * The info of the last initBackend, or undefined if none ran or tfjs was switched to another backend since
 * (withBackend keeps it accurate inside its callback).
 *
 * @example
 * await initBackend({ quiet: true });
 * backendInfo()?.name;   // 'wasm' on our machines
 */
export function backendInfo(): BackendInfo | undefined {
  return current !== undefined && tf.engine().backendName === current.info.name ? current.info : undefined;
}

/**
 * Give back what the backend holds so Node can exit: on webgpu, its buffers, the Dawn device and navigator.gpu
 * (tensors on webgpu are invalid afterwards). The next initBackend (or engine call) chooses a backend again.
 * A no-op for the other backends' state; the CLI calls it after every command.
 *
 * @example
 * await initBackend({ backend: 'webgpu' });
 * try { await slice(model, data.train); } finally { releaseBackend(); }
 */
export function releaseBackend(): void {
  if (current?.info.name === 'webgpu') current = undefined;
  releaseWebGPU();
}

/** Internal (testing.ts): set the cached choice back after a temporary switch. */
export function restoreBackendState(state: typeof current): void {
  current = state;
}
export function backendState(): typeof current {
  return current;
}

function resolveRequest(option: string | undefined): { request: BackendRequest; source: string } {
  const env = process.env['SEMSLICE_BACKEND'];
  const [raw, source] = option !== undefined ? [option, 'option backend']
    : env !== undefined && env.trim() !== '' ? [env, 'SEMSLICE_BACKEND'] : ['auto', 'default'];
  const name = raw.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(name)) return { request: name as BackendRequest, source };
  const guess = didYouMean(name, BACKEND_CHOICES);
  throw fail('BACKEND_UNKNOWN', { name: raw, source: source === 'SEMSLICE_BACKEND' ? 'env' : 'option', choices: BACKEND_CHOICES, ...(guess !== undefined ? { guess } : {}) });
}

async function choose(request: BackendRequest, source: string): Promise<BackendInfo> {
  if (request !== 'auto') {
    const r = await LOADERS[request](true);
    if (!r.ok) throw unavailable(request, source, r.why);
    return toInfo(request, request, `requested by ${source}`, r);
  }
  const skipped: string[] = [];
  for (const name of AUTO_ORDER) {
    const r = await LOADERS[name](false);
    if (r.ok) {
      const why = skipped.length ? `auto; skipped ${skipped.join('; ')}` : 'auto; first available';
      return toInfo(name, 'auto', why, r);
    }
    skipped.push(`${name} (${r.why})`);
  }
  throw fail('BACKEND_NONE', { tried: skipped });
}

function toInfo(name: BackendName, requested: string, reason: string, r: LoadResult & { ok: true }): BackendInfo {
  const info: BackendInfo = { name, requested, reason, detail: r.detail };
  if (r.simd !== undefined) info.simd = r.simd;
  if (r.threads !== undefined) info.threads = r.threads;
  if (r.native !== undefined) info.native = r.native;
  if (r.adapter !== undefined) info.adapter = r.adapter;
  return info;
}

function unavailable(name: BackendName, source: string, why: string): Error {
  return fail('BACKEND_UNAVAILABLE', { name, source, why });
}
