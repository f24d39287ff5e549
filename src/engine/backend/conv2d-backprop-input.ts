/**
 * Conv2DBackpropInput for the wasm backend, as a forward convolution. The stock wasm kernel is a naive loop
 * (about 7x slower than XNNPACK's Conv2D on a LeNet/VGG layer, measured on this project's machine). With W' = W reversed in
 * both spatial axes and its channel axes swapped ([KH, KW, co, ci]):
 *
 *   dx = conv2d(pad(dilate(dy, stride)), W', stride 1, 'valid')
 *
 * where dilate inserts stride-1 zeros between dy's rows and columns and pad adds KH-1-top rows above (and what
 * makes the output H rows below). The same kernel serves conv2dTranspose (which calls Conv2DBackpropInput with
 * its input as dy), so nothing here assumes dy came from a conv2d forward pass. Configs it cannot express
 * (NCHW, a dy whose size does not match the conv, padding wider than the kernel) go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convW, pair, release, runWasm, sliceW, transposeW, type Info } from './wasm-kernel-utils.js';

interface InputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Build the kernel function; `stock` is the wasm kernel it replaces, used where the fast path does not apply. */
export function makeConv2dBackpropInputWasm(stock: tf.KernelFunc): (args: KernelArgs) => Info {
  return function conv2dBackpropInputWasm(args) {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const a = args.attrs as unknown as InputAttrs;
    const plan = a.dataFormat === 'NCHW' ? undefined : planInput(a, dy, filter);
    if (plan === undefined) return stock(args as Parameters<tf.KernelFunc>[0]) as Info;
    return backpropInput(backend, dy, filter, plan);
  };
}

interface Plan {
  sh: number; sw: number;
  /** Padding of the dilated dy: [top, bottom, left, right]; bottom/right may be negative (then dy is cut). */
  pad: [number, number, number, number];
}

function planInput(a: InputAttrs, dy: Info, filter: Info): Plan | undefined {
  const info = tf.backend_util.computeConv2DInfo(
    a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false,
    'channelsLast');
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth || dy.shape[0] !== info.batchSize) return undefined;
  const [sh, sw] = pair(a.strides);
  const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  if (top < 0 || left < 0) return undefined;
  // Zero insertion makes dy oh*sh rows long; the conv needs h + kh - 1 - top rows after the top padding.
  const bottom = h + kh - 1 - top - info.outHeight * sh;
  const right = w + kw - 1 - left - info.outWidth * sw;
  return { sh, sw, pad: [top, bottom, left, right] };
}

function backpropInput(backend: BackendWasm, dy: Info, filter: Info, p: Plan): Info {
  const rev = runWasm('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const wT = transposeW(backend, rev, [0, 1, 3, 2]);
  release(backend, rev);
  let z = p.sh === 1 && p.sw === 1 ? dy : dilate(backend, dy, p.sh, p.sw);
  const [top, bottom, left, right] = p.pad;
  if (bottom < 0 || right < 0) {
    const [n, hz, wz, c] = z.shape as [number, number, number, number];
    const cut = sliceW(backend, z, [0, 0, 0, 0], [n, hz + Math.min(bottom, 0), wz + Math.min(right, 0), c]);
    if (z !== dy) release(backend, z);
    z = cut;
  }
  const dx = convW(backend, z, wT, [top, Math.max(bottom, 0), left, Math.max(right, 0)]);
  release(backend, wT);
  if (z !== dy) release(backend, z);
  return dx;
}

/** [n, oh, ow, c] -> [n, oh*sh, ow*sw, c] with dy at multiples of the stride and zeros elsewhere. */
function dilate(backend: BackendWasm, dy: Info, sh: number, sw: number): Info {
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  const r5 = runWasm('Reshape', backend, { x: dy }, { shape: [n * oh, 1, ow, 1, c] });
  const padded = runWasm('PadV2', backend, { x: r5 }, {
    paddings: [[0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0,
  });
  release(backend, r5);
  const out = runWasm('Reshape', backend, { x: padded }, { shape: [n, oh * sh, ow * sw, c] });
  release(backend, padded);
  return out;
}

/** Kernel config for registration; `stock` is the previously registered wasm kernel (kept as fallback). */
export function conv2dBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: makeConv2dBackpropInputWasm(stock.kernelFunc) as unknown as tf.KernelFunc,
  };
}
