/**
 * The gradients of ClipByValue and Relu6 in one kernel where the native addon provides it (CLIP_GRAD_KERNEL). A
 * Keras ReLU layer with maxValue runs relu then clipByValue, whose tfjs gradient is five passes (GreaterEqual,
 * LessEqual, LogicalAnd, ZerosLike, Select): with ReLU6 after every BatchNormalization of a MobileNet-shaped model,
 * those were about a third of a training step's kernel time on wasm. Relu6's own gradient (LessEqual, Step,
 * Multiply, Cast, Multiply) likewise. Same values, NaN included; other backends and dtypes keep tfjs' gradients.
 *
 * @example
 * registerClipGradients(); // registerWasmPatches() does this
 */
import * as tf from '@tensorflow/tfjs';
import { gradientOverride } from './gradient-override.js';
import { CLIP_GRAD_KERNEL } from './native-kernels.js';

function applies(dy: tf.Tensor, x: tf.Tensor): boolean {
  return tf.getKernel(CLIP_GRAD_KERNEL, tf.getBackend()) !== undefined && dy.dtype === 'float32' && x.dtype === 'float32' && dy.size === x.size;
}

const clip = gradientOverride('ClipByValue', ['x'], (original) => (dy, saved, attrs) => {
  const g = Array.isArray(dy) ? dy[0]! : dy;
  const x = saved[0]!;
  const { clipValueMin, clipValueMax } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
  if (!applies(g, x)) return original.gradFunc(g, saved, attrs) as Record<string, () => tf.Tensor>;
  return { x: () => tf.engine().runKernel(CLIP_GRAD_KERNEL, { dy: g, x }, { min: clipValueMin, max: clipValueMax, relu6: false }) as tf.Tensor };
});

const relu6 = gradientOverride('Relu6', ['x'], (original) => (dy, saved, attrs) => {
  const g = Array.isArray(dy) ? dy[0]! : dy;
  const x = saved[0]!;
  if (!applies(g, x)) return original.gradFunc(g, saved, attrs) as Record<string, () => tf.Tensor>;
  return { x: () => tf.engine().runKernel(CLIP_GRAD_KERNEL, { dy: g, x }, { min: 0, max: 6, relu6: true }) as tf.Tensor };
});

export function registerClipGradients(): void {
  clip.register();
  relu6.register();
}

/** Put tfjs' own ClipByValue and Relu6 gradients back. */
export function restoreClipGradients(): void {
  clip.restore();
  relu6.restore();
}
