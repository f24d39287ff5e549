/**
 * Which channels of every graph tensor survive neuron removal. A channel is needed where it is not identically
 * zero and can still change the output (compression accounting's dead/reach flags). Tensors tied channel by channel
 * (a per-channel layer's input and output, a depthwise filter's, every input and the output of an Add) form one
 * channel space that must
 * keep the same channels, so a space keeps a channel when ANY member needs it (a residual Add keeps a channel if any
 * joined site needs it). Flatten's output space is its input space expanded channels-last (flat i -> channel i % C).
 * Spaces touching the model input, the output, a Concatenate or a layer outside the table keep everything.
 */
import type * as tf from '@tensorflow/tfjs';
import { deadChannels, isWeightKind, keepsChannels, logitsSource, modelGraph, type ChannelRole, type GraphStep } from '../graph/index.js';
import { channelFlags, type ChannelFlags } from '../masks/compression.js';
import { fail } from '../messages/index.js';

export interface ChannelPlan {
  /** Per tensor id: 1 where the channel is kept in the smaller model. */
  keep: Map<number, Uint8Array>;
  /** Per tensor id: compression accounting's dead/reach flags (used to zero what is kept only for a join). */
  flags: Map<number, ChannelFlags>;
  /** How each step moves channels (graph/dead-channels.ts). */
  roles: Map<GraphStep, ChannelRole>;
  /** Per read point where the masked model forces channels to zero (masked neurons, filters of masked inputs): 1 there. */
  zeroed: Map<number, Uint8Array>;
}

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(a: number): number {
    let p = this.parent.get(a) ?? a;
    if (p !== a) { p = this.find(p); this.parent.set(a, p); }
    return p;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/** The kept channels of every tensor of the model's graph under a neuron mask. */
export function channelPlan(model: tf.LayersModel, mask: Record<string, Float32Array>): ChannelPlan {
  const g = modelGraph(model);
  const flags = channelFlags(model, mask);
  const { roles, zeroed } = deadChannels(model, mask);
  const uf = new UnionFind();
  const full = new Set<number>();
  for (const s of g.steps) {
    const role = roles.get(s)!;
    if (keepsChannels(role)) for (const id of s.inputIds) uf.union(s.outputIds[0]!, id);
    else if (role !== 'weight' && role !== 'flatten') {
      // Concatenate, softmax and unknown layers: their channels are not cut.
      for (const id of [...s.inputIds, ...s.outputIds]) full.add(id);
    }
  }
  for (const id of [...g.inputIds, ...g.outputIds, logitsSource(model).tensorId]) full.add(id);
  const spaceKeep = new Map<number, Uint8Array>();
  const spaceFull = new Set([...full].map((id) => uf.find(id)));
  for (const [id, f] of flags) {
    const root = uf.find(id);
    let k = spaceKeep.get(root);
    if (!k) { k = new Uint8Array(f.dead.length); spaceKeep.set(root, k); }
    if (k.length !== f.dead.length) throw fail('SURGERY_FAILED', { case: 'mixed-channels', tensor: id, channels: [k.length, f.dead.length] });
    for (let j = 0; j < k.length; j++) if (f.dead[j] === 0 && f.reach[j] === 1) k[j] = 1;
  }
  for (const root of spaceFull) spaceKeep.get(root)?.fill(1);
  // Flatten outputs follow their input space (topological order, so chains of spaces resolve in one pass).
  for (const s of g.steps) {
    if (roles.get(s) !== 'flatten') continue;
    const src = spaceKeep.get(uf.find(s.inputIds[0]!))!;
    const dst = spaceKeep.get(uf.find(s.outputIds[0]!))!;
    for (let i = 0; i < dst.length; i++) {
      const want = src[i % src.length]!;
      if (dst[i] === 1 && want === 0) throw fail('SURGERY_FAILED', { case: 'flatten', layer: s.layer.name });
      dst[i] = want;
    }
  }
  const keep = new Map<number, Uint8Array>();
  for (const id of flags.keys()) keep.set(id, spaceKeep.get(uf.find(id))!);
  return { keep, flags, roles, zeroed };
}


/** Indices where a 0/1 array is 1. */
export function keptIndices(a: Uint8Array): number[] {
  const out: number[] = [];
  a.forEach((v, i) => { if (v === 1) out.push(i); });
  return out;
}

/** The step's own output channels (a weight layer) or, for a per-channel layer, its input's. */
export function ownChannelsTensor(step: GraphStep): number {
  return isWeightKind(step.spec.kind) ? step.outputIds[0]! : step.inputIds[0]!;
}
