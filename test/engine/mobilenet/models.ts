/**
 * MobileNet-shaped Keras models built with stock tfjs layers only (what a user brings), and saved to disk as a user
 * would: model.save with a handler writing model.json + weights.bin, the layout of tfjs-node's file:// handler.
 * Layers keep the Keras defaults (BatchNormalization momentum 0.99, epsilon 1e-3) unless said otherwise.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

type Sym = tf.SymbolicTensor;
const apply = (x: Sym, ...layers: tf.layers.Layer[]): Sym => layers.reduce((t, l) => l.apply(t) as Sym, x);

/** BatchNormalization with the given momentum (Keras' default 0.99 unless a test asks for another). */
const bn = (name: string, momentum: number) => tf.layers.batchNormalization({ name, momentum });
const relu6 = (name: string) => tf.layers.reLU({ name, maxValue: 6 });

/**
 * The small model of the issue (3,946 parameters), input [28, 28, 1]: stem Conv2D 16 + BN + ReLU(6); a block
 * DepthwiseConv2D 3x3 + BN + ReLU6 + Conv2D 1x1 16 + BN added to the stem; a stride-2 block (ZeroPadding2D +
 * DepthwiseConv2D 3x3 valid, as Keras' MobileNet pads) to 32 channels; SeparableConv2D 48 relu;
 * GlobalAveragePooling2D; Dropout 0.2; Dense 10 softmax. Convolutions followed by BatchNormalization have no bias.
 */
export function mobilenetSmall(seed = 0, opts: { momentum?: number; classes?: number; inputShape?: [number, number, number] } = {}): tf.LayersModel {
  const m = opts.momentum ?? 0.99;
  const input = tf.input({ shape: opts.inputShape ?? [28, 28, 1], name: 'input' });
  const stem = apply(input,
    tf.layers.conv2d({ name: 'stem', filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(seed) }),
    bn('stem_bn', m), relu6('stem_relu'));
  const b1 = apply(stem,
    tf.layers.depthwiseConv2d({ name: 'block1_dw', kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: init(seed + 1) }),
    bn('block1_dw_bn', m), relu6('block1_dw_relu'),
    tf.layers.conv2d({ name: 'block1_pw', filters: 16, kernelSize: 1, useBias: false, kernelInitializer: init(seed + 2) }),
    bn('block1_pw_bn', m));
  const added = tf.layers.add({ name: 'block1_add' }).apply([stem, b1]) as Sym;
  const b2 = apply(added,
    tf.layers.zeroPadding2d({ name: 'block2_pad', padding: [[0, 1], [0, 1]] }),
    tf.layers.depthwiseConv2d({ name: 'block2_dw', kernelSize: 3, strides: 2, padding: 'valid', useBias: false, depthwiseInitializer: init(seed + 3) }),
    bn('block2_dw_bn', m), relu6('block2_dw_relu'),
    tf.layers.conv2d({ name: 'block2_pw', filters: 32, kernelSize: 1, useBias: false, kernelInitializer: init(seed + 4) }),
    bn('block2_pw_bn', m), relu6('block2_pw_relu'));
  const out = apply(b2,
    tf.layers.separableConv2d({ name: 'sep', filters: 48, kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: init(seed + 5), pointwiseInitializer: init(seed + 6) }),
    tf.layers.globalAveragePooling2d({ name: 'gap' }),
    tf.layers.dropout({ name: 'dropout', rate: 0.2 }),
    tf.layers.dense({ name: 'predictions', units: opts.classes ?? 10, activation: 'softmax', kernelInitializer: init(seed + 7) }));
  return tf.model({ name: 'mobilenet_small', inputs: input, outputs: out });
}

/**
 * A MobileNet-v2-shaped model (inverted residuals), input [28, 28, 1] by default: ZeroPadding2D + Conv2D 16 stride 2
 * + BN + ReLU6; a t=1 block (depthwise, linear 1x1 bottleneck to 8); then blocks of expansion 1x1 (x4) + BN + ReLU6,
 * depthwise 3x3 (stride 2 with Keras' ZeroPadding2D in front, or 'same') + BN + ReLU6, linear 1x1 bottleneck + BN, and
 * a residual Add where shapes match; a 1x1 conv head to 64 + BN + ReLU6; then MobileNet v1's classifier: global
 * average pooling, Reshape to [1, 1, 64], Dropout, Conv2D 1x1 to the classes, Reshape to [classes], softmax
 * Activation. ReLU6 appears both as ReLU({ maxValue: 6 }) and as Activation('relu6').
 */
export function mobilenetV2Like(seed = 0, opts: { momentum?: number; classes?: number; inputShape?: [number, number, number] } = {}): tf.LayersModel {
  const m = opts.momentum ?? 0.99;
  const classes = opts.classes ?? 10;
  let k = seed;
  const conv = (name: string, filters: number, kernelSize = 1, strides = 1, padding: 'same' | 'valid' = 'same') =>
    tf.layers.conv2d({ name, filters, kernelSize, strides, padding, useBias: false, kernelInitializer: init(k++) });
  const dw = (name: string, strides: number) =>
    tf.layers.depthwiseConv2d({ name, kernelSize: 3, strides, padding: strides === 2 ? 'valid' : 'same', useBias: false, depthwiseInitializer: init(k++) });
  const act6 = (name: string) => tf.layers.activation({ name, activation: 'relu6' });
  const input = tf.input({ shape: opts.inputShape ?? [28, 28, 1], name: 'input' });
  let x = apply(input, tf.layers.zeroPadding2d({ name: 'stem_pad', padding: [[0, 1], [0, 1]] }), conv('stem', 16, 3, 2, 'valid'), bn('stem_bn', m), relu6('stem_relu'));
  x = apply(x, dw('block0_dw', 1), bn('block0_dw_bn', m), relu6('block0_dw_relu'), conv('block0_project', 8), bn('block0_project_bn', m));
  const blocks: Array<[number, number]> = [[12, 2], [12, 1], [12, 1]];
  let channels = 8;
  blocks.forEach(([out, stride], i) => {
    const p = `block${i + 1}`;
    let y = apply(x, conv(`${p}_expand`, channels * 4), bn(`${p}_expand_bn`, m), i % 2 ? act6(`${p}_expand_relu`) : relu6(`${p}_expand_relu`));
    if (stride === 2) y = apply(y, tf.layers.zeroPadding2d({ name: `${p}_pad`, padding: [[0, 1], [0, 1]] }));
    y = apply(y, dw(`${p}_dw`, stride), bn(`${p}_dw_bn`, m), relu6(`${p}_dw_relu`), conv(`${p}_project`, out), bn(`${p}_project_bn`, m));
    x = stride === 1 && out === channels ? tf.layers.add({ name: `${p}_add` }).apply([x, y]) as Sym : y;
    channels = out;
  });
  x = apply(x, conv('head', 64), bn('head_bn', m), act6('head_relu'), tf.layers.globalAveragePooling2d({ name: 'gap' }),
    tf.layers.reshape({ name: 'reshape_1', targetShape: [1, 1, 64] }), tf.layers.dropout({ name: 'dropout', rate: 0.2 }),
    tf.layers.conv2d({ name: 'conv_preds', filters: classes, kernelSize: 1, padding: 'same', kernelInitializer: init(k++) }),
    tf.layers.reshape({ name: 'reshape_2', targetShape: [classes] }), tf.layers.activation({ name: 'predictions', activation: 'softmax' }));
  return tf.model({ name: 'mobilenet_v2_like', inputs: input, outputs: x });
}

/** Save as a user of stock tfjs does: model.save through a handler that writes model.json and weights.bin. */
export async function saveAsUser(model: tf.LayersModel, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    await fs.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!)));
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify({
      modelTopology: a.modelTopology, format: 'layers-model', generatedBy: a.generatedBy, convertedBy: null,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}
