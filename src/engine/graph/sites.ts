/**
 * Where to read neurons in a LayersModel. A site is every Dense and Conv2D layer except the final classifier; its
 * value is read after the layer's elementwise followers (BatchNormalization, Activation/ReLU, Dropout) and before
 * pooling. Which layers are weight layers and which are followers comes from the layer table (layer-kinds.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';
import { activationName, isWeightKind } from './layer-kinds.js';
import { logitsSource, type LogitsSource } from './logits.js';
import { modelGraph, type GraphStep, type ModelGraph } from './model-graph.js';
import type { SiteInfo } from './types.js';

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

/**
 * The sliceable sites of a model, in topological order: every Dense and Conv2D layer except the final classifier
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
    if (step.className === 'Conv2D' && kind === 'unknown') {
      throw new SemsliceError('UNSUPPORTED_LAYER', `Conv2D layer "${step.layer.name}" is channelsFirst.`,
        'semslice reads conv neurons on the last axis (NHWC): build the model with dataFormat "channelsLast".');
    }
    if (!isWeightKind(kind) || step === classifier || activationName(step.layer) === 'softmax') continue;
    if (seen.has(step.layer.name)) {
      throw new SemsliceError('SHARED_LAYER', `Layer "${step.layer.name}" is applied more than once in the model.`,
        'Slicing needs each Dense/Conv2D layer to be used once; give each use its own layer.');
    }
    seen.add(step.layer.name);
    const followers: string[] = [];
    let tensorId = step.outputIds[0]!;
    for (;;) {
      const next = g.consumers.get(tensorId);
      if (!next || next.length !== 1 || !next[0]!.spec.follower || g.outputIds.includes(tensorId)) break;
      followers.push(next[0]!.layer.name);
      tensorId = next[0]!.outputIds[0]!;
    }
    const cfg = step.layer.getConfig() as { units?: number; filters?: number };
    const neurons = kind === 'dense' ? cfg.units! : cfg.filters!;
    reads.push({
      site: { name: step.layer.name, kind, neurons, readLayer: followers.at(-1) ?? step.layer.name, followers },
      tensorId,
    });
  }
  if (reads.length === 0) {
    throw new SemsliceError('NO_SITES', `Model "${model.name}" has no sliceable layer (a hidden Dense or Conv2D layer).`,
      'Slicing needs at least one Dense or Conv2D layer before the final classifier.');
  }
  readCache.set(model, reads);
  return reads;
}
