/** Small seeded models used by the slicing tests (no dependency on the zoo). */
import * as tf from '@tensorflow/tfjs';

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const binit = (seed: number) => tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed });

/** flatten -> fc1 relu -> dropout -> fc2 -> BN -> relu -> logits (softmax fused). Input [4, 4, 1], 3 classes. */
export function mlpWithBn(seed = 1): tf.LayersModel {
  const bn = tf.layers.batchNormalization({ name: 'bn2', betaInitializer: binit(seed + 5), gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed + 6 }),
    movingMeanInitializer: binit(seed + 7), movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: seed + 8 }) });
  return tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [4, 4, 1], name: 'flat' }),
    tf.layers.dense({ units: 8, activation: 'relu', name: 'fc1', kernelInitializer: init(seed), biasInitializer: binit(seed + 1) }),
    tf.layers.dropout({ rate: 0.5, name: 'drop1' }),
    tf.layers.dense({ units: 6, name: 'fc2', kernelInitializer: init(seed + 2), biasInitializer: binit(seed + 3) }),
    bn,
    tf.layers.activation({ activation: 'relu', name: 'relu2' }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'logits', kernelInitializer: init(seed + 4) }),
  ] });
}

/** Functional residual CNN: conv1 relu -> conv2 -> BN -> relu -> add(conv1, .) -> maxpool -> flatten -> logits -> softmax. */
export function residualCnn(seed = 1): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2] });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1', kernelInitializer: init(seed), biasInitializer: binit(seed + 1) }).apply(input) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv2', kernelInitializer: init(seed + 2), biasInitializer: binit(seed + 3) }).apply(c1) as tf.SymbolicTensor;
  const b2 = tf.layers.batchNormalization({ name: 'bn2', betaInitializer: binit(seed + 5), movingMeanInitializer: binit(seed + 6) }).apply(c2) as tf.SymbolicTensor;
  const r2 = tf.layers.reLU({ name: 'relu2' }).apply(b2) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'add' }).apply([c1, r2]) as tf.SymbolicTensor;
  const pool = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(sum) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(pool) as tf.SymbolicTensor;
  const z = tf.layers.dense({ units: 3, name: 'logits', kernelInitializer: init(seed + 4) }).apply(flat) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: 'softmax', name: 'softmax' }).apply(z) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** conv(same) relu -> maxpool -> conv(valid) relu -> maxpool -> flatten -> dense relu -> logits (linear). Input [8, 8, 1]. */
export function tinyCnn(seed = 1, classes = 3): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1', kernelInitializer: init(seed), biasInitializer: binit(seed + 1) }),
    tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
    tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu', name: 'conv2', kernelInitializer: init(seed + 2), biasInitializer: binit(seed + 3) }),
    tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
    tf.layers.flatten({ name: 'flat' }),
    tf.layers.dense({ units: 5, activation: 'relu', name: 'fc1', kernelInitializer: init(seed + 4), biasInitializer: binit(seed + 5) }),
    tf.layers.dense({ units: classes, name: 'logits', kernelInitializer: init(seed + 6), biasInitializer: binit(seed + 7) }),
  ] });
}

/** flatten -> fc1 relu -> fc2 relu -> logits (linear). Input [3, 3, 1]. */
export function tinyMlp(seed = 1, classes = 3): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [3, 3, 1], name: 'flat' }),
    tf.layers.dense({ units: 7, activation: 'relu', name: 'fc1', kernelInitializer: init(seed), biasInitializer: binit(seed + 1) }),
    tf.layers.dense({ units: 5, activation: 'relu', name: 'fc2', kernelInitializer: init(seed + 2), biasInitializer: binit(seed + 3) }),
    tf.layers.dense({ units: classes, name: 'logits', kernelInitializer: init(seed + 4), biasInitializer: binit(seed + 5) }),
  ] });
}

/** conv(40 channels, more than the pooling-matrix limit) relu -> maxpool -> flatten -> logits. Input [6, 6, 1]. */
export function wideCnn(seed = 1, classes = 3): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 40, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1', kernelInitializer: init(seed), biasInitializer: binit(seed + 1) }),
    tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
    tf.layers.flatten({ name: 'flat' }),
    tf.layers.dense({ units: classes, name: 'logits', kernelInitializer: init(seed + 2), biasInitializer: binit(seed + 3) }),
  ] });
}
