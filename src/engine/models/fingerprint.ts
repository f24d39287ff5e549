import type * as tf from '@tensorflow/tfjs';
import { fingerprint } from '../fingerprint.js';

/**
 * Content hash over every weight of a model (name, shape and bytes, in model.weights order). Two models with
 * the same architecture and weights have the same fingerprint, whatever process built or loaded them. Reads the
 * weights asynchronously (as every engine path does, so it runs on webgpu too).
 *
 * @example
 * await modelFingerprint(model); // "3f9a0c1d2e4b5a67"
 */
export async function modelFingerprint(model: tf.LayersModel): Promise<string> {
  const values = await Promise.all(model.weights.map((w) => w.read().data()));
  const parts: Array<string | ArrayBufferView> = [];
  model.weights.forEach((w, i) => {
    parts.push(`${w.originalName}:${w.shape.join('x')}:${w.dtype};`);
    parts.push(values[i]!);
  });
  return fingerprint(...parts);
}
