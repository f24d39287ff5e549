/** Model zoo, summaries, fingerprints, save/load. */
export { buildModel, registerModel, listModels, getModelEntry } from './zoo.js';
export { resolveBuildOptions } from './registry.js';
export type { BuildOptions, ResolvedBuildOptions, ModelEntry } from './registry.js';
export { modelSummary } from './summary.js';
export type { ModelSummary, LayerSummary } from './summary.js';
export { modelFingerprint } from './fingerprint.js';
export { saveModel } from './io-save.js';
export type { SaveModelOptions, SaveModelResult } from './io-save.js';
export { loadModel, modelMetadata } from './io-load.js';
export type { ModelMetadata } from './io-load.js';
