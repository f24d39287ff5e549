/**
 * BatchMatMul and _FusedMatMul for the wasm backend. The stock kernels use XNNPACK only for a single
 * non-transposed product; with transposeA or transposeB (every dense-layer gradient: dy·W^T and a^T·dy) or
 * batch dims they fall to a naive loop, measured 25x slower on a 256x400x120 dense gradient (35 ms against
 * 1.4 ms). Here transposes are materialised first (cheap: one pass over the operand) and a batched `a` times
 * an unbatched `b` is folded into one 2-D product, so the stock kernel takes its fast path. Other batched
 * products keep the stock path.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runWasm, transposeW, type Info } from './wasm-kernel-utils.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const size = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** Swap the last two axes. */
function swapLast(backend: BackendWasm, x: Info): Info {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
  return transposeW(backend, x, perm);
}

function reshapeW(backend: BackendWasm, x: Info, shape: number[]): Info {
  return runWasm('Reshape', backend, { x }, { shape });
}

/**
 * Wrap a stock matmul kernel: materialise transposes, fold batch-times-matrix into 2-D, call the stock kernel
 * with transposes off. `extra` are the other inputs passed through (bias, prelu weights of _FusedMatMul).
 */
export function makeMatMulWasm(stock: tf.KernelFunc): (args: KernelArgs) => Info {
  return function matMulWasm(args) {
    const backend = args.backend as BackendWasm;
    const { a, b, ...extra } = args.inputs as Record<string, Info>;
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const tA = Boolean(attrs.transposeA);
    const tB = Boolean(attrs.transposeB);
    const outerA = a!.shape.slice(0, -2);
    const foldable = outerA.length > 0 && size(outerA) > 1 && size(b!.shape.slice(0, -2)) === 1 &&
      b!.shape.length <= a!.shape.length && Object.keys(extra).length === 0;
    if (!tA && !tB && !foldable) return stock(args as Parameters<tf.KernelFunc>[0]) as Info;
    const made: Info[] = [];
    let a2 = tA ? swapLast(backend, a!) : a!;
    let b2 = tB ? swapLast(backend, b!) : b!;
    if (a2 !== a) made.push(a2);
    if (b2 !== b) made.push(b2);
    const [m, k] = a2.shape.slice(-2) as [number, number];
    const n = b2.shape[b2.shape.length - 1]!;
    if (foldable) {
      a2 = reshapeW(backend, a2, [size(outerA) * m, k]);
      b2 = reshapeW(backend, b2, [k, n]);
      made.push(a2, b2);
    }
    const inputs = { ...extra, a: a2, b: b2 };
    const out = stock({ inputs, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } } as
      Parameters<tf.KernelFunc>[0]) as Info;
    let result = out;
    if (foldable) {
      result = reshapeW(backend, out, [...outerA, m, n]);
      release(backend, out);
    }
    release(backend, ...made);
    return result;
  };
}

/** Kernel configs replacing `stock` (BatchMatMul or _FusedMatMul on wasm), keeping its setup. */
export function matMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: makeMatMulWasm(stock.kernelFunc) as unknown as tf.KernelFunc,
  };
}
