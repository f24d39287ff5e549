/**
 * Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22.0 lacks (so `model.fit` of any CNN
 * fails there). The filter gradient is itself a forward convolution, which wasm runs fast (XNNPACK):
 *
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} xpad[n, oh*sh + kh, ow*sw + kw, ci] * dy[n, oh, ow, co]
 *
 * i.e. conv2d of x^T = [ci, H, W, n] (batch = input channels, channels = samples) with dy^T = [oh, ow, n, co]
 * as the filter, dilated by the forward stride, padded like the forward pass. The result [ci, H', W', co] is cut
 * to the kernel size (H' >= KH always) and transposed to [KH, KW, ci, co]. This covers every legal config
 * (any stride, 'same'/'valid'/explicit padding, NHWC and NCHW); tfjs gradients never pass dilations > 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convW, pair, release, sliceW, transposeW, type Info } from './wasm-kernel-utils.js';

interface FilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Kernel function: inputs {x, dy}, attrs as tfjs' Conv2DBackpropFilterAttrs. */
export function conv2dBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const a = args.attrs as unknown as FilterAttrs;
  const nchw = a.dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false,
    nchw ? 'channelsFirst' : 'channelsLast');
  const [kh, kw, ci, co] = a.filterShape;
  const [sh, sw] = pair(a.strides);
  const { top, bottom, left, right } = info.padInfo;
  // One transpose each puts samples on the channel axis, whatever the data format.
  const xT = transposeW(backend, x, nchw ? [1, 2, 3, 0] : [3, 1, 2, 0]);
  const dyT = transposeW(backend, dy, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]);
  let r = convW(backend, xT, dyT, [top, bottom, left, right], [sh, sw]);
  release(backend, xT, dyT);
  if (r.shape[1] !== kh || r.shape[2] !== kw) {
    const cut = sliceW(backend, r, [0, 0, 0, 0], [ci, kh, kw, co]);
    release(backend, r);
    r = cut;
  }
  const dw = transposeW(backend, r, [1, 2, 0, 3]);
  release(backend, r);
  return dw;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
