/**
 * Sum and Mean over leading axes for the wasm backend. tfjs-backend-wasm 4.22 reduces over the innermost axes
 * only, so a reduction over [0, 1, 2] of an NHWC tensor (every conv bias gradient, BatchNormalization's batch
 * statistics and their gradients) first transposes the whole tensor, then sums: measured 17% of a vgg-small
 * training step with BatchNormalization. Over leading axes the sum is a product with a row of ones,
 * ones[1, M] x x[M, C] (or a row of 1/M for the mean), which XNNPACK's GEMM does in one pass; the mean over [1, 2]
 * (global average pooling) is an average pooling over the whole image. Other reductions keep the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runWasm, type Info } from './wasm-kernel-utils.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The number of leading axes reduced when `axis` is exactly [0, ..., k-1] (any order), else 0. */
export function leadingAxes(axis: number | number[] | undefined, rank: number): number {
  if (axis === undefined || rank === 0) return 0;
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const set = new Set(list);
  if (set.size !== list.length) return 0;
  for (let i = 0; i < set.size; i++) if (!set.has(i)) return 0;
  return set.size;
}

function reduceLeading(stock: tf.KernelFunc, mean: boolean): (args: KernelArgs) => Info {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: Info };
    const attrs = (args.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
    const k = leadingAxes(attrs.axis, x.shape.length);
    if (mean && x.dtype === 'float32' && k === 0 && spatialAxes(attrs.axis, x.shape)) return spatialMean(backend, x, Boolean(attrs.keepDims));
    if (x.dtype !== 'float32' || k === 0) return stock(args as Parameters<tf.KernelFunc>[0]) as Info;
    const m = x.shape.slice(0, k).reduce((a, d) => a * d, 1);
    const rest = x.shape.slice(k);
    const c = rest.reduce((a, d) => a * d, 1);
    if (m <= 1 || c === 0) return stock(args as Parameters<tf.KernelFunc>[0]) as Info;
    if (k === 3 && x.shape.length === 4) return spatialThenBatch(backend, x, mean, Boolean(attrs.keepDims));
    const ones = runWasm('Fill', backend, {}, { shape: [1, m], value: mean ? 1 / m : 1, dtype: 'float32' });
    const x2 = runWasm('Reshape', backend, { x }, { shape: [m, c] });
    const prod = runWasm('BatchMatMul', backend, { a: ones, b: x2 }, { transposeA: false, transposeB: false });
    const outShape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
    const out = runWasm('Reshape', backend, { x: prod }, { shape: outShape });
    release(backend, ones, x2, prod);
    return out;
  };
}

/** True when `axis` is exactly [1, 2] (any order) of a non-empty NHWC tensor: global average pooling. */
function spatialAxes(axis: number | number[] | undefined, shape: number[]): boolean {
  if (shape.length !== 4 || axis === undefined || shape.some((d) => d === 0)) return false;
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + 4 : a)).sort();
  return list.length === 2 && list[0] === 1 && list[1] === 2;
}

/** NHWC mean over [1, 2] as one average pooling over the whole H x W window (stock: a transpose of the whole tensor, then a reduction). */
function spatialMean(backend: BackendWasm, x: Info, keepDims: boolean): Info {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const pooled = runWasm('AvgPool', backend, { x }, { filterSize: [h, w], strides: [h, w], pad: 'valid', dimRoundingMode: undefined });
  const out = runWasm('Reshape', backend, { x: pooled }, { shape: keepDims ? [n, 1, 1, c] : [n, c] });
  release(backend, pooled);
  return out;
}

/**
 * NHWC over [0, 1, 2]: one average pooling over the whole H x W window (XNNPACK, one contiguous pass), then the
 * [N, C] rows summed by a product with a row of 1/N (or H*W/... for the sum), which is small.
 */
function spatialThenBatch(backend: BackendWasm, x: Info, mean: boolean, keepDims: boolean): Info {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const pooled = runWasm('AvgPool', backend, { x }, { filterSize: [h, w], strides: [h, w], pad: 'valid', dimRoundingMode: undefined });
  const rows = runWasm('Reshape', backend, { x: pooled }, { shape: [n, c] });
  const ones = runWasm('Fill', backend, {}, { shape: [1, n], value: mean ? 1 / n : h * w, dtype: 'float32' });
  const prod = runWasm('BatchMatMul', backend, { a: ones, b: rows }, { transposeA: false, transposeB: false });
  const out = runWasm('Reshape', backend, { x: prod }, { shape: keepDims ? [1, 1, 1, c] : [c] });
  release(backend, pooled, rows, ones, prod);
  return out;
}

/** Sum and Mean kernels wrapping the stock ones (passed in, for fallback). */
export function reduceConfigs(stockSum: tf.KernelConfig, stockMean: tf.KernelConfig): tf.KernelConfig[] {
  return [
    { kernelName: 'Sum', backendName: 'wasm', kernelFunc: reduceLeading(stockSum.kernelFunc, false) as unknown as tf.KernelFunc },
    { kernelName: 'Mean', backendName: 'wasm', kernelFunc: reduceLeading(stockMean.kernelFunc, true) as unknown as tf.KernelFunc },
  ];
}
