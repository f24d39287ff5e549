/** DeepArc baseline: linear CKA, modules, redundant residual blocks and their removal; registers the `deeparc` pre-step. */
import { registerDeepArcPreStep } from './deeparc.js';
import { registerDeepArcReadapt } from './readapt.js';

registerDeepArcPreStep();
registerDeepArcReadapt();

export { linearCka, centredGram, ckaOfGrams, modulesByThreshold } from './cka.js';
export { residualBlocks, skipBlocks, type ResidualBlock } from './blocks.js';
export { analyseDeepArc, deeparcRemoveBlocks, registerDeepArcPreStep, type DeepArcOptions, type DeepArcAnalysis } from './deeparc.js';
export { deeparcReadaptRanking, registerDeepArcReadapt, type DeepArcUnitScore } from './readapt.js';
