/**
 * A Keras ReLU layer with maxValue 6 (MobileNet's ReLU6) as one Relu6 op instead of relu then clipByValue, where the
 * native addon serves Relu6 (NaN kept, as relu then clip keep it; wasm's own Relu6 maps NaN to 0) and its gradient:
 * the same values forward and backward (Relu6's gradient, like relu's, is 0 at x = 0 and passes x = 6), half the
 * passes over the activations each way. Other maxValues, the plain ReLU and other backends run tfjs-layers' call.
 *
 * @example
 * registerRelu6Layer(); // registerWasmPatches() does this
 */
import * as tf from '@tensorflow/tfjs';
import { CLIP_GRAD_KERNEL } from './native-kernels.js';

interface ReluLayerLike { maxValue?: number | null }
type Call = (this: ReluLayerLike, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

let stock: { proto: { call: Call }; call: Call } | undefined;

/** Patch ReLU.prototype.call (idempotent); {@link restoreRelu6Layer} undoes it. */
export function registerRelu6Layer(): void {
  if (stock !== undefined) return;
  const proto = Object.getPrototypeOf(tf.layers.reLU({})) as { call: Call };
  const original = proto.call;
  stock = { proto, call: original };
  proto.call = function (this: ReluLayerLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const native = tf.getKernel(CLIP_GRAD_KERNEL, tf.getBackend()) !== undefined && x.dtype === 'float32';
    if (this.maxValue !== 6 || !native || (Array.isArray(inputs) && inputs.length !== 1)) return original.call(this, inputs, kwargs);
    return tf.relu6(x);
  };
}

/** Put tfjs-layers' own ReLU.call back. */
export function restoreRelu6Layer(): void {
  if (stock === undefined) return;
  stock.proto.call = stock.call;
  stock = undefined;
}
