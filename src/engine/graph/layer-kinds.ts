/**
 * The one layer table: for every layer class semslice understands, what kind of layer it is, how channels (the last
 * axis) flow through it, whether it belongs to the site before it, and along which axis of each of its weights a
 * neuron (an output channel) or an input channel lives, which is how a neuron is removed. Site discovery, the
 * executor, compression accounting, profiling, surgery and per-weight masks all read this table; nothing outside
 * `graph/` looks at layer class names.
 *
 * A class not in the table is `unknown`: it is treated as mixing every channel and never removable (conservative).
 */
import type * as tf from '@tensorflow/tfjs';

/** What a layer does, as far as neurons are concerned. */
export type LayerKind =
  | 'input'
  /** Weight layers with neurons on the last axis (a SeparableConv2D's neurons are its pointwise filters). */
  | 'dense' | 'conv2d' | 'separable-conv2d'
  /**
   * A per-channel filter (DepthwiseConv2D, depth multiplier 1): output channel j is input channel j filtered with its
   * own kernel and bias, so its weights belong to the input channel and go with it.
   */
  | 'depthwise-conv2d'
  /** Per-channel affine with four per-channel arrays. */
  | 'batch-norm'
  /** Elementwise function (Activation layers and the ReLU family). */
  | 'activation'
  /** Identity at inference. */
  | 'dropout'
  /** Per-channel spatial operations. */
  | 'max-pool' | 'avg-pool' | 'global-pool' | 'spatial'
  | 'flatten'
  /** A Reshape that keeps the last axis (e.g. [b, C] to [b, 1, 1, C]); a flattening Reshape is 'flatten'. */
  | 'reshape'
  /** Add, Average, Maximum, Minimum: channel j of the output joins channel j of every input. */
  | 'merge'
  | 'multiply'
  | 'concat'
  | 'softmax'
  | 'unknown';

/** How the channels of a layer's output relate to those of its input. */
export type ChannelFlow =
  /** Output channel j depends on input channel j only. */
  | 'per-channel'
  /** Every output depends on every input channel. */
  | 'mix'
  /** Rank-4 channels-last input to rank 2: flat index i belongs to channel i % C. */
  | 'flatten'
  /** Inputs' channels laid end to end. */
  | 'concat';

/**
 * Along which axis of a weight the layer's output neurons (`out`) and input channels (`in`) lie. They may be one axis
 * (a depthwise kernel: channel c in, channel c out), and `out` may be absent where the weight feeds every neuron of
 * its layer (a SeparableConv2D's depthwise kernel).
 */
export interface WeightAxes {
  out?: number;
  in?: number;
}

/** One row of the layer table, resolved for a concrete layer (its config can change the kind). */
export interface LayerSpec {
  className: string;
  kind: LayerKind;
  channels: ChannelFlow;
  /** Elementwise per neuron: read as part of the site of the weight layer before it. */
  follower: boolean;
  /** A zero channel stays zero through it (relu, linear, tanh, pools, ...); false for BN, sigmoid, softmax. */
  zeroPreserving: boolean;
  /** Weight short name ("kernel", "bias", "gamma", ...) -> axes; how a neuron or input channel is cut out. */
  weights: Readonly<Record<string, WeightAxes>>;
}

interface Row { kind: LayerKind; channels: ChannelFlow; follower?: boolean; zero?: boolean; weights?: Record<string, WeightAxes> }

const PER_CHANNEL_ARRAYS = { gamma: { out: 0 }, beta: { out: 0 }, moving_mean: { out: 0 }, moving_variance: { out: 0 } };
const WEIGHT = { kernel: { out: -1, in: -2 }, bias: { out: 0 } };
/** A depthwise kernel [kh, kw, C, 1]: its output channel and its input channel are one and the same axis. */
const DEPTHWISE = { depthwise_kernel: { out: 2, in: 2 }, bias: { out: 0 } };
/** The depthwise part reads input channel c only (no out axis: it feeds every pointwise filter); then a 1x1 conv. */
const SEPARABLE = { depthwise_kernel: { in: 2 }, pointwise_kernel: { out: -1, in: -2 }, bias: { out: 0 } };

const TABLE: Record<string, Row> = {
  InputLayer: { kind: 'input', channels: 'per-channel', zero: true },
  Dense: { kind: 'dense', channels: 'mix', weights: WEIGHT },
  Conv2D: { kind: 'conv2d', channels: 'mix', weights: WEIGHT },
  SeparableConv2D: { kind: 'separable-conv2d', channels: 'mix', weights: SEPARABLE },
  DepthwiseConv2D: { kind: 'depthwise-conv2d', channels: 'per-channel', weights: DEPTHWISE },
  BatchNormalization: { kind: 'batch-norm', channels: 'per-channel', follower: true, zero: false, weights: PER_CHANNEL_ARRAYS },
  Activation: { kind: 'activation', channels: 'per-channel', follower: true },
  ReLU: { kind: 'activation', channels: 'per-channel', follower: true, zero: true },
  LeakyReLU: { kind: 'activation', channels: 'per-channel', follower: true, zero: true },
  ELU: { kind: 'activation', channels: 'per-channel', follower: true, zero: true },
  ThresholdedReLU: { kind: 'activation', channels: 'per-channel', follower: true, zero: true },
  PReLU: { kind: 'activation', channels: 'per-channel', follower: true, zero: true },
  Dropout: { kind: 'dropout', channels: 'per-channel', follower: true, zero: true },
  GaussianDropout: { kind: 'dropout', channels: 'per-channel', follower: true, zero: true },
  GaussianNoise: { kind: 'dropout', channels: 'per-channel', follower: true, zero: true },
  AlphaDropout: { kind: 'dropout', channels: 'per-channel', follower: true, zero: true },
  SpatialDropout1D: { kind: 'dropout', channels: 'per-channel', follower: true, zero: true },
  SpatialDropout2D: { kind: 'dropout', channels: 'per-channel', follower: true, zero: true },
  MaxPooling1D: { kind: 'max-pool', channels: 'per-channel', zero: true },
  MaxPooling2D: { kind: 'max-pool', channels: 'per-channel', zero: true },
  AveragePooling1D: { kind: 'avg-pool', channels: 'per-channel', zero: true },
  AveragePooling2D: { kind: 'avg-pool', channels: 'per-channel', zero: true },
  GlobalAveragePooling1D: { kind: 'global-pool', channels: 'per-channel', zero: true },
  GlobalAveragePooling2D: { kind: 'global-pool', channels: 'per-channel', zero: true },
  GlobalMaxPooling1D: { kind: 'global-pool', channels: 'per-channel', zero: true },
  GlobalMaxPooling2D: { kind: 'global-pool', channels: 'per-channel', zero: true },
  ZeroPadding2D: { kind: 'spatial', channels: 'per-channel', zero: true },
  Cropping2D: { kind: 'spatial', channels: 'per-channel', zero: true },
  UpSampling2D: { kind: 'spatial', channels: 'per-channel', zero: true },
  Flatten: { kind: 'flatten', channels: 'flatten', zero: true },
  Reshape: { kind: 'reshape', channels: 'per-channel', zero: true },
  Add: { kind: 'merge', channels: 'per-channel', zero: true },
  Average: { kind: 'merge', channels: 'per-channel', zero: true },
  Maximum: { kind: 'merge', channels: 'per-channel', zero: true },
  Minimum: { kind: 'merge', channels: 'per-channel', zero: true },
  Multiply: { kind: 'multiply', channels: 'per-channel', zero: true },
  Concatenate: { kind: 'concat', channels: 'concat', zero: true },
  Softmax: { kind: 'softmax', channels: 'mix', zero: false },
};

/** Activation functions that map 0 to 0. */
const ZERO_PRESERVING = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'tanh', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new', 'leakyRelu']);

const UNKNOWN: Omit<LayerSpec, 'className'> = { kind: 'unknown', channels: 'mix', follower: false, zeroPreserving: false, weights: {} };

function configOf(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** The `activation` of a layer's config as a name, if it has one. */
export function activationName(layer: tf.layers.Layer): string | undefined {
  const a = configOf(layer)['activation'];
  return typeof a === 'string' ? a : undefined;
}

/** True when a layer keeps its channels on the last axis (no channelsFirst dataFormat). */
function channelsLast(cfg: Record<string, unknown>): boolean {
  const f = cfg['dataFormat'];
  return f === undefined || f === 'channelsLast';
}

function lastAxis(axis: unknown, inputRank: number | undefined): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === -1 || (inputRank !== undefined && a === inputRank - 1);
}

const specCache = new WeakMap<tf.layers.Layer, LayerSpec>();

/** Layers with a dataFormat whose channels are the last axis only when channelsLast. */
const SPATIAL_KINDS = new Set<LayerKind>(['conv2d', 'separable-conv2d', 'depthwise-conv2d', 'max-pool', 'avg-pool', 'global-pool', 'spatial', 'flatten']);

/** The per-sample shape of a layer's one input or output, or undefined unless the layer is called once on one tensor. */
function oneShape(layer: tf.layers.Layer, which: 'inputShapes' | 'outputShapes'): Array<number | null> | undefined {
  // tfjs-layers' internal call records (also read by model-graph.ts).
  const nodes = (layer as unknown as { inboundNodes?: Array<Record<string, unknown>> }).inboundNodes ?? [];
  if (nodes.length !== 1) return undefined;
  let s = nodes[0]![which] as Array<number | null> | Array<Array<number | null>> | undefined;
  if (Array.isArray(s) && Array.isArray(s[0])) s = s.length === 1 ? s[0] as Array<number | null> : undefined;
  return Array.isArray(s) ? (s as Array<number | null>).slice(1) : undefined;
}

/**
 * A Reshape keeps channels when it keeps the last axis (channel j stays j); it flattens channels-last when its last
 * axis merges the input's trailing axes (flat index i belongs to channel i % C). Anything else is undefined (unknown).
 */
function reshapeSpec(layer: tf.layers.Layer, spec: LayerSpec): LayerSpec | undefined {
  const inp = oneShape(layer, 'inputShapes');
  const out = oneShape(layer, 'outputShapes');
  if (!inp || !out || inp.length === 0 || out.length === 0 || [...inp, ...out].some((d) => d === null)) return undefined;
  const last = out.at(-1)!;
  if (last === inp.at(-1)) return spec;
  let merged = 1;
  for (let a = inp.length - 1; a >= 0; a--) {
    merged *= inp[a]!;
    if (merged === last && a < inp.length - 1) return { ...spec, kind: 'flatten', channels: 'flatten' };
    if (merged > last!) break;
  }
  return undefined;
}

/**
 * The table row for a concrete layer. Config refines the class: a channelsFirst conv, pool or Flatten, a
 * BatchNormalization or Concatenate on another axis are `unknown`; an Activation('softmax') is `softmax`.
 * `inputRank` (with batch axis) resolves a positive BN/Concatenate axis; omit it when unknown.
 *
 * @example
 * layerSpec(model.getLayer('conv1')).kind;     // 'conv2d'
 * layerSpec(model.getLayer('conv1')).weights;  // { kernel: { out: -1, in: -2 }, bias: { out: 0 } }
 */
export function layerSpec(layer: tf.layers.Layer, inputRank?: number): LayerSpec {
  const cached = inputRank === undefined ? specCache.get(layer) : undefined;
  if (cached) return cached;
  const className = layer.getClassName();
  const row = TABLE[className];
  const cfg = configOf(layer);
  let spec: LayerSpec;
  const unknown = (): LayerSpec => ({ className, ...UNKNOWN });
  if (!row) spec = unknown();
  else {
    const act = typeof cfg['activation'] === 'string' ? (cfg['activation'] as string) : undefined;
    const zero = row.zero ?? (act === undefined || ZERO_PRESERVING.has(act));
    spec = { className, kind: row.kind, channels: row.channels, follower: row.follower ?? false, zeroPreserving: zero, weights: row.weights ?? {} };
    if (SPATIAL_KINDS.has(row.kind) && !channelsLast(cfg)) spec = unknown();
    // A depth multiplier m > 1 gives each input channel m output channels: not a channel-for-channel layer.
    else if ((row.kind === 'depthwise-conv2d' || row.kind === 'separable-conv2d') && (cfg['depthMultiplier'] ?? 1) !== 1) spec = unknown();
    else if (row.kind === 'reshape') spec = reshapeSpec(layer, spec) ?? unknown();
    else if ((row.kind === 'batch-norm' || row.kind === 'concat') && !lastAxis(cfg['axis'], inputRank) && inputRank !== undefined) spec = unknown();
    else if (row.kind === 'activation' && act === 'softmax') spec = { ...spec, kind: 'softmax', channels: 'mix', follower: false, zeroPreserving: false };
    else if (isWeightKind(row.kind) && act === 'softmax') spec = { ...spec, zeroPreserving: false };
  }
  if (inputRank === undefined) specCache.set(layer, spec);
  return spec;
}

/** The kinds of the weight layers that carry neurons (their own output channels). */
export type WeightKind = 'dense' | 'conv2d' | 'separable-conv2d';

/** True for the weight layers that carry neurons (Dense, channels-last Conv2D and SeparableConv2D). */
export function isWeightKind(kind: LayerKind): kind is WeightKind {
  return kind === 'dense' || kind === 'conv2d' || kind === 'separable-conv2d';
}

/** The short name of a weight ("conv1/kernel" -> "kernel"), the key of LayerSpec.weights. */
export function weightShortName(originalName: string): string {
  return originalName.slice(originalName.lastIndexOf('/') + 1);
}

/**
 * The model's layers of a kind, in model order (e.g. every dropout layer, whose seed the training loop redraws).
 *
 * @example
 * layersOfKind(model, 'dropout').length; // 1 for lenet5
 */
export function layersOfKind(model: tf.LayersModel, kind: LayerKind): tf.layers.Layer[] {
  return model.layers.filter((l) => layerSpec(l).kind === kind);
}

/** The layer classes of the table (the architecture test scans for these names outside graph/). */
export const KNOWN_LAYER_CLASSES: readonly string[] = Object.keys(TABLE);
