/**
 * The gradient of FusedBatchNorm without Tile. tfjs-core's gradient broadcasts 1/sqrt(var + eps) to the input's
 * shape with tile() before multiplying: on wasm that Tile was 21% of a vgg-small (BatchNormalization) training
 * step, slower than the convolutions it sits between. Multiplying by the [C] vector directly broadcasts over the
 * channel axis in the Multiply kernel itself. Same formulas otherwise; on other backends, and for shapes this
 * does not cover, the stock gradient runs. With the native addon, dx is one pass and the four per-channel
 * gradients one more (BATCH_NORM_GRAD_KERNEL), instead of a dozen elementwise kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { gradientOverride } from './gradient-override.js';
import { BATCH_NORM_GRAD_KERNEL } from './native-kernels.js';


const batchNorm = gradientOverride('FusedBatchNorm', ['x', 'mean', 'variance', 'scale'], (original) => (dy, saved, attrs) => {
  const g = Array.isArray(dy) ? dy[0]! : dy;
  const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
  const channelsLast = mean.rank === 1 && x.rank >= 2 && mean.shape[0] === x.shape[x.rank - 1];
  if (tf.getBackend() !== 'wasm' || !channelsLast) {
    return original.gradFunc(g, saved, attrs) as Record<string, () => tf.Tensor>;
  }
  const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  if (tf.getKernel(BATCH_NORM_GRAD_KERNEL, 'wasm') !== undefined && [g, x, mean, variance, scale].every((t) => t === undefined || t.dtype === 'float32')) {
    // The tape runs each input's gradient in its own tidy: dx is one kernel call; the four [C] gradients come
    // from one shared call, read once into a plain array (tiny) so that no tensor has to outlive its tidy.
    const inputs = { dy: g, x, mean, variance, ...(scale ? { scale } : {}) };
    let stats: Float32Array | undefined;
    const stat = (i: number) => () => {
      if (!stats) {
        const t = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL, inputs, { varianceEpsilon: eps, part: 'stats' }) as tf.Tensor;
        stats = t.dataSync() as Float32Array;
        t.dispose();
      }
      const c = mean.shape[0]!;
      return tf.tensor(stats.subarray(i * c, (i + 1) * c), mean.shape);
    };
    return {
      x: () => tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL, inputs, { varianceEpsilon: eps, part: 'dx' }) as tf.Tensor,
      mean: stat(0), variance: stat(1), scale: stat(2), offset: stat(3),
    };
  }
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const scaleV = scale ?? tf.onesLike(mean);
  const inv = tf.rsqrt(tf.add(variance, eps));
  const dyScaled = tf.mul(g, scaleV);
  const xMinusMean = tf.sub(x, mean);
  return {
    x: () => tf.mul(g, tf.mul(inv, scaleV)),
    mean: () => tf.reshape(tf.sum(tf.mul(dyScaled, tf.neg(inv)), axes), mean.shape),
    variance: () => tf.reshape(tf.sum(tf.mul(tf.mul(xMinusMean, tf.mul(tf.pow(inv, 3), -0.5)), dyScaled), axes), mean.shape),
    scale: () => tf.reshape(tf.sum(tf.mul(g, tf.mul(xMinusMean, inv)), axes), mean.shape),
    offset: () => tf.reshape(tf.sum(g, axes), mean.shape),
  };
});

/**
 * Register the gradient (idempotent); {@link restoreBatchNormGradient} puts tfjs' own back.
 *
 * @example
 * registerBatchNormGradient(); // initBackend() does this on wasm
 */
export const registerBatchNormGradient = (): void => batchNorm.register();

/**
 * Put tfjs' own FusedBatchNorm gradient back (for comparisons).
 *
 * @example
 * restoreBatchNormGradient(); try { timeStock(); } finally { registerBatchNormGradient(); }
 */
export const restoreBatchNormGradient = (): void => batchNorm.restore();
