/**
 * Test helpers for running numeric code on a given backend and comparing results across backends.
 *
 * @example
 * const gWasm = await withBackend('wasm', () => tf.tidy(() => tf.grad(f)(x).arraySync()));
 * const gCpu = await withBackend('cpu', () => tf.tidy(() => tf.grad(f)(x).arraySync()));
 * assert.ok(relativeError(gWasm.flat(), gCpu.flat()) < 1e-4);
 */
import * as tf from '@tensorflow/tfjs';
import { backendState, initBackend, restoreBackendState, type BackendInfo, type BackendName } from './select.js';
import { nativeAddon } from './native-addon.js';
import { registerWasmPatches, unregisterWasmPatches } from './wasm-patches.js';

/**
 * Switch tfjs to `name` (initialising it, with semslice's wasm kernels, if needed), run fn, then switch back to
 * the previous backend, also when fn throws. Tensors fn returns stay valid (tfjs moves data between backends
 * on use), but return plain arrays where you can.
 */
export async function withBackend<T>(name: BackendName, fn: (info: BackendInfo) => T | Promise<T>): Promise<T> {
  const prevState = backendState();
  const prevName = (tf.engine().backendName as string | undefined) ?? null; // undefined before any backend
  const info = await initBackend({ backend: name, quiet: true });
  try {
    return await fn(info);
  } finally {
    if (prevName && prevName !== tf.engine().backendName) await tf.setBackend(prevName);
    restoreBackendState(prevState);
  }
}

/**
 * The wasm kernel sets a test should cover: the wasm kernels alone (false), and, when the native addon is built,
 * the addon's kernels over them (true). `useKernelSet(native)` registers one; `useKernelSet()` the default again.
 *
 * @example
 * for (const native of kernelSets()) describe(`... (${native ? 'native' : 'wasm'})`, () => {
 *   before(() => useKernelSet(native)); after(() => useKernelSet());
 * });
 */
export function kernelSets(): boolean[] {
  return [false, ...(nativeAddon() ? [true] : [])];
}

export function useKernelSet(native?: boolean): void {
  unregisterWasmPatches();
  registerWasmPatches(native === undefined ? {} : { native });
}

/** ||a - b|| / ||b|| (2-norms; 0 when both are all zero, Infinity on a length mismatch). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    num += d * d;
    den += b[i]! * b[i]!;
  }
  if (den === 0) return num === 0 ? 0 : Infinity;
  return Math.sqrt(num / den);
}
