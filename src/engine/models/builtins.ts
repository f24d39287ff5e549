/**
 * The built-in zoo: mlp, lenet5, vgg-small, resnet-small, mobilenet-small (mobilenet.ts), mlp400. Sequential models except
 * resnet-small and mobilenet-small (functional, with shortcuts). Layer names are explicit and stable; see docs/architecture.md.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { LayerFactory, scaled } from './layers.js';
import type { ModelEntry, ResolvedBuildOptions } from './registry.js';
import { buildMobilenetSmall } from './mobilenet.js';

function sequential(name: string, o: ResolvedBuildOptions, layers: tf.layers.Layer[]): tf.Sequential {
  const input = tf.layers.inputLayer({ name: 'input', inputShape: [...o.inputShape] });
  return tf.sequential({ name, layers: [input, ...layers] });
}

function buildMlp(o: ResolvedBuildOptions): tf.LayersModel {
  const f = new LayerFactory(o.seed, o.batchNorm);
  return sequential('mlp', o, [
    tf.layers.flatten({ name: 'flatten' }),
    ...f.dense('fc1', scaled(128, o.width), true),
    ...f.dense('fc2', scaled(64, o.width), true),
    ...f.head(o.numClasses),
  ]);
}

/** Hsu et al.'s MLP400 (split-MNIST in "Re-evaluating Continual Learning Scenarios"): two hidden layers of 400 (x width). */
function buildMlp400(o: ResolvedBuildOptions): tf.LayersModel {
  const f = new LayerFactory(o.seed, o.batchNorm);
  return sequential('mlp400', o, [
    tf.layers.flatten({ name: 'flatten' }),
    ...f.dense('fc1', scaled(400, o.width), true),
    ...f.dense('fc2', scaled(400, o.width), true),
    ...f.head(o.numClasses),
  ]);
}

function buildLenet5(o: ResolvedBuildOptions): tf.LayersModel {
  const [h, w] = o.inputShape;
  // conv1 'same' keeps h; pool halves; conv2 5x5 'valid' needs >= 5 pixels; pool2 needs >= 2.
  if (Math.floor(h / 2) - 4 < 2 || Math.floor(w / 2) - 4 < 2) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'input-too-small', model: 'lenet5', min: 12, height: h, width: w });
  }
  const f = new LayerFactory(o.seed, o.batchNorm);
  return sequential('lenet5', o, [
    ...f.conv('conv1', scaled(6, o.width), 5, 'same'),
    tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
    ...f.conv('conv2', scaled(16, o.width), 5, 'valid'),
    tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
    tf.layers.flatten({ name: 'flatten' }),
    ...f.dense('fc1', scaled(120, o.width), true),
    ...f.dense('fc2', scaled(84, o.width), true),
    ...f.head(o.numClasses),
  ]);
}

function buildVggSmall(o: ResolvedBuildOptions): tf.LayersModel {
  const [h, w] = o.inputShape;
  if (h < 4 || w < 4) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'input-too-small', model: 'vgg-small', min: 4, height: h, width: w });
  }
  const f = new LayerFactory(o.seed, o.batchNorm);
  return sequential('vgg-small', o, [
    ...f.conv('conv1', scaled(32, o.width), 3, 'same'),
    ...f.conv('conv2', scaled(32, o.width), 3, 'same'),
    tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
    ...f.conv('conv3', scaled(64, o.width), 3, 'same'),
    ...f.conv('conv4', scaled(64, o.width), 3, 'same'),
    tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
    tf.layers.flatten({ name: 'flatten' }),
    ...f.dense('fc1', scaled(256, o.width), true),
    f.dropout('dropout', 0.5),
    ...f.head(o.numClasses),
  ]);
}

/** Apply a list of layers in order to a symbolic tensor. */
function chain(x: tf.SymbolicTensor, layers: tf.layers.Layer[]): tf.SymbolicTensor {
  return layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, x);
}

/** A small ResNet: stem conv, pool, `blocks` identity residual blocks at 16 channels (x width), global average pool. */
function buildResnet(o: ResolvedBuildOptions, blocks: number, name: string): tf.LayersModel {
  const [h, w] = o.inputShape;
  if (h < 2 || w < 2) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'input-too-small', model: name, min: 2, height: h, width: w });
  }
  const f = new LayerFactory(o.seed, o.batchNorm);
  const ch = scaled(16, o.width);
  const input = tf.input({ name: 'input', shape: [...o.inputShape] });
  let x = chain(input, f.conv('stem', ch, 3, 'same'));
  // Halving once after the stem makes the blocks 4x cheaper; the blocks themselves stay shape-preserving.
  x = chain(x, [tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 2 })]);
  for (let b = 1; b <= blocks; b++) {
    const p = `block${b}`;
    const y = chain(chain(x, f.conv(`${p}_conv1`, ch, 3, 'same')), f.conv(`${p}_conv2`, ch, 3, 'same', false));
    const sum = tf.layers.add({ name: `${p}_add` }).apply([x, y]) as tf.SymbolicTensor;
    x = chain(sum, [tf.layers.activation({ name: `${p}_relu`, activation: 'relu' })]);
  }
  x = chain(x, [tf.layers.globalAveragePooling2d({ name: 'gap' }), ...f.head(o.numClasses)]);
  return tf.model({ name, inputs: input, outputs: x });
}

export const builtinModels: readonly ModelEntry[] = [
  { name: 'mlp', description: 'flatten -> dense 128 -> dense 64 -> logits -> softmax', build: buildMlp },
  { name: 'lenet5', description: 'LeNet-5: conv 6@5x5 same, pool, conv 16@5x5 valid, pool, dense 120, 84, logits', build: buildLenet5 },
  { name: 'vgg-small', description: 'conv32 x2, pool, conv64 x2, pool, dense 256, dropout, logits (optional BatchNorm)', build: buildVggSmall },
  { name: 'resnet-small', description: 'stem conv16, pool, 3 identity residual blocks at 16 channels, global avg pool, logits', build: (o) => buildResnet(o, 3, 'resnet-small') },
  // Deep enough for DeepArc's redundant-block analysis (consecutive blocks whose CKA exceeds 0.99).
  { name: 'resnet-9', description: 'stem conv16, pool, 9 identity residual blocks at 16 channels, global avg pool, logits', build: (o) => buildResnet(o, 9, 'resnet-9') },
  {
    name: 'mobilenet-small',
    description: 'MobileNet-shaped: stem conv16 + BN + ReLU6, depthwise-separable residual block, stride-2 depthwise block to 32, separable conv 48, global avg pool, dropout, logits',
    build: buildMobilenetSmall,
  },
  { name: 'mlp400', description: 'flatten -> dense 400 -> dense 400 -> logits -> softmax (the split-MNIST MLP of Hsu et al. 2018)', build: buildMlp400 },
];
