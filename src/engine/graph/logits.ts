/**
 * The one logits resolver: which tensor of a model holds the pre-softmax class scores. Training, evaluation,
 * profiling and every maintenance strategy read the logits through it.
 */
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { activationName, isWeightKind } from './layer-kinds.js';
import { modelGraph, type GraphStep } from './model-graph.js';

function isSoftmaxStep(step: GraphStep): boolean {
  return step.spec.kind === 'softmax';
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
  if (!last) throw fail('BAD_MODEL', { case: 'no-layers', model: model.name });
  if (isSoftmaxStep(last)) {
    if (last.inputIds.length !== 1) throw fail('BAD_MODEL', { case: 'softmax-inputs', layer: last.layer.name });
    return { layer: last.layer.name, mode: 'input', tensorId: last.inputIds[0]! };
  }
  if (isWeightKind(last.spec.kind) && activationName(last.layer) === 'softmax') {
    return { layer: last.layer.name, mode: 'pre-activation', tensorId: outId };
  }
  return { layer: last.layer.name, mode: 'output', tensorId: outId };
}


