/**
 * Per-weight masks derived from neuron masks. For every weight variable of every layer, the layer table says along
 * which axis its output neurons (`out`) and its input channels (`in`) lie; tracing the graph says which site neuron
 * (or model input channel, or non-site layer unit such as a logit) each of those entries belongs to. A rule then
 * turns "is this end critical?" into a 0/1 value per weight entry.
 *
 * Tracing (per channel = last axis of a tensor, by the roles of graph/dead-channels.ts): a weight layer's output
 * channel j is that layer's neuron j; per-channel layers (BatchNormalization, activations, dropout, pooling,
 * padding, reshapes, depthwise filters) keep the channel; Flatten
 * (channels-last) maps flat index i to channel i % C; Add/Average/Maximum/Minimum/Multiply join channel j of every
 * input (the joined channel belongs to all of their neurons); Concatenate lays channels end to end; anything else
 * mixes every input channel (conservative). A channel is critical when ANY neuron it belongs to is critical (the
 * same "kept if any joined site needs it" rule as surgery); model inputs and non-site units are always critical.
 *
 * Used by re-adaptation (train only what feeds critical neurons), incremental development (freeze weights whose
 * both ends are critical) and pruning (seeded masks).
 */
import type * as tf from '@tensorflow/tfjs';
import { channelRoles, isWeightKind, modelGraph, siteReads, weightShortName, type ChannelRole, type GraphStep } from '../graph/index.js';
import { unknownNameError } from '../messages/index.js';
import type { NeuronMask } from './neuron-mask.js';

/** Where a channel comes from. */
export type ChannelOrigin =
  | { kind: 'site'; site: string; neuron: number }
  | { kind: 'input'; channel: number }
  /** A unit of a weight layer that is not a site (the classifier: a logit). */
  | { kind: 'layer'; layer: string; neuron: number };

/** One weight variable with the origin of every entry along its out and in axes. */
export interface WeightEnds {
  /** The weight's name as in model.weights[i].originalName ("conv1/kernel"). */
  name: string;
  layer: string;
  shape: number[];
  /** Axis (non-negative) along which output neurons lie, and per index their origins. */
  outAxis?: number;
  out?: ChannelOrigin[][];
  /** Axis (non-negative) along which input channels lie, and per index their origins. */
  inAxis?: number;
  in?: ChannelOrigin[][];
  /**
   * For a weight with input channels but no output axis (a SeparableConv2D's depthwise kernel, which feeds every
   * neuron of its layer): the origins of all of the layer's neurons, its one output end.
   */
  owners?: ChannelOrigin[];
}

/** What a rule sees of one end of a weight entry. */
export interface EndInfo {
  critical: boolean;
  origins: readonly ChannelOrigin[];
}

/**
 * How to turn ends into a mask value:
 * - `critical-incoming`: 1 for the entries owned by a critical site neuron (its incoming kernel column, bias, BN
 *   parameters), whatever their input; 0 elsewhere, including the classifier (re-adaptation trains these).
 * - `both-ends-critical`: 1 where the output end is critical and the input end (if the weight has one) is critical;
 *   inputs and the classifier's units count as critical (incremental development freezes these).
 * - a function of (out, in) for anything else; `in` is undefined for weights without an input axis.
 */
export type WeightRule = 'critical-incoming' | 'both-ends-critical' | ((out: EndInfo, inp: EndInfo | undefined) => boolean);

/** The origins of every channel of every graph tensor (by symbolic id). */
export function channelOrigins(model: tf.LayersModel): Map<number, ChannelOrigin[][]> {
  const g = modelGraph(model);
  const siteNames = new Set(siteReads(model).map((r) => r.site.name));
  const roles = channelRoles(model);
  const origins = new Map<number, ChannelOrigin[][]>();
  const inC = Number(g.inputShape.at(-1) ?? 1) || 1;
  origins.set(g.inputIds[0]!, Array.from({ length: inC }, (_, c) => [{ kind: 'input', channel: c }]));
  for (const s of g.steps) {
    const ins = s.inputIds.map((id) => origins.get(id)!);
    origins.set(s.outputIds[0]!, stepOrigins(s, roles.get(s)!, ins, siteNames));
  }
  return origins;
}

function outChannels(step: GraphStep): number {
  const s = (step.layer as unknown as { outputShape: Array<number | null> | Array<Array<number | null>> }).outputShape;
  const one = (Array.isArray(s[0]) ? s[0] : s) as Array<number | null>;
  return one.at(-1) ?? 1;
}

function union(lists: ChannelOrigin[][]): ChannelOrigin[] {
  const seen = new Set<string>();
  const out: ChannelOrigin[] = [];
  for (const l of lists) for (const o of l) {
    const k = JSON.stringify(o);
    if (!seen.has(k)) { seen.add(k); out.push(o); }
  }
  return out;
}

function stepOrigins(s: GraphStep, role: ChannelRole, ins: ChannelOrigin[][][], sites: Set<string>): ChannelOrigin[][] {
  const n = outChannels(s);
  const name = s.layer.name;
  switch (role) {
    case 'weight':
      return Array.from({ length: n }, (_, j) => [sites.has(name) ? { kind: 'site', site: name, neuron: j } : { kind: 'layer', layer: name, neuron: j }]);
    case 'filter': case 'bn': case 'act': case 'identity':
      return ins[0]!.slice(0, n);
    case 'mergeAll': case 'multiply':
      return Array.from({ length: n }, (_, j) => union(ins.map((i) => i[j] ?? [])));
    case 'flatten': {
      const c = ins[0]!.length;
      return Array.from({ length: n }, (_, i) => ins[0]![i % c]!);
    }
    case 'concat': return ins.flat();
    default: {
      // Mixes every input channel: one shared origin list for all outputs.
      const all = union(ins.flat());
      return Array.from({ length: n }, () => all);
    }
  }
}

/**
 * Every weight variable of the model with the origin of each out-axis and in-axis entry (weights the layer table
 * gives no axes for have neither).
 *
 * @example
 * const k = weightEnds(model).find((w) => w.name === 'fc1/kernel')!;
 * k.out![3];  // [{ kind: 'site', site: 'fc1', neuron: 3 }]
 * k.in![10];  // for lenet5: [{ kind: 'site', site: 'conv2', neuron: 10 % 16 }]
 */
export function weightEnds(model: tf.LayersModel): WeightEnds[] {
  const g = modelGraph(model);
  const origins = channelOrigins(model);
  const out: WeightEnds[] = [];
  for (const s of g.steps) {
    for (const w of s.layer.weights) {
      const shape = w.shape.map((d) => d ?? 1);
      const axes = s.spec.weights[weightShortName(w.originalName)] ?? {};
      const e: WeightEnds = { name: w.originalName, layer: s.layer.name, shape };
      // The weight's own output channels: a weight layer's output tensor, or the per-channel input of a BN or filter.
      const own = isWeightKind(s.spec.kind) ? origins.get(s.outputIds[0]!)! : origins.get(s.inputIds[0]!)!;
      if (axes.out !== undefined) {
        e.outAxis = (axes.out + shape.length) % shape.length;
        e.out = own.slice(0, shape[e.outAxis]);
      } else if (axes.in !== undefined) e.owners = union(own); // e.g. a SeparableConv2D's depthwise kernel
      if (axes.in !== undefined) {
        e.inAxis = (axes.in + shape.length) % shape.length;
        e.in = origins.get(s.inputIds[0]!)!.slice(0, shape[e.inAxis]);
      }
      out.push(e);
    }
  }
  return out;
}

/** True when a channel with these origins is critical under the mask. */
export function isCritical(origins: readonly ChannelOrigin[], mask: NeuronMask): boolean {
  return origins.some((o) => o.kind !== 'site' || (mask[o.site]?.[o.neuron] ?? 1) !== 0);
}

function ruleFn(rule: WeightRule): (out: EndInfo | undefined, inp: EndInfo | undefined) => boolean {
  if (typeof rule === 'function') return (o, i) => (o ? rule(o, i) : false);
  if (rule === 'critical-incoming') return (o) => !!o && o.critical && o.origins.some((x) => x.kind === 'site');
  if (rule === 'both-ends-critical') return (o, i) => !!o && o.critical && (i === undefined || i.critical);
  throw unknownNameError('UNKNOWN_WEIGHT_RULE', 'weight-mask rule', String(rule), ['critical-incoming', 'both-ends-critical', 'a function (out, in) => boolean']);
}

/**
 * A 0/1 mask per weight variable (keyed by originalName, flattened in the weight's row-major order) from a neuron
 * mask and a rule; ready for train()'s `gradientMasks` (1 = may change) or, inverted, for freezing. A weight with
 * input channels but no out axis (a SeparableConv2D's depthwise kernel) is owned by all of its layer's neurons
 * (critical when any is); weights without axes in the layer table get all zeros (no neuron owns them).
 *
 * @example
 * const masks = weightMasksFor(model, slice.mask(), 'critical-incoming');
 * await train(model, newData, { gradientMasks: masks });     // only critical neurons' incoming weights change
 */
export function weightMasksFor(model: tf.LayersModel, neuronMask: NeuronMask, rule: WeightRule): Record<string, Float32Array> {
  const f = ruleFn(rule);
  const res: Record<string, Float32Array> = {};
  for (const w of weightEnds(model)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const m = new Float32Array(size);
    const outs = w.out ?? (w.owners ? [w.owners] : undefined);
    if (outs) {
      const outInfo = outs.map((o): EndInfo => ({ critical: isCritical(o, neuronMask), origins: o }));
      const inInfo = w.in?.map((o): EndInfo => ({ critical: isCritical(o, neuronMask), origins: o }));
      const stride = strides(w.shape);
      // Without an out axis the one owner end holds for every entry (stride larger than the weight: index 0).
      const oStride = w.outAxis === undefined ? size : stride[w.outAxis]!;
      const oLen = outs.length;
      const iStride = w.inAxis !== undefined ? stride[w.inAxis]! : 1;
      const iLen = w.inAxis !== undefined ? w.shape[w.inAxis]! : 1;
      // Decide each (out, in) pair once, then fill the entries.
      const table = new Uint8Array(oLen * iLen);
      for (let o = 0; o < oLen; o++) for (let i = 0; i < iLen; i++) table[o * iLen + i] = f(outInfo[o], inInfo?.[i]) ? 1 : 0;
      for (let k = 0; k < size; k++) {
        const o = Math.floor(k / oStride) % oLen;
        const i = inInfo ? Math.floor(k / iStride) % iLen : 0;
        m[k] = table[o * iLen + i]!;
      }
    }
    res[w.name] = m;
  }
  return res;
}

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1]! * shape[a + 1]!;
  return s;
}
