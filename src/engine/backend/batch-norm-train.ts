/**
 * A BatchNormalization layer in training mode as two native kernels (BN_TRAIN_KERNEL forward, BN_TRAIN_GRAD_KERNEL
 * gradient through the batch statistics) where the native addon provides them. tfjs-layers computes it as moments
 * (Mean, Sub, Square, Mean), a FusedBatchNorm, and the gradients of all of those: about 25 elementwise passes over
 * the activations per layer and step, a quarter of a vgg-small+BatchNorm training step on wasm.
 *
 * Same semantics as tfjs-layers 4.22's BatchNormalization.call in training: normalise with the batch mean and biased
 * variance, then update the moving statistics as `moving - (moving - batch) * (1 - momentum)` with the same tf ops;
 * inference, other axes, layers without center/scale, other dtypes and backends without the kernels run the stock
 * call. The statistics are summed in double, so values differ from the stock path by float rounding only (a test
 * compares outputs, gradients and moving statistics with the cpu backend).
 *
 * @example
 * registerBatchNormTraining(); // registerWasmPatches() does this
 */
import * as tf from '@tensorflow/tfjs';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL } from './native-kernels.js';

interface LayerVariableLike { read(): tf.Variable; write(v: tf.Tensor): void }
interface BatchNormLayerLike {
  axis: number; momentum: number; epsilon: number; center: boolean; scale: boolean;
  gamma: LayerVariableLike; beta: LayerVariableLike; movingMean: LayerVariableLike; movingVariance: LayerVariableLike;
}
type Call = (this: BatchNormLayerLike, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

let stock: { proto: { call: Call }; call: Call } | undefined;

function applies(layer: BatchNormLayerLike, x: tf.Tensor, training: boolean): boolean {
  const backend = tf.getBackend();
  return training && x.dtype === 'float32' && x.rank >= 2 && (layer.axis === -1 || layer.axis === x.rank - 1) &&
    layer.center && layer.scale && tf.getKernel(BN_TRAIN_KERNEL, backend) !== undefined && tf.getKernel(BN_TRAIN_GRAD_KERNEL, backend) !== undefined;
}

/** The training forward with its gradient; `stats` receives the batch [mean; variance] ([2, C], kept). */
function normaliseInTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, out: { stats?: tf.Tensor }): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const [xx, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, stats] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x: xx, gamma: g, beta: b }, { epsilon }) as tf.Tensor[];
    out.stats = tf.keep(stats!);
    save([xx, g, stats!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, ss] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BN_TRAIN_GRAD_KERNEL, { dy: Array.isArray(dy) ? dy[0]! : dy, x: sx, gamma: sg, stats: ss }, { epsilon }) as tf.Tensor[];
      },
    };
  });
  return op(x, gamma, beta);
}

/** Patch BatchNormalization.prototype.call (idempotent); {@link restoreBatchNormTraining} undoes it. */
export function registerBatchNormTraining(): void {
  if (stock !== undefined) return;
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: Call };
  const original = proto.call;
  stock = { proto, call: original };
  proto.call = function (this: BatchNormLayerLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!applies(this, x, kwargs['training'] === true)) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const out: { stats?: tf.Tensor } = {};
      const y = normaliseInTraining(x, this.gamma.read(), this.beta.read(), this.epsilon, out);
      const c = x.shape[x.rank - 1]!;
      try {
        const [mean, variance] = tf.split(out.stats!, 2, 0).map((t) => tf.reshape(t, [c]));
        // tfjs-layers' doMovingAverage, op for op.
        for (const [variable, value] of [[this.movingMean, mean!], [this.movingVariance, variance!]] as const) {
          tf.tidy(() => {
            const orig = variable.read();
            variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - this.momentum)));
          });
        }
      } finally {
        out.stats?.dispose();
      }
      return y;
    });
  };
}

/** Put tfjs-layers' own BatchNormalization.call back. */
export function restoreBatchNormTraining(): void {
  if (stock === undefined) return;
  stock.proto.call = stock.call;
  stock = undefined;
}
