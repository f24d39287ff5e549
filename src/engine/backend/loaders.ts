/**
 * One loader per backend: import what it needs, switch tfjs to it, report success or why not. Loaders never
 * throw for an unavailable backend (initBackend decides whether that is an error or a fallback).
 */
import * as tf from '@tensorflow/tfjs';
import { nativeKernelsActive, registerWasmPatches } from './wasm-patches.js';
import { nativeStatus } from './native-addon.js';
import { loadWebGPU, type WebGPUAdapterInfo } from './webgpu.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export type LoadResult =
  | { ok: true; detail: string; simd?: boolean; threads?: number; native?: boolean; adapter?: WebGPUAdapterInfo }
  | { ok: false; why: string };

/** Names of the optional native packages, GPU build first (module specifiers kept out of TS's resolution). */
export const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const dynamicImport = (name: string): Promise<unknown> => import(name);

function firstLine(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') return 'not installed';
  return String(err?.message ?? e).split('\n')[0]!.slice(0, 200);
}

/** tfjs-node(-gpu): catches both "module not found" and "native addon not found" (installed without scripts). */
export async function loadTensorflow(): Promise<LoadResult> {
  const why: string[] = [];
  for (const pkg of TFJS_NODE_PACKAGES) {
    try {
      await dynamicImport(pkg);
      if (await tf.setBackend('tensorflow')) return { ok: true, detail: pkg };
      why.push(`${pkg}: loaded but the 'tensorflow' backend did not initialise`);
    } catch (e) {
      why.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  return { ok: false, why: why.join('; ') };
}

/**
 * In Node, have V8 compile wasm with its optimising compiler straight away. By default it starts with the
 * baseline compiler (Liftoff) and optimises a function only after enough calls; XNNPACK's kernels run a few
 * calls per batch, so profiling ran at ~70% speed for its first ~40-100 batches (measured on LeNet-5 batches:
 * 70-86 ms in a fresh process against 48-50 ms once warm). The flag is process-wide (workers too) and applies to
 * modules compiled after it; setting SEMSLICE_WASM_LIFTOFF=1 keeps V8's default. Compile time at start-up: no
 * measurable change.
 */
async function preferOptimisedWasm(): Promise<void> {
  const proc = (globalThis as { process?: { versions?: { node?: string }; env?: Record<string, string | undefined> } }).process;
  if (!proc?.versions?.node || proc.env?.['SEMSLICE_WASM_LIFTOFF'] === '1') return;
  try {
    const v8 = await dynamicImport('node:v8') as { setFlagsFromString(flags: string): void };
    v8.setFlagsFromString('--no-liftoff');
  } catch {
    // Not Node after all, or flags locked: keep the default.
  }
}

/** tfjs-backend-wasm, with semslice's kernels registered. Node runs it single-threaded (no worker URL). */
export async function loadWasm(): Promise<LoadResult> {
  try {
    await preferOptimisedWasm();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'tf.setBackend("wasm") failed to initialise' };
    registerWasmPatches();
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = wasm.getThreadsCount();
    const native = nativeKernelsActive();
    return {
      ok: true, detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}; ${native ? 'native kernels' : `wasm kernels only: ${nativeStatus()}`}`,
      simd, threads, native,
    };
  } catch (e) {
    return { ok: false, why: firstLine(e) };
  }
}

/** The pure-JS cpu backend bundled with @tensorflow/tfjs: always there, 30-90x slower than wasm. */
export async function loadCpu(): Promise<LoadResult> {
  return (await tf.setBackend('cpu')) ? { ok: true, detail: 'pure JS, slow' } : { ok: false, why: 'setBackend failed' };
}

/**
 * One loader per backend. `forced`: the backend was asked for by name (webgpu then takes a software adapter too;
 * 'auto' takes only a hardware one).
 */
export const LOADERS: Record<BackendName, (forced: boolean) => Promise<LoadResult>> = {
  tensorflow: loadTensorflow,
  webgpu: loadWebGPU,
  wasm: loadWasm,
  cpu: loadCpu,
};
