/**
 * A model as in-memory artifacts (topology, weight specs, one weight buffer) and back: how a model travels to a
 * worker thread, which rebuilds it on its own backend.
 */
import * as tf from '@tensorflow/tfjs';

/** What a worker needs to rebuild a model. */
export interface ModelTransfer {
  modelTopology: unknown;
  weightSpecs: unknown[];
  weightData: ArrayBuffer;
}

/**
 * The model's topology and weights in memory (no file, no tfjs-node).
 *
 * @example
 * const t = await modelToTransfer(model); worker.postMessage({ type: 'init', ...t });
 */
export async function modelToTransfer(model: tf.LayersModel): Promise<ModelTransfer> {
  let art: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const data = art!.weightData;
  const buffer = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? concat(data) : data;
  return { modelTopology: art!.modelTopology, weightSpecs: art!.weightSpecs ?? [], weightData: buffer };
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let off = 0;
  for (const p of parts) { out.set(new Uint8Array(p), off); off += p.byteLength; }
  return out.buffer;
}

/**
 * Rebuild a model from {@link modelToTransfer}'s output (on the current backend).
 *
 * @example
 * const model = await modelFromTransfer(msg);
 */
export function modelFromTransfer(t: ModelTransfer): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: t.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: t.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: t.weightData,
  }));
}
