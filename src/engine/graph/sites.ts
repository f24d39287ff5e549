/**
 * Where to read neurons in a LayersModel. A site is every Dense, Conv2D and SeparableConv2D layer except the final
 * classifier; its value is read after the layer's elementwise followers (BatchNormalization, Activation/ReLU,
 * Dropout) and before pooling or a depthwise filter. Which layers are weight layers and which are followers comes from the layer table (layer-kinds.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { activationName, isWeightKind } from './layer-kinds.js';
import { logitsSource, type LogitsSource } from './logits.js';
import { modelGraph, type GraphStep, type ModelGraph } from './model-graph.js';
import type { SiteInfo } from './types.js';

/** Site classes whose config can make them unreadable (channelsFirst, a depth multiplier): an error, not a skip. */
const CONV_CLASSES = new Set(['Conv2D', 'SeparableConv2D']);

/** The final classifier: the last weight layer feeding the logits (walking back through single-input layers). */
function classifierStep(g: ModelGraph, src: LogitsSource): GraphStep | undefined {
  let step = g.producer.get(src.tensorId);
  while (step) {
    if (isWeightKind(step.spec.kind)) return step;
    if (step.inputIds.length !== 1) return undefined;
    step = g.producer.get(step.inputIds[0]!);
  }
  return undefined;
}

/** The single-consumer chain of elementwise followers after a step, and the tensor at its end (the read point). */
function followerChain(g: ModelGraph, step: GraphStep): { followers: string[]; tensorId: number } {
  const followers: string[] = [];
  let tensorId = step.outputIds[0]!;
  for (;;) {
    const next = g.consumers.get(tensorId);
    if (!next || next.length !== 1 || !next[0]!.spec.follower || g.outputIds.includes(tensorId)) break;
    followers.push(next[0]!.layer.name);
    tensorId = next[0]!.outputIds[0]!;
  }
  return { followers, tensorId };
}

/**
 * A per-channel filter (DepthwiseConv2D) read after its elementwise followers, as a site is. Its channel j belongs
 * to its input channel j: where that input channel is identically zero (a masked neuron), the filter, its bias and
 * its followers' parameters for j go with it, so the masked model reads 0 at `tensorId` for j (dead-channels.ts).
 */
export interface FilterRead {
  layer: string;
  /** The filter's input tensor. */
  inputId: number;
  /** The read point: the end of its follower chain (BatchNormalization, ReLU6, ...). */
  tensorId: number;
  followers: string[];
}

const filterCache = new WeakMap<tf.LayersModel, FilterRead[]>();

/**
 * The per-channel filters of a model (DepthwiseConv2D layers), each with its read point, in topological order.
 *
 * @example
 * filterReads(model); // [{ layer: 'block1_dw', inputId: 12, tensorId: 15, followers: ['block1_dw_bn', 'block1_dw_relu'] }]
 */
export function filterReads(model: tf.LayersModel): FilterRead[] {
  const cached = filterCache.get(model);
  if (cached) return cached;
  const g = modelGraph(model);
  const out: FilterRead[] = [];
  for (const step of g.steps) {
    if (step.spec.kind !== 'depthwise-conv2d') continue;
    const { followers, tensorId } = followerChain(g, step);
    out.push({ layer: step.layer.name, inputId: step.inputIds[0]!, tensorId, followers });
  }
  filterCache.set(model, out);
  return out;
}

/**
 * The sliceable sites of a model, in topological order: every Dense, Conv2D and SeparableConv2D layer except the final classifier
 * (and any layer with a fused softmax), each read after its single-consumer chain of elementwise followers.
 * Throws SemsliceError NO_SITES when there is none.
 *
 * @example
 * const sites = findSites(model); // [{ name: 'conv1', kind: 'conv2d', neurons: 6, readLayer: 'conv1_relu', followers: ['conv1_relu'] }, ...]
 */
export function findSites(model: tf.LayersModel): SiteInfo[] {
  return siteReads(model).map((s) => s.site);
}

/** A site plus the id of the tensor read (used by the executor). */
export interface SiteRead { site: SiteInfo; tensorId: number }

const readCache = new WeakMap<tf.LayersModel, SiteRead[]>();

/** findSites with the symbolic tensor ids of the read points (cached per model). */
export function siteReads(model: tf.LayersModel): SiteRead[] {
  const cached = readCache.get(model);
  if (cached) return cached;
  const g = modelGraph(model);
  const classifier = classifierStep(g, logitsSource(model));
  const seen = new Set<string>();
  const reads: SiteRead[] = [];
  for (const step of g.steps) {
    const kind = step.spec.kind;
    if (CONV_CLASSES.has(step.className) && kind === 'unknown') {
      const why = (step.layer.getConfig() as { dataFormat?: string }).dataFormat === 'channelsFirst' ? 'channels-first' : 'depth-multiplier';
      throw fail('UNSUPPORTED_LAYER', { className: step.className, layer: step.layer.name, case: why });
    }
    if (!isWeightKind(kind) || step === classifier || activationName(step.layer) === 'softmax') continue;
    if (seen.has(step.layer.name)) {
      throw fail('SHARED_LAYER', { layer: step.layer.name });
    }
    seen.add(step.layer.name);
    const { followers, tensorId } = followerChain(g, step);
    const cfg = step.layer.getConfig() as { units?: number; filters?: number };
    const neurons = kind === 'dense' ? cfg.units! : cfg.filters!;
    reads.push({
      site: { name: step.layer.name, kind, neurons, readLayer: followers.at(-1) ?? step.layer.name, followers },
      tensorId,
    });
  }
  if (reads.length === 0) {
    throw fail('NO_SITES', { model: model.name });
  }
  readCache.set(model, reads);
  return reads;
}
