/**
 * Physical neuron removal: a new, smaller LayersModel of stock layers whose logits equal the masked model's.
 *
 * The layer config is rewritten (fewer Dense units / Conv2D filters; everything else infers its shape) and every
 * weight is cut along the axes the layer table gives it (`out`: the layer's own neurons; `in`: its input channels,
 * channels-last through Flatten). A channel that a residual Add keeps for another joined site but that is masked at
 * its own site is kept as zeros: its incoming column and bias (and BatchNormalization gamma/beta) are zeroed so the
 * site's read value is exactly 0, as in the masked model. Every kept entry that compression accounting counts as
 * removed is such a zero, and is reported (`retainedDead`), so that
 * `params(new) = params(original) - compressionReport.removed + retainedDead` holds exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { filterReads, isWeightKind, modelGraph, siteReads, weightShortName } from '../graph/index.js';
import { fail, unknownNameError } from '../messages/index.js';
import { strides } from '../masks/weight-masks.js';
import { weightLiveness } from '../masks/compression.js';
import { channelPlan, keptIndices, ownChannelsTensor, type ChannelPlan } from './channel-plan.js';

/** What {@link removeNeuronsDetailed} returns. */
export interface SurgeryResult {
  /** The smaller model (stock layers, same layer names). The caller owns it. */
  model: tf.LayersModel;
  /** Per Dense/Conv2D layer: the original indices of the neurons kept, in order. */
  kept: Record<string, number[]>;
  /** Parameters of the original and of the new model. */
  originalParams: number;
  params: number;
  /** Parameters kept only as zeros (a channel an Add joins, masked at this site); they are counted as removed by compression accounting. */
  retainedDead: number;
  /**
   * Per prunable kernel of the new model (by weight name: the weights with input channels of Dense, Conv2D and
   * SeparableConv2D layers), 1 where the entry is live and 0 where it is a retained zero: a pruning schedule starts
   * from these masks so the zeros are never counted twice.
   */
  liveKernels: Record<string, Float32Array>;
}

function checkMask(model: tf.LayersModel, mask: Record<string, Float32Array>): void {
  const reads = siteReads(model);
  for (const [name, m] of Object.entries(mask)) {
    const r = reads.find((x) => x.site.name === name);
    if (!r) throw unknownNameError('UNKNOWN_SITE', `site in the neuron mask for model "${model.name}"`, name, reads.map((x) => x.site.name));
    if (m.length !== r.site.neurons) {
      throw fail('BAD_MASK', { case: 'site', site: name, entries: m.length, neurons: r.site.neurons });
    }
  }
}

function paramCount(model: tf.LayersModel): number {
  return model.weights.reduce((a, w) => a + w.shape.reduce<number>((x, d) => x * (d ?? 1), 1), 0);
}

/**
 * The model's JSON topology with Dense units and conv filters set to the kept counts, and the last entry of every
 * Reshape's target shape to its output's kept channels (entries of -1 are inferred and stay).
 */
function rewrittenTopology(model: tf.LayersModel, kept: Record<string, number[]>, reshaped: Record<string, number>): tf.io.ModelJSON['modelTopology'] {
  const topo = model.toJSON(null, false) as unknown as { config: { layers: Array<{ config: Record<string, unknown> }> } };
  for (const l of topo.config.layers) {
    const name = l.config['name'] as string;
    const k = kept[name];
    if (k) {
      if ('units' in l.config) l.config['units'] = k.length;
      else if ('filters' in l.config) l.config['filters'] = k.length;
    }
    const target = l.config['target_shape'];
    if (reshaped[name] !== undefined && Array.isArray(target) && target.at(-1) !== -1) l.config['target_shape'] = [...target.slice(0, -1), reshaped[name]];
  }
  return topo as unknown as tf.io.ModelJSON['modelTopology'];
}

/**
 * Cut one weight: keep `outIdx` on the out axis and `inIdx` on the in axis (the two may be one axis: a depthwise
 * kernel); `live(o, i)` false -> stored as 0, unless `keepValue`. `live` of the result marks the live entries.
 */
function cutWeight(data: Float32Array, shape: number[], outAxis: number | undefined, outIdx: number[] | undefined,
  inAxis: number | undefined, inIdx: number[] | undefined, live: (o: number, i: number) => boolean, keepValue: boolean): { data: Float32Array; shape: number[]; live: Float32Array } {
  const maps = shape.map((d, a) => (a === outAxis ? outIdx! : a === inAxis ? inIdx! : null));
  const newShape = shape.map((d, a) => maps[a]?.length ?? d);
  const oldStr = strides(shape);
  const newStr = strides(newShape);
  const size = newShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const alive = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    let old = 0, o = -1, i = -1;
    for (let a = 0; a < newShape.length; a++) {
      const c = Math.floor(k / newStr[a]!) % newShape[a]!;
      const oc = maps[a] ? maps[a]![c]! : c;
      if (a === outAxis) o = oc;
      if (a === inAxis) i = oc;
      old += oc * oldStr[a]!;
    }
    const l = live(o, i);
    if (l || keepValue) out[k] = data[old]!;
    if (l) alive[k] = 1;
  }
  return { data: out, shape: newShape, live: alive };
}

/**
 * Remove the neurons a mask zeroes (0 = remove; sites not named are kept whole) and return the smaller model with
 * a report. See the module comment.
 *
 * @example
 * const r = await removeNeuronsDetailed(model, slice.mask());
 * r.params;        // parameters of the smaller model
 * r.kept['fc1'];   // original indices of fc1's surviving units
 */
export async function removeNeuronsDetailed(model: tf.LayersModel, mask: Record<string, Float32Array>): Promise<SurgeryResult> {
  checkMask(model, mask);
  const g = modelGraph(model);
  const plan = channelPlan(model, mask);
  const kept: Record<string, number[]> = {};
  const reshaped: Record<string, number> = {};
  for (const s of g.steps) {
    if (isWeightKind(s.spec.kind)) kept[s.layer.name] = keptIndices(plan.keep.get(s.outputIds[0]!)!);
    // Reshape layers (their target shape names the channel count; a Flatten's config does not).
    else if (s.spec.kind === 'reshape' || s.spec.kind === 'flatten') reshaped[s.layer.name] = keptIndices(plan.keep.get(s.outputIds[0]!)!).length;
  }
  for (const [name, k] of Object.entries(kept)) {
    if (k.length === 0) {
      throw fail('EMPTY_LAYER', { layer: name });
    }
  }
  checkZeroableSites(model, plan);
  const topology = rewrittenTopology(model, kept, reshaped);
  const small = await tf.models.modelFromJSON({ modelTopology: topology });
  let retainedDead = 0;
  const liveKernels: Record<string, Float32Array> = {};
  try {
    for (const s of g.steps) {
      if (s.layer.weights.length === 0) continue;
      const target = small.getLayer(s.layer.name);
      const own = ownChannelsTensor(s);
      const outKeep = keptIndices(plan.keep.get(own)!);
      const inKeep = keptIndices(plan.keep.get(s.inputIds[0]!)!);
      const inFlags = plan.flags.get(s.inputIds[0]!)!;
      const outFlags = plan.flags.get(s.outputIds[0]!)!;
      const mixing = plan.roles.get(s) === 'mixing';
      const values: tf.Tensor[] = [];
      try {
        for (const w of s.layer.weights) {
          const short = weightShortName(w.originalName);
          const axes = mixing ? {} : s.spec.weights[short] ?? {};
          const shape = w.shape.map((d) => d ?? 1);
          const outAxis = axes.out === undefined ? undefined : (axes.out + shape.length) % shape.length;
          const inAxis = axes.in === undefined ? undefined : (axes.in + shape.length) % shape.length;
          // Liveness exactly as compression accounting counts it; BN moving statistics keep their values where not
          // live (gamma and beta are zeroed there) but count as retained zeros, as compression counts them removed.
          const live = weightLiveness(axes, outFlags, inFlags);
          const keepValue = s.spec.kind === 'batch-norm' && (short === 'moving_mean' || short === 'moving_variance');
          const cut = cutWeight((await w.read().data()) as Float32Array, shape, outAxis, outAxis === undefined ? undefined : outKeep,
            inAxis, inAxis === undefined ? undefined : inKeep, live, keepValue);
          retainedDead += cut.live.length - cut.live.reduce((a, b) => a + b, 0);
          // The kernels a pruning schedule prunes (prunableKernels: a weight layer's weights with input channels).
          if (inAxis !== undefined && isWeightKind(s.spec.kind)) liveKernels[w.originalName] = cut.live;
          values.push(tf.tensor(cut.data, cut.shape, 'float32'));
        }
        target.setWeights(values);
      } finally {
        tf.dispose(values);
      }
    }
  } catch (e) {
    small.dispose();
    throw e;
  }
  return { model: small, kept, originalParams: paramCount(model), params: paramCount(small), retainedDead, liveKernels };
}

/**
 * A channel the masked model zeroes at a read point (a masked neuron at its site, or a depthwise filter's channel
 * whose input is masked) but that the smaller model keeps for a join is zeroed at its layer (kernel and bias) and at
 * a BatchNormalization follower (gamma and beta); the value stays 0 up to the read point only if what lies between
 * maps 0 to 0.
 */
function checkZeroableSites(model: tf.LayersModel, plan: ChannelPlan): void {
  const g = modelGraph(model);
  const points = [
    ...siteReads(model).map((r) => ({ layer: r.site.name, tensorId: r.tensorId, followers: r.site.followers, kind: 'site' as const })),
    ...filterReads(model).map((f) => ({ ...f, kind: 'depthwise' as const })),
  ];
  for (const p of points) {
    const z = plan.zeroed.get(p.tensorId);
    const keep = plan.keep.get(p.tensorId)!;
    if (!z?.some((v, j) => v === 1 && keep[j] === 1)) continue;
    const step = g.steps.find((s) => s.layer.name === p.layer)!;
    let zero = step.spec.zeroPreserving;
    for (const f of p.followers) {
      const fs = g.steps.find((s) => s.layer.name === f)!;
      zero = fs.spec.kind === 'batch-norm' ? true : zero && fs.spec.zeroPreserving;
    }
    if (!zero) {
      throw fail('SURGERY_UNSUPPORTED', { case: p.kind, layer: p.layer });
    }
  }
}

/**
 * Remove the neurons a mask zeroes and return a new, smaller tf.LayersModel of stock layers (loadable by stock
 * tf.loadLayersModel once saved); its logits equal the masked model's.
 *
 * @example
 * const small = await removeNeurons(model, slice.mask());
 * await models.save(small, 'models/lenet5-small');
 */
export async function removeNeurons(model: tf.LayersModel, mask: Record<string, Float32Array>): Promise<tf.LayersModel> {
  return (await removeNeuronsDetailed(model, mask)).model;
}
