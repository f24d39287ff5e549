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
import { modelGraph, siteReads, weightShortName, type GraphStep } from '../graph/index.js';
import { SemsliceError, unknownNameError } from '../errors.js';
import { strides } from '../masks/weight-masks.js';
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
   * Per kernel of the new model (by weight name), 1 where the entry is live and 0 where it is a retained zero:
   * a pruning schedule starts from these masks so the zeros are never counted twice.
   */
  liveKernels: Record<string, Float32Array>;
}

function checkMask(model: tf.LayersModel, mask: Record<string, Float32Array>): void {
  const reads = siteReads(model);
  for (const [name, m] of Object.entries(mask)) {
    const r = reads.find((x) => x.site.name === name);
    if (!r) throw unknownNameError('UNKNOWN_SITE', `site in the neuron mask for model "${model.name}"`, name, reads.map((x) => x.site.name));
    if (m.length !== r.site.neurons) {
      throw new SemsliceError('BAD_MASK', `The mask of site "${name}" has ${m.length} entries; the site has ${r.site.neurons} neurons.`,
        'Use a mask made for this model (slice.mask() of a slice of this model).');
    }
  }
}

function paramCount(model: tf.LayersModel): number {
  return model.weights.reduce((a, w) => a + w.shape.reduce<number>((x, d) => x * (d ?? 1), 1), 0);
}

/** The model's JSON topology with Dense units and Conv2D filters set to the kept counts. */
function rewrittenTopology(model: tf.LayersModel, kept: Record<string, number[]>): tf.io.ModelJSON['modelTopology'] {
  const topo = model.toJSON(null, false) as unknown as { config: { layers: Array<{ config: Record<string, unknown> }> } };
  for (const l of topo.config.layers) {
    const name = l.config['name'] as string;
    const k = kept[name];
    if (!k) continue;
    if ('units' in l.config) l.config['units'] = k.length;
    else if ('filters' in l.config) l.config['filters'] = k.length;
  }
  return topo as unknown as tf.io.ModelJSON['modelTopology'];
}

/** Cut one weight: keep `outIdx` on the out axis and `inIdx` on the in axis; `live(o, i)` false -> stored as 0. */
function cutWeight(data: Float32Array, shape: number[], outAxis: number | undefined, outIdx: number[] | undefined,
  inAxis: number | undefined, inIdx: number[] | undefined, live: (o: number, i: number) => boolean): { data: Float32Array; shape: number[]; live: Float32Array } {
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
    if (live(o, i)) { out[k] = data[old]!; alive[k] = 1; }
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
  for (const s of g.steps) {
    if (s.spec.kind === 'dense' || s.spec.kind === 'conv2d') kept[s.layer.name] = keptIndices(plan.keep.get(s.outputIds[0]!)!);
  }
  for (const [name, k] of Object.entries(kept)) {
    if (k.length === 0) {
      throw new SemsliceError('EMPTY_LAYER', `Removing the masked neurons would leave layer "${name}" with no neurons.`,
        'Keep at least one neuron per layer (a slice of more classes, or a higher theta).');
    }
  }
  checkZeroableSites(model, mask, plan);
  const topology = rewrittenTopology(model, kept);
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
      const values: tf.Tensor[] = [];
      try {
        for (const w of s.layer.weights) {
          const short = weightShortName(w.originalName);
          const axes = s.spec.weights[short] ?? {};
          const shape = w.shape.map((d) => d ?? 1);
          const outAxis = axes.out === undefined ? undefined : (axes.out + shape.length) % shape.length;
          const inAxis = axes.in === undefined ? undefined : (axes.in + shape.length) % shape.length;
          // Liveness exactly as compression accounting counts it: kernels need a live input and a reaching output,
          // biases and BN arrays a reaching channel; weights of other layers are always live.
          const live = outAxis === undefined ? () => true
            : (o: number, i: number) => outFlags.reach[o] === 1 && (inAxis === undefined || inFlags.dead[i] === 0);
          const cut = cutWeight((await w.read().data()) as Float32Array, shape, outAxis, outAxis === undefined ? undefined : outKeep,
            inAxis, inAxis === undefined ? undefined : inKeep, (o, i) => (s.spec.kind === 'batch-norm' && (short === 'moving_mean' || short === 'moving_variance') ? true : live(o, i)));
          // Retained zeros, counted as compression accounting does (BN moving statistics included, kept as values).
          let dead = 0;
          if (outAxis !== undefined) {
            const total = cut.data.length;
            if (s.spec.kind === 'batch-norm') {
              const perChannel = total / outKeep.length;
              dead = outKeep.filter((o) => outFlags.reach[o] === 0).length * perChannel;
            } else dead = total - cut.live.reduce((a, b) => a + b, 0);
          }
          retainedDead += dead;
          if (inAxis !== undefined) liveKernels[w.originalName] = cut.live;
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
 * A masked neuron kept for a join is zeroed at its weight layer (column and bias) and at a BatchNormalization
 * follower (gamma and beta); the value stays 0 up to the read point only if what lies between maps 0 to 0.
 */
function checkZeroableSites(model: tf.LayersModel, mask: Record<string, Float32Array>, plan: ChannelPlan): void {
  const g = modelGraph(model);
  for (const r of siteReads(model)) {
    const m = mask[r.site.name];
    if (!m) continue;
    const step = g.steps.find((s) => s.layer.name === r.site.name)!;
    const keep = plan.keep.get(step.outputIds[0]!)!;
    if (!m.some((v, j) => v === 0 && keep[j] === 1)) continue;
    let zero = step.spec.zeroPreserving;
    for (const f of r.site.followers) {
      const fs = g.steps.find((s) => s.layer.name === f)!;
      zero = fs.spec.kind === 'batch-norm' ? true : zero && fs.spec.zeroPreserving;
    }
    if (!zero) {
      throw new SemsliceError('SURGERY_UNSUPPORTED', `Site "${r.site.name}" has masked neurons that an Add keeps for another site, and its activation does not map 0 to 0.`,
        'Use a zero-preserving activation (relu, linear, tanh) at joined sites, or mask the joined channels at every site of the Add.');
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
