/**
 * Relu's gradient in one kernel where the native addon provides it (RELU_GRAD_KERNEL): tfjs computes
 * dy * cast(step(x)) as three passes over the tensor (Step, Cast, Multiply), which on a vgg-small+BatchNorm step
 * (Relu as its own layer after each BatchNormalization) was about 8% of the step. Same values (NaN where x is NaN);
 * on other backends and dtypes tfjs' own gradient runs.
 *
 * @example
 * registerReluGradient(); // registerWasmPatches() does this
 */
import * as tf from '@tensorflow/tfjs';
import { gradientOverride } from './gradient-override.js';
import { RELU_GRAD_KERNEL } from './native-kernels.js';

const relu = gradientOverride('Relu', ['x'], (original) => (dy, saved, attrs) => {
  const g = Array.isArray(dy) ? dy[0]! : dy;
  const x = saved[0]!;
  if (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) === undefined || g.dtype !== 'float32' || x.dtype !== 'float32' || g.size !== x.size) {
    return original.gradFunc(g, saved, attrs) as Record<string, () => tf.Tensor>;
  }
  return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }) as tf.Tensor };
});

export const registerReluGradient = (): void => relu.register();

/** Put tfjs' own Relu gradient back. */
export const restoreReluGradient = (): void => relu.restore();
