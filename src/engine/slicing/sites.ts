/**
 * Where to read neurons in a LayersModel (DESIGN.md section 3, "Sites and neurons"), and the layer graph that the
 * forward executor walks. A site is every Dense and Conv2D layer except the final classifier; its value is read after
 * the layer's elementwise followers (BatchNormalization, Activation/ReLU, Dropout) and before pooling.
 */
import type * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';
import type { SiteInfo, SiteKind } from './types.js';

/** The parts of tfjs-layers' internal graph we rely on (stable since tfjs 1.x, not in the public typings). */
interface SymTensor { id: number; shape: Array<number | null> }
interface LayerNode {
  outboundLayer: tf.layers.Layer;
  inputTensors: SymTensor[];
  outputTensors: SymTensor[];
  callArgs?: Record<string, unknown>;
}
interface ContainerInternals {
  inputs: SymTensor[];
  outputs: SymTensor[];
  nodesByDepth?: Record<string, LayerNode[]>;
  model?: ContainerInternals;
  build?: () => void;
}

/** One call of one layer in the model's graph, in execution order. */
export interface GraphStep {
  layer: tf.layers.Layer;
  className: string;
  inputIds: number[];
  outputIds: number[];
  callArgs: Record<string, unknown>;
}

/** A model's layer graph: steps in topological order, and which step produces/consumes each tensor. */
export interface ModelGraph {
  steps: GraphStep[];
  inputIds: number[];
  outputIds: number[];
  /** Per-sample input shape (without the batch axis). */
  inputShape: Array<number | null>;
  producer: Map<number, GraphStep>;
  consumers: Map<number, GraphStep[]>;
}

const graphCache = new WeakMap<tf.LayersModel, ModelGraph>();

/** The model's graph (cached per model object). Sequential models are built first if needed. */
export function modelGraph(model: tf.LayersModel): ModelGraph {
  const cached = graphCache.get(model);
  if (cached) return cached;
  const c = model as unknown as ContainerInternals & { built?: boolean };
  // A Sequential model builds its inner functional model lazily; its graph lives there.
  if (model.getClassName() === 'Sequential' && !c.model && c.outputs?.length) (c.build as (s?: unknown) => void)(c.inputs[0]?.shape);
  const nodesByDepth = c.model?.nodesByDepth ?? c.nodesByDepth;
  if (!nodesByDepth || !c.inputs?.length || !c.outputs?.length) {
    throw new SemsliceError('BAD_MODEL', `Model "${model.name}" has no layer graph (not built?).`,
      'Give the model an input shape (inputShape on the first layer, or tf.input) before slicing.');
  }
  if (c.inputs.length !== 1 || c.outputs.length !== 1) {
    throw new SemsliceError('BAD_MODEL', `Model "${model.name}" has ${c.inputs.length} inputs and ${c.outputs.length} outputs.`,
      'semslice slices image classifiers with exactly one input and one output.');
  }
  const depths = Object.keys(nodesByDepth).map(Number).sort((a, b) => b - a);
  const steps: GraphStep[] = [];
  const producer = new Map<number, GraphStep>();
  const consumers = new Map<number, GraphStep[]>();
  for (const d of depths) {
    for (const node of nodesByDepth[String(d)]!) {
      const className = node.outboundLayer.getClassName();
      if (className === 'InputLayer') continue;
      const step: GraphStep = {
        layer: node.outboundLayer,
        className,
        inputIds: node.inputTensors.map((t) => t.id),
        outputIds: node.outputTensors.map((t) => t.id),
        callArgs: { ...(node.callArgs ?? {}) },
      };
      steps.push(step);
      for (const id of step.outputIds) producer.set(id, step);
      for (const id of step.inputIds) {
        const list = consumers.get(id) ?? [];
        list.push(step);
        consumers.set(id, list);
      }
    }
  }
  const graph: ModelGraph = {
    steps, producer, consumers,
    inputIds: c.inputs.map((t) => t.id),
    outputIds: c.outputs.map((t) => t.id),
    inputShape: c.inputs[0]!.shape.slice(1),
  };
  graphCache.set(model, graph);
  return graph;
}

const WEIGHT_LAYERS: Record<string, SiteKind> = { Dense: 'dense', Conv2D: 'conv2d' };
/** Elementwise (per-neuron) layers that belong to the site before them. Softmax is not elementwise. */
const FOLLOWERS = new Set(['BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'PReLU',
  'Dropout', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout', 'SpatialDropout1D', 'SpatialDropout2D']);

function activationName(layer: tf.layers.Layer): string | undefined {
  const a = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof a === 'string' ? a : undefined;
}

function isSoftmaxLayer(step: GraphStep): boolean {
  return step.className === 'Softmax' || (step.className === 'Activation' && activationName(step.layer) === 'softmax');
}

/**
 * Where the logits are read. `mode` says how: `output` reads the tensor `tensorId` as is; `pre-activation` evaluates
 * layer `layer` (the classifier) without its fused softmax; `input` means `layer` is a softmax layer and its input
 * `tensorId` is read.
 */
export interface LogitsSource {
  layer: string;
  mode: 'output' | 'pre-activation' | 'input';
  /** Id of the symbolic tensor holding the logits (for `pre-activation`: the classifier's output). */
  tensorId: number;
}

/**
 * Which tensor of the model holds the logits (pre-softmax): the input of a final softmax layer, the pre-activation of
 * a final Dense/Conv2D with fused softmax, else the model output.
 *
 * @example
 * logitsSource(tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] }));
 * // { layer: 'dense_Dense1', mode: 'pre-activation', tensorId: ... }
 */
export function logitsSource(model: tf.LayersModel): LogitsSource {
  const g = modelGraph(model);
  const outId = g.outputIds[0]!;
  const last = g.producer.get(outId);
  if (!last) throw new SemsliceError('BAD_MODEL', `Model "${model.name}" output is its input.`, 'Slice a model with layers.');
  if (isSoftmaxLayer(last)) {
    if (last.inputIds.length !== 1) throw new SemsliceError('BAD_MODEL', `Softmax layer "${last.layer.name}" has several inputs.`, 'End the model in a single softmax.');
    return { layer: last.layer.name, mode: 'input', tensorId: last.inputIds[0]! };
  }
  if (WEIGHT_LAYERS[last.className] && activationName(last.layer) === 'softmax') {
    return { layer: last.layer.name, mode: 'pre-activation', tensorId: outId };
  }
  return { layer: last.layer.name, mode: 'output', tensorId: outId };
}

/** The final classifier: the last weight layer feeding the logits (walking back through single-input layers). */
function classifierStep(g: ModelGraph, src: LogitsSource): GraphStep | undefined {
  let step = g.producer.get(src.tensorId);
  while (step) {
    if (WEIGHT_LAYERS[step.className]) return step;
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
    const kind = WEIGHT_LAYERS[step.className];
    if (!kind || step === classifier || activationName(step.layer) === 'softmax') continue;
    if (seen.has(step.layer.name)) {
      throw new SemsliceError('SHARED_LAYER', `Layer "${step.layer.name}" is applied more than once in the model.`,
        'Slicing needs each Dense/Conv2D layer to be used once; give each use its own layer.');
    }
    seen.add(step.layer.name);
    const followers: string[] = [];
    let tensorId = step.outputIds[0]!;
    for (;;) {
      const next = g.consumers.get(tensorId);
      if (!next || next.length !== 1 || !FOLLOWERS.has(next[0]!.className) || g.outputIds.includes(tensorId)) break;
      if (next[0]!.className === 'Activation' && activationName(next[0]!.layer) === 'softmax') break;
      followers.push(next[0]!.layer.name);
      tensorId = next[0]!.outputIds[0]!;
    }
    const cfg = step.layer.getConfig() as { units?: number; filters?: number; dataFormat?: string };
    if (kind === 'conv2d' && cfg.dataFormat === 'channelsFirst') {
      throw new SemsliceError('UNSUPPORTED_LAYER', `Conv2D layer "${step.layer.name}" is channelsFirst.`,
        'semslice reads conv neurons on the last axis (NHWC): build the model with dataFormat "channelsLast".');
    }
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
