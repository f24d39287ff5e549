/**
 * Seeded layer factories shared by the zoo builders. Every layer gets an explicit name and its own initialiser
 * seed drawn from one Rng, so the same build seed gives byte-identical weights and stable weight names
 * ("fc1/kernel", "conv1/bias", "conv1_bn/gamma").
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';

/** Units after the width multiplier (rounded, at least 1). */
export function scaled(units: number, width: number): number {
  return Math.max(1, Math.round(units * width));
}

/** Draws initialiser seeds in a fixed order. */
export class LayerFactory {
  private readonly rng: Rng;
  constructor(seed: number, readonly batchNorm: boolean) {
    this.rng = new Rng(seed);
  }

  private kernelInit(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.rng.seed() });
  }

  /** Dense layer; with batchNorm a hidden ReLU layer becomes dense(linear) -> BN -> ReLU. */
  dense(name: string, units: number, relu: boolean): tf.layers.Layer[] {
    const bn = relu && this.batchNorm;
    const d = tf.layers.dense({
      name, units, activation: relu && !bn ? 'relu' : 'linear',
      kernelInitializer: this.kernelInit(), biasInitializer: 'zeros',
    });
    return bn ? [d, this.bn(name), tf.layers.activation({ name: `${name}_relu`, activation: 'relu' })] : [d];
  }

  /** Conv2D 'same'/'valid', stride 1; with batchNorm conv(linear) -> BN -> ReLU, else conv with ReLU. */
  conv(name: string, filters: number, kernelSize: number, padding: 'same' | 'valid', relu = true): tf.layers.Layer[] {
    const bn = this.batchNorm;
    const c = tf.layers.conv2d({
      name, filters, kernelSize, padding, strides: 1,
      activation: relu && !bn ? 'relu' : 'linear',
      kernelInitializer: this.kernelInit(), biasInitializer: 'zeros',
    });
    const out: tf.layers.Layer[] = [c];
    if (bn) out.push(this.bn(name));
    if (bn && relu) out.push(tf.layers.activation({ name: `${name}_relu`, activation: 'relu' }));
    return out;
  }

  /** Conv2D without bias (BatchNormalization follows, which has its own offset). */
  convNoBias(name: string, filters: number, kernelSize: number, strides = 1, padding: 'same' | 'valid' = 'same'): tf.layers.Layer {
    return tf.layers.conv2d({ name, filters, kernelSize, strides, padding, useBias: false, kernelInitializer: this.kernelInit() });
  }

  /** DepthwiseConv2D 3x3 (one filter per channel) without bias (BatchNormalization follows). */
  depthwise(name: string, strides: number, padding: 'same' | 'valid'): tf.layers.Layer {
    return tf.layers.depthwiseConv2d({ name, kernelSize: 3, strides, padding, useBias: false, depthwiseInitializer: this.kernelInit() });
  }

  /** SeparableConv2D 3x3 'same' with ReLU: a depthwise filter per input channel, then `filters` pointwise neurons. */
  separable(name: string, filters: number): tf.layers.Layer {
    return tf.layers.separableConv2d({
      name, filters, kernelSize: 3, padding: 'same', activation: 'relu',
      depthwiseInitializer: this.kernelInit(), pointwiseInitializer: this.kernelInit(), biasInitializer: 'zeros',
    });
  }

  /** The final classifier: dense "logits" (linear) then a separate softmax Activation named "softmax",
   * so slicing can read pre-softmax logits. */
  head(numClasses: number): tf.layers.Layer[] {
    return [
      tf.layers.dense({
        name: 'logits', units: numClasses, activation: 'linear',
        kernelInitializer: this.kernelInit(), biasInitializer: 'zeros',
      }),
      tf.layers.activation({ name: 'softmax', activation: 'softmax' }),
    ];
  }

  bn(name: string): tf.layers.Layer {
    return tf.layers.batchNormalization({ name: `${name}_bn`, axis: -1, momentum: 0.9 });
  }

  /** Dropout whose seed the training loop re-draws per step (see reseedDropout in train/train.ts). */
  dropout(name: string, rate: number): tf.layers.Layer {
    return tf.layers.dropout({ name, rate, seed: this.rng.seed() });
  }
}
