/**
 * Helpers for kernels that run other wasm kernels directly (not through tf ops): a kernel function must
 * return plain TensorInfos, and calling ops from inside a kernel would create engine-tracked tensors that
 * the engine then wraps a second time. Intermediates made here are released with `release`.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type Info = tf.TensorInfo;

/** Run the kernel registered for `wasm` under `name` on `backend`; returns its single output. */
export function runWasm(name: string, backend: BackendWasm, inputs: Record<string, Info>, attrs: object = {}): Info {
  const k = tf.getKernel(name, 'wasm');
  if (k === undefined) throw new Error(`semslice: wasm kernel ${name} is not registered`);
  return k.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
}

/** Drop our reference to intermediates (the backend frees the memory when no tensor shares it). */
export function release(backend: BackendWasm, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

export function transposeW(backend: BackendWasm, x: Info, perm: number[]): Info {
  return runWasm('Transpose', backend, { x }, { perm });
}

/** Forward convolution on wasm (XNNPACK), NHWC, with explicit padding [top, bottom, left, right]. */
export function convW(
  backend: BackendWasm, x: Info, filter: Info, pad: readonly [number, number, number, number],
  dilations: [number, number] = [1, 1],
): Info {
  const [t, b, l, r] = pad;
  const explicit = t === 0 && b === 0 && l === 0 && r === 0 ? 'valid' : [[0, 0], [t, b], [l, r], [0, 0]];
  return runWasm('Conv2D', backend, { x, filter }, {
    strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined,
  });
}

/** Slice of x starting at `begin` with `size` (wasm's Slice kernel). */
export function sliceW(backend: BackendWasm, x: Info, begin: number[], size: number[]): Info {
  return runWasm('Slice', backend, { x }, { begin, size });
}

/** Normalise a stride/dilation attribute to a pair. */
export function pair(v: number | [number, number] | number[] | undefined, dflt = 1): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  return [v[0] ?? dflt, v[1] ?? v[0] ?? dflt];
}

/** True if two shapes are equal element by element. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
