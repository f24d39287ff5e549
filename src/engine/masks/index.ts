/** Neuron masks, per-weight masks derived from them, and compression-rate accounting. */
export { maskFromNeurons, type NeuronMask } from './neuron-mask.js';
export { compressionRate, compressionReport, type CompressionReport, type LayerCompression } from './compression.js';
export { constantMasks, neuronTrainMasks, oldTaskFreezeMasks, randomNeuronsLike, mostActiveLike, type TrainMasks } from './train-masks.js';
