/**
 * Which channels (last axis) of every graph tensor are identically zero under a neuron mask, decided structurally on
 * the layer graph (a ReLU that never fires is not looked at). The executor, compression accounting, per-weight masks
 * and surgery all read channels through the role a layer plays here, so they agree on what a masked neuron takes
 * with it.
 *
 * Forward rules: a masked neuron is zero at its site's read point. Zero stays zero through pooling, padding,
 * dropout, reshapes, Flatten (channels-last: flat index i belongs to channel i % C) and zero-preserving activations;
 * BatchNormalization and sigmoid-like activations turn it into a constant (live); Add/Average/Maximum/Minimum are
 * zero only where every input is; Multiply where any is; a weight layer's output only with no bias and every input
 * zero. A per-channel filter (DepthwiseConv2D) whose input channel is zero is taken out with it: the masked model
 * reads 0 for that channel at the filter's read point (after its BatchNormalization and activation), so the filter,
 * its bias and its followers' parameters for that channel no longer count.
 */
import type * as tf from '@tensorflow/tfjs';
import { layerSpec } from './layer-kinds.js';
import { modelGraph, type GraphStep } from './model-graph.js';
import { filterReads, siteReads } from './sites.js';

/** How a layer moves channels, for the dead/reach flags (from its row of the layer table). */
export type ChannelRole =
  /** Dense, Conv2D, SeparableConv2D: own neurons, every input channel mixed in. */
  | 'weight'
  /** DepthwiseConv2D: channel j filtered with its own kernel and bias. */
  | 'filter'
  | 'bn'
  | 'act'
  /** Channel j in, channel j out, zero stays zero (pools, padding, dropout, reshapes). */
  | 'identity'
  | 'flatten'
  /** Add, Average, Maximum, Minimum. */
  | 'mergeAll'
  | 'multiply'
  | 'concat'
  /** Anything else: every output depends on every input channel. */
  | 'mixing';

/** The role of a step; `inputRank` (with batch axis) resolves a BatchNormalization or Concatenate axis. */
export function channelRole(step: GraphStep, inputRank?: number): ChannelRole {
  switch (layerSpec(step.layer, inputRank).kind) {
    case 'dense': case 'conv2d': case 'separable-conv2d': return 'weight';
    case 'depthwise-conv2d': return 'filter';
    case 'batch-norm': return 'bn';
    case 'activation': return 'act';
    case 'dropout': case 'max-pool': case 'avg-pool': case 'global-pool': case 'spatial': case 'reshape': return 'identity';
    case 'flatten': return 'flatten';
    case 'merge': return 'mergeAll';
    case 'multiply': return 'multiply';
    case 'concat': return 'concat';
    default: return 'mixing';
  }
}

/** True for the roles whose output channel j is their input channel j (one channel space). */
export function keepsChannels(role: ChannelRole): boolean {
  return role === 'filter' || role === 'bn' || role === 'act' || role === 'identity' || role === 'mergeAll' || role === 'multiply';
}

/**
 * The role of every step of a model's graph, with BatchNormalization and Concatenate axes resolved on the ranks of
 * their inputs (cached per model).
 *
 * @example
 * const roles = channelRoles(model);
 * modelGraph(model).steps.map((s) => roles.get(s)); // ['weight', 'bn', 'act', 'filter', ...]
 */
export function channelRoles(model: tf.LayersModel): Map<GraphStep, ChannelRole> {
  const hit = roleCache.get(model);
  if (hit) return hit;
  const g = modelGraph(model);
  const rank = new Map<number, number>([[g.inputIds[0]!, g.inputShape.length + 1]]);
  for (const s of g.steps) for (const id of s.outputIds) rank.set(id, outShape(s).length);
  const roles = new Map(g.steps.map((s) => [s, channelRole(s, rank.get(s.inputIds[0]!))]));
  roleCache.set(model, roles);
  return roles;
}

const roleCache = new WeakMap<tf.LayersModel, Map<GraphStep, ChannelRole>>();

/** The channel analysis of a model under a mask. */
export interface DeadChannels {
  /** Channels (last axis) of every graph tensor. */
  width: Map<number, number>;
  roles: Map<GraphStep, ChannelRole>;
  /** Per tensor, 1 where the channel is identically zero. */
  dead: Map<number, Uint8Array>;
  /**
   * Per read point where the masked model forces channels to zero (a site's masked neurons; a filter's channels
   * whose input is zero), 1 where it does. Nothing upstream reaches the output through a zeroed channel.
   */
  zeroed: Map<number, Uint8Array>;
}

function outShape(step: GraphStep): number[] {
  const s = (step.layer as unknown as { outputShape: Array<number | null> | Array<Array<number | null>> }).outputShape;
  const one = (Array.isArray(s[0]) ? s[0] : s) as Array<number | null>;
  return one.map((d) => d ?? 1);
}

function usesBias(step: GraphStep): boolean {
  return (step.layer.getConfig() as { useBias?: boolean }).useBias !== false;
}

/** The dead flags of a step's output from its inputs'. */
function forwardDead(step: GraphStep, role: ChannelRole, ins: Uint8Array[], outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
  const all = (a: Uint8Array) => a.every((x) => x === 1);
  switch (role) {
    case 'weight': return out.fill(!usesBias(step) && all(ins[0]!) && step.spec.zeroPreserving ? 1 : 0);
    case 'filter': return !usesBias(step) && step.spec.zeroPreserving ? out.map((_, j) => ins[0]![j]!) : out;
    case 'act': return step.spec.zeroPreserving ? out.map((_, j) => ins[0]![j]!) : out;
    case 'identity': return out.map((_, j) => ins[0]![j]!);
    case 'flatten': return out.map((_, i) => ins[0]![i % ins[0]!.length]!);
    case 'mergeAll': return out.map((_, j) => (ins.every((d) => d[j] === 1) ? 1 : 0));
    case 'multiply': return out.map((_, j) => (ins.some((d) => d[j] === 1) ? 1 : 0));
    case 'concat': { let k = 0; for (const d of ins) for (const x of d) out[k++] = x; return out; }
    default: return out; // bn, mixing: live constants at worst
  }
}

/**
 * The dead channels of every graph tensor of `model` under a neuron mask (site -> 0/1 per neuron; 0 = masked;
 * sites not named are kept whole), and where the masked model zeroes channels. See the module comment.
 *
 * @example
 * const d = deadChannels(model, { stem: Float32Array.from([1, 0, 1, 1]) });
 * d.dead.get(siteReads(model)[0]!.tensorId); // Uint8Array [0, 1, 0, 0]
 */
export function deadChannels(model: tf.LayersModel, mask: Record<string, ArrayLike<number>>): DeadChannels {
  const g = modelGraph(model);
  const zeroAt = new Map<number, ArrayLike<number>>();
  for (const r of siteReads(model)) {
    const m = mask[r.site.name];
    if (m) zeroAt.set(r.tensorId, Uint8Array.from({ length: m.length }, (_, j) => (m[j] === 0 ? 1 : 0)));
  }
  const filterAt = new Map(filterReads(model).map((f) => [f.tensorId, f.inputId]));
  const inputId = g.inputIds[0]!;
  const width = new Map<number, number>([[inputId, (g.inputShape.at(-1) ?? 1) || 1]]);
  for (const s of g.steps) for (const id of s.outputIds) width.set(id, outShape(s).at(-1)!);
  const roles = channelRoles(model);
  const dead = new Map<number, Uint8Array>([[inputId, new Uint8Array(width.get(inputId)!)]]);
  const zeroed = new Map<number, Uint8Array>();
  for (const s of g.steps) {
    const id = s.outputIds[0]!;
    const out = forwardDead(s, roles.get(s)!, s.inputIds.map((i) => dead.get(i)!), width.get(id)!);
    const filterInput = filterAt.get(id);
    const z = zeroAt.get(id) ?? (filterInput !== undefined ? dead.get(filterInput)! : undefined);
    if (z) {
      const flags = Uint8Array.from({ length: out.length }, (_, j) => (z[j] === 1 ? 1 : 0));
      zeroed.set(id, flags);
      flags.forEach((v, j) => { if (v) out[j] = 1; });
    }
    dead.set(id, out);
  }
  return { width, roles, dead, zeroed };
}
