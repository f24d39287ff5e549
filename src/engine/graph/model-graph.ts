/**
 * A LayersModel as a graph of layer calls in execution order, read from tfjs-layers' internal node structure, with
 * each call's row of the layer table.
 */
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { layerSpec, type LayerSpec } from './layer-kinds.js';

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
  /** The layer's row of the layer table. */
  spec: LayerSpec;
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
    throw fail('BAD_MODEL', { case: 'not-built', model: model.name });
  }
  if (c.inputs.length !== 1 || c.outputs.length !== 1) {
    throw fail('BAD_MODEL', { case: 'inputs-outputs', model: model.name, inputs: c.inputs.length, outputs: c.outputs.length });
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
        spec: layerSpec(node.outboundLayer),
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

