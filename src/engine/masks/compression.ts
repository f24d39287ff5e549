/**
 * Exact compression rate of a neuron mask (docs/algorithm.md, "Applying a slice").
 *
 * CR = parameters that no longer influence the output / all parameters of the model. Every weight the layer table
 * gives axes to can be freed: Dense, Conv2D and SeparableConv2D kernels and biases, DepthwiseConv2D kernels and
 * biases, BatchNormalization's gamma, beta, moving mean and moving variance (all four count, because a stored model
 * needs all four; a masked channel frees all four). Any other weight counts in the total and is always live
 * (conservative).
 *
 * How influence is decided (structurally, on the layer graph; data-dependent effects such as a ReLU that never
 * fires are ignored): masking neuron j of a site zeroes channel j of the site's read tensor. Two flags are
 * propagated per channel (last axis) of every tensor:
 * - dead (forward, graph/dead-channels.ts): the channel is identically zero. Zero stays zero through pooling,
 *   padding, dropout, reshapes, Flatten (channels-last: flat index i belongs to channel i % C) and zero-preserving
 *   activations (relu, relu6, tanh, elu, ...); BatchNormalization and sigmoid-like activations turn zero into a
 *   constant, which is live; Add/Average/Maximum/Minimum are dead only where ALL inputs are dead (a residual shortcut
 *   keeps a masked channel alive); Multiply where ANY input is dead; weight layer outputs only with no bias and all
 *   inputs dead. A depthwise filter's channel whose input is dead is zeroed at the filter's read point (after its
 *   BatchNormalization and activation): the filter goes with its input channel.
 * - reach (backward): the channel can change the output. The output reaches; a masked or zeroed channel does not;
 *   weight layers mix channels (any reaching output -> every input reaches); per-channel layers keep the channel.
 * A weight entry influences the output iff its output channel reaches (for a weight without an output axis, such
 * as a SeparableConv2D's depthwise kernel: any output of the layer reaches) and its input channel (if it has an
 * input axis) is not dead. So a masked neuron loses its incoming kernel column, bias and BN parameters, the depthwise
 * filters that read only it, and the next weight layer(s) lose its outgoing rows, including the classifier's.
 * Unknown layers without weights are treated as mixing every channel (conservative: nothing is freed through them).
 */
import type * as tf from '@tensorflow/tfjs';
import { deadChannels, modelGraph, weightShortName, type ChannelRole, type GraphStep, type WeightAxes } from '../graph/index.js';

/** Per-layer breakdown of a compression rate. */
export interface LayerCompression {
  layer: string;
  className: string;
  total: number;
  removed: number;
}

export interface CompressionReport {
  /** removed / total, in [0, 1]. */
  rate: number;
  removed: number;
  total: number;
  layers: LayerCompression[];
}

/** Per channel (last axis) of a graph tensor: 1 where it is identically zero (dead), 1 where it can change the output (reach). */
export interface ChannelFlags { dead: Uint8Array; reach: Uint8Array }

/** Backward: each input's reach contribution from the step's output reach. */
function backwardReach(role: ChannelRole, outReach: Uint8Array, inLens: number[]): Uint8Array[] {
  const any = outReach.some((x) => x === 1) ? 1 : 0;
  switch (role) {
    case 'filter': case 'bn': case 'act': case 'identity': case 'mergeAll': case 'multiply':
      return inLens.map((n) => Uint8Array.from({ length: n }, (_, j) => outReach[j]!));
    case 'flatten': {
      const r = new Uint8Array(inLens[0]!);
      outReach.forEach((x, i) => { if (x) r[i % r.length] = 1; });
      return [r];
    }
    case 'concat': {
      let k = 0;
      return inLens.map((n) => { const r = outReach.slice(k, k + n); k += n; return r; });
    }
    default: return inLens.map((n) => new Uint8Array(n).fill(any)); // weight, mixing
  }
}

/**
 * Whether the entries of one weight influence the output, per (own channel, input channel) pair: the one rule
 * compression accounting counts with and surgery cuts with. `own` are the flags of the step's output tensor (whose
 * reach a per-channel layer's own channels share), `input` those of its input tensor.
 */
export function weightLiveness(axes: WeightAxes, own: ChannelFlags, input: ChannelFlags): (o: number, i: number) => boolean {
  if (axes.out === undefined && axes.in === undefined) return () => true;
  const anyReach = own.reach.some((x) => x === 1);
  return (o, i) => (axes.out === undefined ? anyReach : own.reach[o] === 1) && (axes.in === undefined || input.dead[i] === 0);
}

/** Entries of a weight of `shape` that `live` keeps, with its out and in axes (either may be absent; they may coincide). */
function liveEntries(shape: number[], axes: WeightAxes, live: (o: number, i: number) => boolean): number {
  const size = shape.reduce((a, b) => a * b, 1);
  if (axes.out === undefined && axes.in === undefined) return size;
  const norm = (a: number | undefined) => (a === undefined ? undefined : (a + shape.length) % shape.length);
  const oa = norm(axes.out), ia = norm(axes.in);
  const oLen = oa === undefined ? 1 : shape[oa]!;
  const iLen = ia === undefined ? 1 : shape[ia]!;
  let pairs = 0;
  if (oa !== undefined && oa === ia) {
    for (let c = 0; c < oLen; c++) if (live(c, c)) pairs++;
    return pairs * (size / oLen);
  }
  for (let o = 0; o < oLen; o++) for (let i = 0; i < iLen; i++) if (live(o, i)) pairs++;
  return pairs * (size / (oLen * iLen));
}

/** Parameters of a step and how many still influence the output (a layer that mixes every channel keeps all). */
function layerParams(step: GraphStep, role: ChannelRole, input: ChannelFlags, own: ChannelFlags): LayerCompression {
  let total = 0, live = 0;
  for (const w of step.layer.weights) {
    const shape = w.shape.map((d) => d ?? 1);
    const axes = role === 'mixing' ? {} : step.spec.weights[weightShortName(w.originalName)] ?? {};
    total += shape.reduce((a, b) => a * b, 1);
    live += liveEntries(shape, axes, weightLiveness(axes, own, input));
  }
  return { layer: step.layer.name, className: step.className, total, removed: total - live };
}

function propagate(model: tf.LayersModel, mask: Record<string, Float32Array>): { flags: Map<number, ChannelFlags>; roles: Map<GraphStep, ChannelRole> } {
  const g = modelGraph(model);
  const d = deadChannels(model, mask);
  const flags = new Map<number, ChannelFlags>();
  for (const [id, dead] of d.dead) flags.set(id, { dead, reach: new Uint8Array(dead.length) });
  for (const id of g.outputIds) flags.get(id)!.reach.fill(1);
  for (const s of [...g.steps].reverse()) {
    const out = flags.get(s.outputIds[0]!)!;
    d.zeroed.get(s.outputIds[0]!)?.forEach((v, j) => { if (v) out.reach[j] = 0; });
    const contrib = backwardReach(d.roles.get(s)!, out.reach, s.inputIds.map((i) => d.width.get(i)!));
    s.inputIds.forEach((i, k) => { const r = flags.get(i)!.reach; contrib[k]!.forEach((x, j) => { r[j]! |= x; }); });
  }
  return { flags, roles: d.roles };
}

/**
 * The dead/reach flags of every graph tensor (by symbolic id) under a neuron mask: the same flags that
 * compressionReport counts with, so surgery and per-weight masks agree with it exactly.
 *
 * @example
 * const flags = channelFlags(model, { fc1: Float32Array.from([1, 0, 1]) });
 * flags.get(siteReads(model)[0]!.tensorId)!.dead; // Uint8Array [0, 1, 0]
 */
export function channelFlags(model: tf.LayersModel, mask: Record<string, Float32Array>): Map<number, ChannelFlags> {
  return propagate(model, mask).flags;
}

/**
 * Exact compression rate of a neuron mask (site -> 0/1 per neuron; sites not named are fully kept), with a
 * per-layer breakdown. See the module comment for the rules.
 *
 * @example
 * compressionReport(model, { fc1: Float32Array.from([1, 0, 1]) }); // { rate: 7 / 23, removed: 7, total: 23, layers }
 */
export function compressionReport(model: tf.LayersModel, mask: Record<string, Float32Array>): CompressionReport {
  const g = modelGraph(model);
  const { flags, roles } = propagate(model, mask);
  const layers = g.steps
    .map((s) => layerParams(s, roles.get(s)!, flags.get(s.inputIds[0]!)!, flags.get(s.outputIds[0]!)!))
    .filter((l) => l.total > 0);
  const total = layers.reduce((a, l) => a + l.total, 0);
  const removed = layers.reduce((a, l) => a + l.removed, 0);
  return { rate: total ? removed / total : 0, removed, total, layers };
}

/**
 * Compression rate of a mask in [0, 1] (compressionReport(...).rate).
 *
 * @example
 * const cr = compressionRate(model, slice.mask());
 */
export function compressionRate(model: tf.LayersModel, mask: Record<string, Float32Array>): number {
  return compressionReport(model, mask).rate;
}
