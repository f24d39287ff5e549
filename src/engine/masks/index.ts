/** Neuron masks, per-weight masks derived from them, and compression-rate accounting. */
export { maskFromNeurons, type NeuronMask } from './neuron-mask.js';
export { compressionRate, compressionReport, type CompressionReport, type LayerCompression } from './compression.js';
export { registerTrainSet, getTrainSet, listTrainSets, constantMasks, neuronTrainMasks, randomNeuronsLike, type TrainSetDef, type TrainSet, type TrainSetContext } from './train-sets.js';
