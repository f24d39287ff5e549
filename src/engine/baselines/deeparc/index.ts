/** DeepArc baseline as plain functions: linear CKA, modules, redundant residual blocks and their removal, its re-adaptation ranking and its incremental variant. */
export { linearCka, centredGram, ckaOfGrams, modulesByThreshold } from './cka.js';
export { residualBlocks, skipBlocks, type ResidualBlock } from './blocks.js';
export { analyseDeepArc, deeparcRemoveBlocks, deeparcLowestChange, type DeepArcOptions, type DeepArcAnalysis, type BlockChange } from './deeparc.js';
export { deeparcReadaptRanking, type DeepArcUnitScore } from './readapt.js';
export { deeparcIncremental, type DeepArcIncremental } from './incremental.js';
