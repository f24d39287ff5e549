/**
 * The gradient of FusedBatchNorm without Tile. tfjs-core's gradient broadcasts 1/sqrt(var + eps) to the input's
 * shape with tile() before multiplying: on wasm that Tile was 21% of a vgg-small (BatchNormalization) training
 * step, slower than the convolutions it sits between. Multiplying by the [C] vector directly broadcasts over the
 * channel axis in the Multiply kernel itself. Same formulas otherwise; on other backends, and for shapes this
 * does not cover, the stock gradient runs.
 */
import * as tf from '@tensorflow/tfjs';

type Saved = tf.Tensor[];

/**
 * Register the gradient (idempotent); {@link restoreBatchNormGradient} puts tfjs' own back.
 *
 * @example
 * registerBatchNormGradient(); // initBackend() does this on wasm
 */
export function registerBatchNormGradient(): void {
  if (stock !== undefined) return;
  stock = tf.getGradient('FusedBatchNorm');
  const original = stock;
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: tf.NamedAttrMap) => {
      const g = Array.isArray(dy) ? dy[0]! : dy;
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const channelsLast = mean.rank === 1 && x.rank >= 2 && mean.shape[0] === x.shape[x.rank - 1];
      if (tf.getBackend() !== 'wasm' || !channelsLast || !original) {
        return original!.gradFunc(g, saved, attrs) as Record<string, () => tf.Tensor>;
      }
      const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
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
    },
  });
}

let stock: tf.GradConfig | undefined;

/**
 * Put tfjs' own FusedBatchNorm gradient back (for comparisons).
 *
 * @example
 * restoreBatchNormGradient(); try { timeStock(); } finally { registerBatchNormGradient(); }
 */
export function restoreBatchNormGradient(): void {
  if (stock === undefined) return;
  tf.registerGradient(stock);
  stock = undefined;
}
