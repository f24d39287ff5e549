/**
 * Wasm kernels that hand convolutions and matrix products to the native addon (native-addon.ts) when it is loaded:
 * Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, DepthwiseConv2dNative and both its gradients,
 * BatchMatMul, _FusedMatMul and FusedBatchNorm (channels last), float32.
 * The addon computes in place on the wasm heap (im2col + OpenBLAS sgemm), so a kernel only allocates its output
 * and passes byte offsets. Any case the addon does not cover (NCHW, another dtype, prelu/elu/sigmoid fusions,
 * broadcast batch shapes, an empty tensor) goes to the kernel registered before, unchanged.
 *
 * @example
 * const configs = nativeKernelConfigs(addon, (name) => tf.getKernel(name, 'wasm'));
 * for (const c of configs) { tf.unregisterKernel(c.kernelName, 'wasm'); tf.registerKernel(c); }
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeAddon } from './native-addon.js';
import { pair, type Info } from './wasm-kernel-utils.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Fallback = (args: KernelArgs) => Info | Info[];

/** The kernels the addon serves. */
export const NATIVE_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'DepthwiseConv2dNative',
  'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'BatchMatMul', '_FusedMatMul', 'FusedBatchNorm', 'MaxPool', 'MaxPoolGrad', 'Add', 'Relu6'] as const;

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 };

const size = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

function offset(backend: BackendWasm, t: Info): number {
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
}

function heap(backend: BackendWasm): ArrayBufferLike {
  // Read after every allocation: growing the wasm memory replaces its buffer.
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
}

function floatBits(x: number): number {
  return new Int32Array(new Float32Array([x]).buffer)[0]!;
}

function allFloat(...ts: Array<Info | undefined>): boolean {
  return ts.every((t) => t === undefined || (t.dtype === 'float32' && size(t.shape) > 0));
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

/** The 15 geometry ints of the addon's convolutions, or null for a case it does not take. */
function geometry(xShape: number[], filterShape: number[], a: ConvAttrs): number[] | null {
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') return null;
  if (xShape.length !== 4 || filterShape.length !== 4) return null;
  const [dh, dw] = pair(a.dilations as number | [number, number] | undefined);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, [dh, dw], a.pad, a.dimRoundingMode, false, 'channelsLast');
  if (info.inChannels !== filterShape[2]) return null; // grouped/depthwise: not ours
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth, info.outChannels,
    info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, dh, dw];
}

function conv2dNative(addon: NativeAddon, fallback: Fallback, fused: boolean): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, Info | undefined>;
    const a = (args.attrs ?? {}) as unknown as ConvAttrs;
    const act = fused ? ACTIVATIONS[a.activation ?? 'linear'] : 0;
    const g = x && filter && act !== undefined && preluActivationWeights === undefined && allFloat(x, filter, bias)
      ? geometry(x.shape, filter.shape, a) : null;
    if (!g || (bias !== undefined && size(bias.shape) !== g[6])) return fallback(args);
    const y = backend.makeOutput([g[0]!, g[7]!, g[8]!, g[6]!], 'float32');
    addon.conv2d(heap(backend), ...g, offset(backend, x!), offset(backend, filter!), offset(backend, y),
      bias ? offset(backend, bias) : -1, act, floatBits(a.leakyreluAlpha ?? 0.2));
    return y;
  };
}

function backpropInputNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as Record<string, Info>;
    const a = (args.attrs ?? {}) as unknown as ConvAttrs;
    const g = a.inputShape && allFloat(dy, filter) ? geometry(a.inputShape, filter!.shape, a) : null;
    if (!g || g[7] !== dy!.shape[1] || g[8] !== dy!.shape[2]) return fallback(args);
    const dx = backend.makeOutput([...a.inputShape!], 'float32');
    addon.conv2dBackpropInput(heap(backend), ...g, offset(backend, dy!), offset(backend, filter!), offset(backend, dx));
    return dx;
  };
}

function backpropFilterNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, dy } = args.inputs as Record<string, Info>;
    const a = (args.attrs ?? {}) as unknown as ConvAttrs;
    const g = a.filterShape && allFloat(x, dy) ? geometry(x!.shape, a.filterShape, a) : null;
    if (!g || g[7] !== dy!.shape[1] || g[8] !== dy!.shape[2]) return fallback(args);
    const dw = backend.makeOutput([...a.filterShape!], 'float32');
    addon.conv2dBackpropFilter(heap(backend), ...g, offset(backend, x!), offset(backend, dy!), offset(backend, dw));
    return dw;
  };
}

/** The geometry ints of a depthwise convolution (Co = Ci x multiplier), or null for a case the addon does not take. */
function depthwiseGeometry(xShape: number[], filterShape: number[], a: ConvAttrs): number[] | null {
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') return null;
  if (xShape.length !== 4 || filterShape.length !== 4 || filterShape[2] !== xShape[3]) return null;
  // tfjs-layers passes a null dilation rate (tfjs' depthwiseConv2d then means 1).
  const [dh, dw] = pair((a.dilations ?? undefined) as number | [number, number] | undefined);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, [dh, dw], a.pad, a.dimRoundingMode, true, 'channelsLast');
  if (info.outHeight <= 0 || info.outWidth <= 0) return null;
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth, info.outChannels,
    info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, dh, dw];
}

/** DepthwiseConv2dNative (NHWC, float32, any stride, padding, dilation and channel multiplier). */
function depthwiseNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, filter } = args.inputs as Record<string, Info | undefined>;
    const a = (args.attrs ?? {}) as unknown as ConvAttrs;
    const g = x && filter && allFloat(x, filter) ? depthwiseGeometry(x.shape, filter.shape, a) : null;
    if (!g) return fallback(args);
    const y = backend.makeOutput([g[0]!, g[7]!, g[8]!, g[6]!], 'float32');
    addon.depthwiseConv2d(heap(backend), ...g, offset(backend, x!), offset(backend, filter!), offset(backend, y), -1, 0, 0);
    return y;
  };
}

function depthwiseBackpropInputNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as Record<string, Info>;
    const a = (args.attrs ?? {}) as unknown as ConvAttrs;
    const g = a.inputShape && allFloat(dy, filter) ? depthwiseGeometry(a.inputShape, filter!.shape, a) : null;
    if (!g || g[7] !== dy!.shape[1] || g[8] !== dy!.shape[2] || g[6] !== dy!.shape[3]) return fallback(args);
    const dx = backend.makeOutput([...a.inputShape!], 'float32');
    addon.depthwiseConv2dBackpropInput(heap(backend), ...g, offset(backend, dy!), offset(backend, filter!), offset(backend, dx));
    return dx;
  };
}

function depthwiseBackpropFilterNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, dy } = args.inputs as Record<string, Info>;
    const a = (args.attrs ?? {}) as unknown as ConvAttrs;
    const g = a.filterShape && allFloat(x, dy) ? depthwiseGeometry(x!.shape, a.filterShape, a) : null;
    if (!g || g[7] !== dy!.shape[1] || g[8] !== dy!.shape[2] || g[6] !== dy!.shape[3]) return fallback(args);
    const dw = backend.makeOutput([...a.filterShape!], 'float32');
    addon.depthwiseConv2dBackpropFilter(heap(backend), ...g, offset(backend, x!), offset(backend, dy!), offset(backend, dw));
    return dw;
  };
}

function matMulNative(addon: NativeAddon, fallback: Fallback, fused: boolean): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, Info | undefined>;
    const at = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
    const act = fused ? ACTIVATIONS[at.activation ?? 'linear'] : 0;
    if (!a || !b || act === undefined || preluActivationWeights !== undefined || !allFloat(a, b, bias) || a.shape.length < 2 || b.shape.length < 2) return fallback(args);
    const tA = Boolean(at.transposeA), tB = Boolean(at.transposeB);
    const ra = a.shape.length, rb = b.shape.length;
    const m = tA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = tA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = tB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = tB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
    const batchA = size(outerA), batchB = size(outerB);
    const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
    const outer = sameOuter || batchB === 1 && outerB.length <= outerA.length ? outerA : batchA === 1 && outerA.length <= outerB.length ? outerB : null;
    if (k !== kb || outer === null || (bias !== undefined && size(bias.shape) !== n)) return fallback(args);
    const batch = size(outer);
    const y = backend.makeOutput([...outer, m, n], 'float32');
    addon.matmul(heap(backend), batch, m, k, n, tA ? 1 : 0, tB ? 1 : 0, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n,
      offset(backend, a), offset(backend, b), offset(backend, y), bias ? offset(backend, bias) : -1, act, floatBits(at.leakyreluAlpha ?? 0.2));
    return y;
  };
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The geometry ints of a 2-D max pooling over an NHWC input (window as the filter, channels in and out). */
function poolGeometry(xShape: number[], a: PoolAttrs): number[] | null {
  if (xShape.length !== 4) return null;
  const p = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  return [p.batchSize, p.inHeight, p.inWidth, p.inChannels, p.filterHeight, p.filterWidth, p.inChannels,
    p.outHeight, p.outWidth, p.strideHeight, p.strideWidth, p.padInfo.top, p.padInfo.left, 1, 1];
}

/** MaxPool (NHWC, float32, any window/stride/padding): the cpu backend's values, in one pass. */
function maxPoolNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: Info };
    const g = allFloat(x) ? poolGeometry(x.shape, args.attrs as unknown as PoolAttrs) : null;
    if (!g || g[7]! <= 0 || g[8]! <= 0) return fallback(args);
    const y = backend.makeOutput([g[0]!, g[7]!, g[8]!, g[3]!], 'float32');
    addon.maxPool(heap(backend), ...g, offset(backend, x), offset(backend, y));
    return y;
  };
}

/** MaxPoolGrad with max-pool-grad.ts's rule (first maximal cell), as one native pass. */
function maxPoolGradNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, input, output } = args.inputs as Record<string, Info | undefined>;
    const g = dy && input && allFloat(dy, input, output) ? poolGeometry(input.shape, args.attrs as unknown as PoolAttrs) : null;
    if (!g || dy!.shape[1] !== g[7] || dy!.shape[2] !== g[8]) return fallback(args);
    const useY = output !== undefined && output.shape.every((d, i) => d === dy!.shape[i]);
    const dx = backend.makeOutput([...input!.shape], 'float32');
    addon.maxPoolGrad(heap(backend), ...g, offset(backend, input!), useY ? offset(backend, output!) : -1, offset(backend, dy!), offset(backend, dx));
    return dx;
  };
}

/**
 * Add where one side is a per-channel vector (shape [C] or [1, ..., 1, C]) and the other a float32 tensor whose last
 * axis is C: the layers' bias add, which tfjs runs as Conv2D/MatMul + Add under gradients. Other adds fall back.
 */
function addNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as Record<string, Info>;
    if (!a || !b || !allFloat(a, b)) return fallback(args);
    const isVector = (v: Info, full: Info) => v.shape.length <= full.shape.length && v.shape.length >= 1 &&
      v.shape[v.shape.length - 1] === full.shape[full.shape.length - 1] && v.shape.slice(0, -1).every((d) => d === 1) && size(full.shape) > size(v.shape);
    const [full, vec] = isVector(b, a) ? [a, b] : isVector(a, b) ? [b, a] : [undefined, undefined];
    if (!full || !vec) return fallback(args);
    const c = full.shape[full.shape.length - 1]!;
    const y = backend.makeOutput([...full.shape], 'float32');
    addon.biasAdd(heap(backend), size(full.shape) / c, c, offset(backend, full), offset(backend, vec), offset(backend, y));
    return y;
  };
}

/** Name of the one-call Adam update kernel (registered for wasm only with the addon; train/adam.ts uses it). */
export const ADAM_KERNEL = 'SemsliceAdam';

/**
 * One Adam step of one variable: inputs {value, m, v, grad, accBeta1, accBeta2, extra?, mask?} (float32, accBeta1/2
 * scalars), attrs {beta1, beta2, epsilon, learningRate, extraOffset?, extraDivisor?}; outputs [value, m, v] in new
 * buffers (never in place: a variable's buffer may be shared with a clone). The gradient is grad, or
 * (grad + extra[extraOffset ...] / extraDivisor) * mask where given (extra: a flat tensor holding other replicas'
 * gradients). Bit for bit tfjs' AdamOptimizer arithmetic (after those tensor ops), in one call instead of a dozen.
 */
function adamNative(addon: NativeAddon): (args: KernelArgs) => Info[] {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { value, m, v, grad, accBeta1, accBeta2, extra, mask } = args.inputs as Record<string, Info | undefined>;
    const at = args.attrs as unknown as { beta1: number; beta2: number; epsilon: number; learningRate: number; extraOffset?: number; extraDivisor?: number };
    const n = size(value!.shape);
    const extraOffset = at.extraOffset ?? 0;
    if (!allFloat(value, m, v, grad, accBeta1, accBeta2, extra, mask) || size(grad!.shape) !== n || (mask && size(mask.shape) !== n) ||
      (extra && (extraOffset < 0 || extraOffset + n > size(extra.shape)))) {
      throw new Error(`${ADAM_KERNEL}: float32 value, moments, gradient (and mask) of one size expected, and an extra tensor holding [extraOffset, extraOffset + size)`);
    }
    const outs = [value!, m!, v!].map((t) => backend.makeOutput([...t.shape], 'float32'));
    const f = (x: number) => floatBits(x);
    addon.adam(heap(backend), n, ...[value!, m!, v!, grad!, accBeta1!, accBeta2!, ...outs].map((t) => offset(backend, t)),
      f(at.beta1), f(1 - at.beta1), f(at.beta2), f(1 - at.beta2), f(at.epsilon), f(-at.learningRate),
      extra ? offset(backend, extra) + 4 * extraOffset : -1, f(at.extraDivisor ?? 1), mask ? offset(backend, mask) : -1);
    return outs;
  };
}

/** FusedBatchNorm with [C] statistics over the last axis (every BatchNormalization layer here); others fall back. */
function batchNormNative(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, mean, variance, offset: off, scale } = args.inputs as Record<string, Info | undefined>;
    const c = x?.shape[x.shape.length - 1];
    const perChannel = [mean, variance, off, scale].every((t) => t === undefined || (t.shape.length === 1 && t.shape[0] === c));
    if (!x || !mean || !variance || !perChannel || !allFloat(x, mean, variance, off, scale)) return fallback(args);
    const y = backend.makeOutput([...x.shape], 'float32');
    addon.batchNorm(heap(backend), size(x.shape) / c!, c!, offset(backend, x), offset(backend, mean), offset(backend, variance),
      off ? offset(backend, off) : -1, scale ? offset(backend, scale) : -1, offset(backend, y),
      floatBits((args.attrs as unknown as { varianceEpsilon: number }).varianceEpsilon));
    return y;
  };
}

/** Name of Relu's one-pass gradient kernel (relu-grad.ts uses it): inputs {dy, x}, output dy * step(x). */
export const RELU_GRAD_KERNEL = 'SemsliceReluGrad';

function reluGradNative(addon: NativeAddon): (args: KernelArgs) => Info {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, x } = args.inputs as Record<string, Info>;
    if (!allFloat(dy, x) || size(dy!.shape) !== size(x!.shape)) throw new Error(`${RELU_GRAD_KERNEL}: float32 dy and x of one size expected`);
    const dx = backend.makeOutput([...x!.shape], 'float32');
    addon.reluGrad(heap(backend), size(x!.shape), offset(backend, dy!), offset(backend, x!), offset(backend, dx));
    return dx;
  };
}

/** Relu6 on float32 with NaN kept, as the cpu backend computes it (wasm's own maps NaN to 0). */
function relu6Native(addon: NativeAddon, fallback: Fallback): Fallback {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: Info };
    if (!allFloat(x)) return fallback(args);
    const y = backend.makeOutput([...x.shape], 'float32');
    addon.relu6(heap(backend), size(x.shape), offset(backend, x), offset(backend, y));
    return y;
  };
}

/** Name of the one-pass gradient of a clip (ClipByValue, Relu6; clip-grad.ts uses it): inputs {dy, x}, attrs {min, max, relu6}. */
export const CLIP_GRAD_KERNEL = 'SemsliceClipGrad';

function clipGradNative(addon: NativeAddon): (args: KernelArgs) => Info {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, x } = args.inputs as Record<string, Info>;
    const { min, max, relu6 } = args.attrs as unknown as { min: number; max: number; relu6: boolean };
    if (!allFloat(dy, x) || size(dy!.shape) !== size(x!.shape)) throw new Error(`${CLIP_GRAD_KERNEL}: float32 dy and x of one size expected`);
    const dx = backend.makeOutput([...x!.shape], 'float32');
    addon.clipGrad(heap(backend), size(x!.shape), offset(backend, dy!), offset(backend, x!), offset(backend, dx), floatBits(min), floatBits(max), relu6 ? 1 : 0);
    return dx;
  };
}

/**
 * Name of the gradient of a mean over a block of middle axes (mean-grad.ts uses it): inputs {dy} ([outer, inner]
 * values), attrs {shape: x's shape, outer, middle, inner, count}; output dx of x's shape, dy / count spread over the
 * middle axes.
 */
export const SPREAD_MEAN_KERNEL = 'SemsliceSpreadMean';

function spreadMeanNative(addon: NativeAddon): (args: KernelArgs) => Info {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy } = args.inputs as { dy: Info };
    const { shape, outer, middle, inner, count } = args.attrs as unknown as { shape: number[]; outer: number; middle: number; inner: number; count: number };
    if (!allFloat(dy) || size(dy.shape) !== outer * inner || size(shape) !== outer * middle * inner) throw new Error(`${SPREAD_MEAN_KERNEL}: float32 dy of [outer, inner] values expected`);
    const dx = backend.makeOutput([...shape], 'float32');
    addon.spreadMean(heap(backend), outer, middle, inner, offset(backend, dy), offset(backend, dx), floatBits(count));
    return dx;
  };
}

/** Names of a BatchNormalization layer's training forward and its gradient (batch-norm-train.ts uses them). */
export const BN_TRAIN_KERNEL = 'SemsliceBatchNormTrain';
export const BN_TRAIN_GRAD_KERNEL = 'SemsliceBatchNormTrainGrad';

/** Inputs {x, gamma, beta} (channels last), attr {epsilon}; outputs [y, stats] with stats = [mean; variance], [2, C]. */
function bnTrainNative(addon: NativeAddon): (args: KernelArgs) => Info[] {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, gamma, beta } = args.inputs as Record<string, Info>;
    const c = x!.shape[x!.shape.length - 1]!;
    if (!allFloat(x, gamma, beta) || size(gamma!.shape) !== c || size(beta!.shape) !== c) throw new Error(`${BN_TRAIN_KERNEL}: float32 channels-last x with [C] gamma and beta expected`);
    const y = backend.makeOutput([...x!.shape], 'float32');
    const stats = backend.makeOutput([2, c], 'float32');
    addon.batchNormTrain(heap(backend), size(x!.shape) / c, c, offset(backend, x!), offset(backend, gamma!), offset(backend, beta!),
      offset(backend, y), offset(backend, stats), floatBits((args.attrs as unknown as { epsilon: number }).epsilon));
    return [y, stats];
  };
}

/** Inputs {dy, x, gamma, stats}, attr {epsilon}; outputs [dx, dgamma, dbeta]. */
function bnTrainGradNative(addon: NativeAddon): (args: KernelArgs) => Info[] {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, x, gamma, stats } = args.inputs as Record<string, Info>;
    const c = x!.shape[x!.shape.length - 1]!;
    if (!allFloat(dy, x, gamma, stats) || size(dy!.shape) !== size(x!.shape)) throw new Error(`${BN_TRAIN_GRAD_KERNEL}: float32 inputs of matching shapes expected`);
    const dx = backend.makeOutput([...x!.shape], 'float32');
    const dGamma = backend.makeOutput([c], 'float32');
    const dBeta = backend.makeOutput([c], 'float32');
    addon.batchNormTrainGrad(heap(backend), size(x!.shape) / c, c, offset(backend, dy!), offset(backend, x!), offset(backend, gamma!),
      offset(backend, stats!), offset(backend, dx), offset(backend, dGamma), offset(backend, dBeta), floatBits((args.attrs as unknown as { epsilon: number }).epsilon));
    return [dx, dGamma, dBeta];
  };
}

/** Name of the one-pass FusedBatchNorm gradient kernel (wasm, with the addon; batch-norm-grad.ts uses it). */
export const BATCH_NORM_GRAD_KERNEL = 'SemsliceBatchNormGrad';

/**
 * Inputs {dy, x, mean, variance, scale?} (channels last, float32), attrs {varianceEpsilon, part}: part 'dx' gives
 * dx (x's shape), part 'stats' gives [dmean; dvariance; dscale; doffset] as one [4, C] tensor.
 */
function batchNormGradNative(addon: NativeAddon): (args: KernelArgs) => Info {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, x, mean, variance, scale } = args.inputs as Record<string, Info | undefined>;
    const { varianceEpsilon, part } = args.attrs as unknown as { varianceEpsilon: number; part: 'dx' | 'stats' };
    const c = mean!.shape[0]!;
    if (!allFloat(dy, x, mean, variance, scale) || x!.shape[x!.shape.length - 1] !== c || size(dy!.shape) !== size(x!.shape)) {
      throw new Error(`${BATCH_NORM_GRAD_KERNEL}: float32 channels-last dy and x with [C] statistics expected`);
    }
    const out = backend.makeOutput(part === 'dx' ? [...x!.shape] : [4, c], 'float32');
    addon.batchNormGrad(heap(backend), size(x!.shape) / c, c, offset(backend, dy!), offset(backend, x!), offset(backend, mean!),
      offset(backend, variance!), scale ? offset(backend, scale) : -1, part === 'dx' ? offset(backend, out) : -1,
      part === 'dx' ? -1 : offset(backend, out), floatBits(varianceEpsilon));
    return out;
  };
}

/**
 * Kernel configs for wasm that use the addon, each falling back to `previous(name)` (the kernel registered before
 * it) for the cases the addon does not take. Names whose previous kernel is missing are left out.
 */
export function nativeKernelConfigs(addon: NativeAddon, previous: (name: string) => tf.KernelConfig | undefined): tf.KernelConfig[] {
  const out: tf.KernelConfig[] = [];
  const wrap = (name: (typeof NATIVE_KERNELS)[number], make: (fb: Fallback) => Fallback) => {
    const prev = previous(name);
    if (prev === undefined) return;
    const kernelFunc = make(prev.kernelFunc as unknown as Fallback);
    Object.defineProperty(kernelFunc, 'name', { value: `native${name.replace(/^_/, '')}` });
    out.push({ kernelName: name, backendName: 'wasm', ...(prev.setupFunc ? { setupFunc: prev.setupFunc } : {}), kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  };
  wrap('Conv2D', (fb) => conv2dNative(addon, fb, false));
  wrap('FusedConv2D', (fb) => conv2dNative(addon, fb, true));
  wrap('Conv2DBackpropInput', (fb) => backpropInputNative(addon, fb));
  wrap('Conv2DBackpropFilter', (fb) => backpropFilterNative(addon, fb));
  wrap('DepthwiseConv2dNative', (fb) => depthwiseNative(addon, fb));
  wrap('DepthwiseConv2dNativeBackpropInput', (fb) => depthwiseBackpropInputNative(addon, fb));
  wrap('DepthwiseConv2dNativeBackpropFilter', (fb) => depthwiseBackpropFilterNative(addon, fb));
  wrap('BatchMatMul', (fb) => matMulNative(addon, fb, false));
  wrap('_FusedMatMul', (fb) => matMulNative(addon, fb, true));
  wrap('FusedBatchNorm', (fb) => batchNormNative(addon, fb));
  wrap('MaxPool', (fb) => maxPoolNative(addon, fb));
  wrap('MaxPoolGrad', (fb) => maxPoolGradNative(addon, fb));
  wrap('Add', (fb) => addNative(addon, fb));
  wrap('Relu6', (fb) => relu6Native(addon, fb));
  out.push({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: adamNative(addon) as unknown as tf.KernelFunc });
  out.push({ kernelName: BN_TRAIN_KERNEL, backendName: 'wasm', kernelFunc: bnTrainNative(addon) as unknown as tf.KernelFunc });
  out.push({ kernelName: BN_TRAIN_GRAD_KERNEL, backendName: 'wasm', kernelFunc: bnTrainGradNative(addon) as unknown as tf.KernelFunc });
  out.push({ kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: reluGradNative(addon) as unknown as tf.KernelFunc });
  out.push({ kernelName: CLIP_GRAD_KERNEL, backendName: 'wasm', kernelFunc: clipGradNative(addon) as unknown as tf.KernelFunc });
  out.push({ kernelName: SPREAD_MEAN_KERNEL, backendName: 'wasm', kernelFunc: spreadMeanNative(addon) as unknown as tf.KernelFunc });
  out.push({ kernelName: BATCH_NORM_GRAD_KERNEL, backendName: 'wasm', kernelFunc: batchNormGradNative(addon) as unknown as tf.KernelFunc });
  return out;
}
