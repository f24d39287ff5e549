import type * as tf from '@tensorflow/tfjs';
import { builtinModels } from './builtins.js';
import { getModelEntry, registerModel, resolveBuildOptions, type BuildOptions } from './registry.js';

for (const e of builtinModels) registerModel(e);

// Re-exported from here so that any import of them also registers the built-ins.
export { listModels, registerModel, getModelEntry } from './registry.js';

/**
 * Build a fresh model from the zoo. The same name, options and seed give byte-identical weights.
 * Every model ends in a dense "logits" layer followed by a separate softmax Activation named "softmax".
 * Defaults: seed 0, batchNorm false, width 1. Unknown names throw UNKNOWN_MODEL.
 *
 * @example
 * const model = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 42 });
 */
export function buildModel(name: string, opts: BuildOptions): tf.LayersModel {
  const entry = getModelEntry(name);
  return entry.build(resolveBuildOptions(opts));
}
