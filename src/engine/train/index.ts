/** The seeded training loop, evaluation and prediction. */
export { train } from './train.js';
export type { TrainOptions, EarlyStopOptions, GradientMasks, MonitorName, ResolvedTrainOptions } from './options.js';
export { resolveTrainOptions } from './options.js';
export { evaluate, predictLabels } from './evaluate.js';
export type { EvaluateOptions, EvaluateResult } from './evaluate.js';
export { modelHead, crossEntropy } from './head.js';
export type { ModelHead } from './head.js';
export { checkDataFits } from './validate.js';
export type { EpochMetrics, TrainHistory } from './types.js';
