/** The seeded training loop, evaluation and prediction. */
export { train } from './train.js';
export type { TrainOptions, EarlyStopOptions, GradientMasks, MonitorName, ResolvedTrainOptions } from './options.js';
export { resolveTrainOptions } from './options.js';
export { evaluate, predictLabels, evaluateMasked, applyMask } from './evaluate.js';
export type { EvaluateOptions, EvaluateResult, MaskedModel } from './evaluate.js';
export { crossEntropy } from './loss.js';
export { checkDataFits } from './validate.js';
export type { EpochMetrics, StepMetrics, TrainHistory } from './types.js';
