/**
 * Exact compression rate of a neuron mask (docs/algorithm.md, "Applying a slice").
 *
 * CR = parameters of the weight layers that no longer influence the output / all parameters of those layers.
 * Weight layers: Dense and Conv2D (kernel, bias) and BatchNormalization (gamma, beta, moving mean, moving
 * variance: all four count, because a stored model needs all four; a masked channel frees all four). Any other
 * layer with weights counts in the total and is always live (conservative).
 *
 * How influence is decided (structurally, on the layer graph; data-dependent effects such as a ReLU that never
 * fires are ignored): masking neuron j of a site zeroes channel j of the site's read tensor. Two flags are
 * propagated per channel (last axis) of every tensor:
 * - dead (forward): the channel is identically zero. Zero stays zero through pooling, padding, dropout, Flatten
 *   (channels-last: flat index i belongs to channel i % C) and zero-preserving activations (relu, tanh, elu, ...);
 *   BatchNormalization and sigmoid-like activations turn zero into a constant, which is live; Add/Average/Maximum/
 *   Minimum are dead only where ALL inputs are dead (a residual shortcut keeps a masked channel alive);
 *   Multiply where ANY input is dead; Dense/Conv2D outputs are dead only with no bias and all inputs dead.
 * - reach (backward): the channel can change the output. The output reaches; a masked channel does not; Dense and
 *   Conv2D mix channels (any reaching output -> every input reaches); per-channel layers keep the channel.
 * A kernel entry influences the output iff its input channel is not dead and its output channel reaches; a bias
 * or BatchNormalization parameter iff its channel reaches. So a masked neuron loses its incoming kernel column,
 * bias and BN parameters, and the next weight layer(s) lose its outgoing rows, including the classifier's.
 * Unknown layers without weights are treated as mixing every channel (conservative: nothing is freed through them).
 */
import type * as tf from '@tensorflow/tfjs';
import { layerSpec, modelGraph, siteReads, type GraphStep } from '../graph/index.js';

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

interface Flags { dead: Uint8Array; reach: Uint8Array }

function config(step: GraphStep): Record<string, unknown> {
  return step.layer.getConfig() as Record<string, unknown>;
}

function outShape(step: GraphStep): number[] {
  const s = (step.layer as unknown as { outputShape: Array<number | null> | Array<Array<number | null>> }).outputShape;
  const one = (Array.isArray(s[0]) ? s[0] : s) as Array<number | null>;
  return one.map((d) => d ?? 1);
}

type Kind = 'weight' | 'bn' | 'act' | 'identity' | 'flatten' | 'mergeAll' | 'multiply' | 'concat' | 'mixing';

/** The accounting role of a step, from its row of the layer table. */
function kindOf(step: GraphStep, inRanks: number[]): Kind {
  const spec = layerSpec(step.layer, inRanks[0]);
  switch (spec.kind) {
    case 'dense': case 'conv2d': return 'weight';
    case 'batch-norm': return 'bn';
    case 'activation': return 'act';
    case 'dropout': case 'max-pool': case 'avg-pool': case 'global-pool': case 'spatial': return 'identity';
    case 'flatten': return 'flatten';
    case 'merge': return 'mergeAll';
    case 'multiply': return 'multiply';
    case 'concat': return 'concat';
    default: return 'mixing';
  }
}

function zeroPreserving(step: GraphStep): boolean {
  return step.spec.zeroPreserving;
}

/** Forward: the dead flags of a step's output from its inputs' flags. */
function forwardDead(step: GraphStep, kind: Kind, ins: Uint8Array[], outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
  const all = (a: Uint8Array) => a.every((x) => x === 1);
  switch (kind) {
    case 'weight': {
      const dead = config(step)['useBias'] === false && all(ins[0]!) && zeroPreserving(step);
      return out.fill(dead ? 1 : 0);
    }
    case 'act': return zeroPreserving(step) ? out.fill(0).map((_, j) => ins[0]![j]!) : out;
    case 'identity': return out.map((_, j) => ins[0]![j]!);
    case 'flatten': return out.map((_, i) => ins[0]![i % ins[0]!.length]!);
    case 'mergeAll': return out.map((_, j) => (ins.every((d) => d[j] === 1) ? 1 : 0));
    case 'multiply': return out.map((_, j) => (ins.some((d) => d[j] === 1) ? 1 : 0));
    case 'concat': { let k = 0; for (const d of ins) for (const x of d) out[k++] = x; return out; }
    default: return out; // bn, mixing: live constants at worst
  }
}

/** Backward: each input's reach contribution from the step's output reach. */
function backwardReach(kind: Kind, outReach: Uint8Array, inLens: number[]): Uint8Array[] {
  const any = outReach.some((x) => x === 1) ? 1 : 0;
  switch (kind) {
    case 'bn': case 'act': case 'identity': case 'mergeAll': case 'multiply':
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

function count(a: Uint8Array, v: number): number {
  let n = 0;
  for (const x of a) if (x === v) n++;
  return n;
}

/** Parameters of a step and how many still influence the output. */
function layerParams(step: GraphStep, kind: Kind, inF: Flags[], outF: Flags): LayerCompression {
  const sizes = step.layer.weights.map((w) => w.shape.reduce<number>((a, b) => a * (b ?? 1), 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  let live = total;
  const reachOut = count(outF.reach, 1);
  if (kind === 'weight') {
    const cfg = config(step);
    const spatial = step.spec.kind === 'conv2d' ? (cfg['kernelSize'] as number[]).reduce((a, b) => a * b, 1) : 1;
    const aliveIn = count(inF[0]!.dead, 0);
    live = spatial * aliveIn * reachOut + (cfg['useBias'] === false ? 0 : reachOut);
  } else if (kind === 'bn') {
    live = sizes.length * reachOut;
  }
  return { layer: step.layer.name, className: step.className, total, removed: total - live };
}

function propagate(model: tf.LayersModel, mask: Record<string, Float32Array>): { flags: Map<number, Flags>; kinds: Map<GraphStep, Kind> } {
  const g = modelGraph(model);
  const masked = new Map<number, Float32Array>();
  for (const r of siteReads(model)) if (mask[r.site.name]) masked.set(r.tensorId, mask[r.site.name]!);
  const lastDim = new Map<number, number>([[g.inputIds[0]!, (g.inputShape.at(-1) ?? 1) || 1]]);
  for (const s of g.steps) s.outputIds.forEach((id) => lastDim.set(id, outShape(s).at(-1)!));
  const rank = new Map<number, number>([[g.inputIds[0]!, g.inputShape.length + 1]]);
  for (const s of g.steps) s.outputIds.forEach((id) => rank.set(id, outShape(s).length));
  const flags = new Map<number, Flags>();
  const get = (id: number): Flags => {
    let f = flags.get(id);
    if (!f) { f = { dead: new Uint8Array(lastDim.get(id)!), reach: new Uint8Array(lastDim.get(id)!) }; flags.set(id, f); }
    return f;
  };
  const kinds = new Map<GraphStep, Kind>();
  get(g.inputIds[0]!);
  for (const s of g.steps) {
    const kind = kindOf(s, s.inputIds.map((id) => rank.get(id)!));
    kinds.set(s, kind);
    const id = s.outputIds[0]!;
    const out = get(id);
    out.dead = forwardDead(s, kind, s.inputIds.map((i) => get(i).dead), lastDim.get(id)!);
    const m = masked.get(id);
    if (m) m.forEach((v, j) => { if (v === 0) out.dead[j] = 1; });
  }
  for (const id of g.outputIds) get(id).reach.fill(1);
  const steps = [...g.steps].reverse();
  for (const s of steps) {
    const out = get(s.outputIds[0]!);
    const m = masked.get(s.outputIds[0]!);
    if (m) m.forEach((v, j) => { if (v === 0) out.reach[j] = 0; });
    const contrib = backwardReach(kinds.get(s)!, out.reach, s.inputIds.map((i) => lastDim.get(i)!));
    s.inputIds.forEach((i, k) => { const r = get(i).reach; contrib[k]!.forEach((x, j) => { r[j]! |= x; }); });
  }
  return { flags, kinds };
}

/** Per channel (last axis) of a graph tensor: 1 where it is identically zero (dead), 1 where it can change the output (reach). */
export interface ChannelFlags { dead: Uint8Array; reach: Uint8Array }

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
  const { flags, kinds } = propagate(model, mask);
  const get = (id: number): Flags => flags.get(id)!;
  const layers = g.steps
    .map((s) => layerParams(s, kinds.get(s)!, s.inputIds.map((i) => get(i)), get(s.outputIds[0]!)))
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
