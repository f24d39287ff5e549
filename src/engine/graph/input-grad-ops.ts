/**
 * Faster Dense/Conv2D layers for passes that differentiate only w.r.t. activations (profiling), never w.r.t.
 * weights. Each layer becomes ONE recorded op (tf.customGrad) whose forward is the backend's fused kernel
 * (bias + relu in one call) and whose backward computes the input gradient only:
 * - Dense: dx = (dy ⊙ relu') · Wᵀ with Wᵀ materialised first: tfjs-backend-wasm 4.22's BatchMatMul with
 *   transposeB takes a slow path (measured 20-60 ms vs 1.3 ms for [256,120]x[120,400] on this machine);
 * - Conv2D: dx = conv2dTranspose(dy ⊙ relu', W), i.e. the Conv2DBackpropInput kernel (semslice's fast one on wasm).
 * Without this, tfjs in gradient mode un-fuses every layer (Conv2D + broadcast bias Add + Relu, each recorded and
 * its inputs cloned for the tape).
 *
 * Weight gradients through these ops are NOT computed (the weights are closed over): use only where no one
 * differentiates w.r.t. weights. Layers this cannot express (other activations, dilation, channelsFirst, rank > 2
 * Dense input) return undefined and run as usual.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerKind } from './layer-kinds.js';

interface WeightLayer {
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
}

function activationOf(cfg: Record<string, unknown>): 'relu' | 'linear' | undefined {
  const a = cfg['activation'];
  return a === 'relu' || a === 'linear' ? a : undefined;
}

type CustomFn = Parameters<typeof tf.customGrad>[0];
/** tf.customGrad's typing lumps the inputs and the save function into one rest parameter. */
const asCustom = (f: (x: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor }) => f as unknown as CustomFn;

function reluMask(dy: tf.Tensor, y: tf.Tensor, act: 'relu' | 'linear'): tf.Tensor {
  return act === 'relu' ? tf.mul(dy, tf.step(y)) : dy;
}

function denseOp(layer: WeightLayer, cfg: Record<string, unknown>, x: tf.Tensor): tf.Tensor | undefined {
  const act = activationOf(cfg);
  if (!act || x.rank !== 2 || !layer.kernel) return undefined;
  const w = layer.kernel.read();
  const bias = layer.bias?.read();
  const op = tf.customGrad(asCustom((input: tf.Tensor, save: tf.GradSaveFunc) => {
    // The kernel takes rank-3 operands (as tf.fused.matMul passes them); the op itself would un-fuse relu here.
    const [b, k] = input.shape as [number, number];
    const inputs: tf.NamedTensorMap = { a: tf.reshape(input, [1, b, k]), b: tf.reshape(w, [1, k, w.shape[1]!]) };
    if (bias) inputs['bias'] = bias;
    const y3 = tf.engine().runKernel('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation: act }) as tf.Tensor;
    const y = tf.reshape(y3, [b, w.shape[1]!]);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.matMul(reluMask(dy, saved[0]!, act), tf.transpose(w)) };
  }));
  return op(x);
}

function convOp(layer: WeightLayer, cfg: Record<string, unknown>, x: tf.Tensor): tf.Tensor | undefined {
  const act = activationOf(cfg);
  const dil = cfg['dilationRate'] as number | number[] | undefined;
  const unitDil = dil === undefined || (Array.isArray(dil) ? dil.every((d) => d === 1) : dil === 1);
  const pad = cfg['padding'];
  if (!act || !unitDil || x.rank !== 4 || cfg['dataFormat'] === 'channelsFirst' || (pad !== 'same' && pad !== 'valid') || !layer.kernel) return undefined;
  const strides = (Array.isArray(cfg['strides']) ? cfg['strides'] : [cfg['strides'] ?? 1, cfg['strides'] ?? 1]) as [number, number];
  const w = layer.kernel.read() as tf.Tensor4D;
  const bias = layer.bias?.read();
  const op = tf.customGrad(asCustom((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const inputs: tf.NamedTensorMap = { x: input, filter: w };
    if (bias) inputs['bias'] = bias;
    const y = tf.engine().runKernel('FusedConv2D', inputs, { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: act }) as tf.Tensor;
    save([y]);
    const shape = input.shape as [number, number, number, number];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.conv2dTranspose(reluMask(dy, saved[0]!, act) as tf.Tensor4D, w, shape, strides, pad as 'same' | 'valid'),
    };
  }));
  return op(x);
}

const configs = new WeakMap<tf.layers.Layer, Record<string, unknown>>();

/**
 * The layer's output computed as one input-gradient-only op, or undefined when the layer is not a Dense/Conv2D
 * this module can express.
 */
export function inputGradLayerCall(layer: tf.layers.Layer, kind: LayerKind, x: tf.Tensor): tf.Tensor | undefined {
  if (kind !== 'dense' && kind !== 'conv2d') return undefined;
  let cfg = configs.get(layer);
  if (!cfg) configs.set(layer, (cfg = layer.getConfig() as Record<string, unknown>));
  const l = layer as unknown as WeightLayer;
  return kind === 'dense' ? denseOp(l, cfg, x) : convOp(l, cfg, x);
}
