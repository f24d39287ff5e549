import type * as tf from '@tensorflow/tfjs';
import { fingerprint } from '../fingerprint.js';

/**
 * Content hash over every weight of a model (name, shape and bytes, in model.weights order). Two models with
 * the same architecture and weights have the same fingerprint, whatever process built or loaded them.
 *
 * @example
 * modelFingerprint(model); // "3f9a0c1d2e4b5a67"
 */
export function modelFingerprint(model: tf.LayersModel): string {
  const parts: Array<string | ArrayBufferView> = [];
  for (const w of model.weights) {
    parts.push(`${w.originalName}:${w.shape.join('x')}:${w.dtype};`);
    const v = w.read();
    parts.push(v.dataSync() as Float32Array);
  }
  return fingerprint(...parts);
}
