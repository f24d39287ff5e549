/**
 * Mean's gradient over a block of middle axes (global average pooling: [1, 2] of NHWC) in one native pass where the
 * addon provides it (SPREAD_MEAN_KERNEL). tfjs computes it as reshape(dy) * ones(x.shape) / n, building the ones in
 * JavaScript on every step and multiplying with a broadcast (wasm's broadcasting Multiply and Tile are slow paths):
 * for a 64x14x14x48 activation about 6 ms of a 35 ms MobileNet-shaped training step. Same values (dy * 1 / n is
 * dy / n exactly); other axes, dtypes and backends keep tfjs' gradient.
 *
 * @example
 * registerMeanGradient(); // registerWasmPatches() does this
 */
import * as tf from '@tensorflow/tfjs';
import { gradientOverride } from './gradient-override.js';
import { SPREAD_MEAN_KERNEL } from './native-kernels.js';

/** [outer, middle, inner] sizes when the reduced axes are one contiguous block, else undefined. */
function blocks(shape: number[], axes: number[]): [number, number, number] | undefined {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.some((a, i) => i > 0 && a !== sorted[i - 1]! + 1)) return undefined;
  const prod = (s: number[]) => s.reduce((p, d) => p * d, 1);
  return [prod(shape.slice(0, sorted[0])), prod(shape.slice(sorted[0], sorted.at(-1)! + 1)), prod(shape.slice(sorted.at(-1)! + 1))];
}

const mean = gradientOverride('Mean', ['x'], (original) => (dy, saved, attrs) => {
  const g = Array.isArray(dy) ? dy[0]! : dy;
  const x = saved[0]!;
  const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
  const b = axes.length > 0 ? blocks(x.shape, axes) : undefined;
  if (!b || tf.getKernel(SPREAD_MEAN_KERNEL, tf.getBackend()) === undefined || x.dtype !== 'float32' || g.dtype !== 'float32' || x.size === 0) {
    return original.gradFunc(g, saved, attrs) as Record<string, () => tf.Tensor>;
  }
  const [outer, middle, inner] = b;
  return { x: () => tf.engine().runKernel(SPREAD_MEAN_KERNEL, { dy: g }, { shape: x.shape, outer, middle, inner, count: middle } as unknown as tf.NamedAttrMap) as tf.Tensor };
});

export const registerMeanGradient = (): void => mean.register();

/** Put tfjs' own Mean gradient back. */
export const restoreMeanGradient = (): void => mean.restore();
