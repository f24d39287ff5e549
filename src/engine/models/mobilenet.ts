/**
 * mobilenet-small: a MobileNet-shaped CNN (depthwise-separable convolutions, BatchNormalization, ReLU6, a residual
 * Add, global average pooling, dropout) small enough to train on MNIST in seconds. 3,946 parameters on 28x28x1 -> 10
 * at width 1, the zoo's momentum 0.9 on every BatchNormalization; convolutions followed by BatchNormalization have
 * no bias, as in Keras' MobileNets.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { LayerFactory, scaled } from './layers.js';
import type { ResolvedBuildOptions } from './registry.js';

const relu6 = (name: string) => tf.layers.reLU({ name, maxValue: 6 });

/** Apply a list of layers in order to a symbolic tensor. */
function chain(x: tf.SymbolicTensor, layers: tf.layers.Layer[]): tf.SymbolicTensor {
  return layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, x);
}

/**
 * stem Conv2D 3x3 + BN + ReLU6; block1: DepthwiseConv2D 3x3 + BN + ReLU6 + Conv2D 1x1 + BN, added to the stem;
 * block2: DepthwiseConv2D 3x3 stride 2 'same' + BN + ReLU6 + Conv2D 1x1 (twice the channels) + BN + ReLU6;
 * SeparableConv2D 3x3 relu (three times the stem's channels); GlobalAveragePooling2D; Dropout 0.2; logits; softmax.
 * Always with BatchNormalization (the batchNorm option does not apply).
 */
export function buildMobilenetSmall(o: ResolvedBuildOptions): tf.LayersModel {
  const [h, w] = o.inputShape;
  if (h < 2 || w < 2) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'input-too-small', model: 'mobilenet-small', min: 2, height: h, width: w });
  }
  const f = new LayerFactory(o.seed, true);
  const c = scaled(16, o.width);
  const input = tf.input({ name: 'input', shape: [...o.inputShape] });
  const stem = chain(input, [f.convNoBias('stem', c, 3), f.bn('stem'), relu6('stem_relu')]);
  const b1 = chain(stem, [f.depthwise('block1_dw', 1, 'same'), f.bn('block1_dw'), relu6('block1_dw_relu'), f.convNoBias('block1_pw', c, 1), f.bn('block1_pw')]);
  const added = tf.layers.add({ name: 'block1_add' }).apply([stem, b1]) as tf.SymbolicTensor;
  // 'same' with stride 2 pads an even input by one row and column at the end: Keras' ZeroPadding2D, in the filter.
  const b2 = chain(added, [
    f.depthwise('block2_dw', 2, 'same'), f.bn('block2_dw'), relu6('block2_dw_relu'),
    f.convNoBias('block2_pw', scaled(32, o.width), 1), f.bn('block2_pw'), relu6('block2_pw_relu'),
  ]);
  const out = chain(b2, [
    f.separable('sep', scaled(48, o.width)),
    tf.layers.globalAveragePooling2d({ name: 'gap' }),
    f.dropout('dropout', 0.2),
    ...f.head(o.numClasses),
  ]);
  return tf.model({ name: 'mobilenet-small', inputs: input, outputs: out });
}
