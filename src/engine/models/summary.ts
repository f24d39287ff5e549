import type * as tf from '@tensorflow/tfjs';

/** One row of {@link modelSummary}. */
export interface LayerSummary {
  name: string;
  className: string;
  /** Output shape without the batch dimension (the first one if the layer has several outputs). */
  outputShape: number[];
  params: number;
}

export interface ModelSummary {
  layers: LayerSummary[];
  params: number;
  trainableParams: number;
}

/**
 * Layer table and parameter counts of a model (what Keras' model.summary() prints, as data).
 *
 * @example
 * modelSummary(buildModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 })).params; // 109386
 */
export function modelSummary(model: tf.LayersModel): ModelSummary {
  const layers = model.layers.map((l) => {
    const raw = l.outputShape;
    const first = (Array.isArray(raw[0]) || raw[0] === undefined ? raw[0] : raw) as Array<number | null> | undefined;
    return {
      name: l.name,
      className: l.getClassName(),
      outputShape: (first ?? []).slice(1).map((d) => d ?? -1),
      params: l.countParams(),
    };
  });
  const count = (ws: tf.LayerVariable[]): number => ws.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  return { layers, params: count(model.weights), trainableParams: count(model.trainableWeights) };
}
