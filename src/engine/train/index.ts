/** The seeded training loop, evaluation and prediction. */
export { train } from './train.js';
export type { TrainOptions, EarlyStopOptions, GradientMasks, MonitorName, ResolvedTrainOptions } from './options.js';
export { resolveTrainOptions, BN_RECOMPUTE_SAMPLES } from './options.js';
export { recomputeBatchNormStatistics, staleBatchNorms, STALE_RETENTION, type StaleBatchNorm, type RecomputeBatchNormOptions } from './batch-norm-stats.js';
export { evaluate, predictLabels, evaluateMasked, applyMask } from './evaluate.js';
export type { EvaluateOptions, EvaluateResult, MaskedModel } from './evaluate.js';
export { crossEntropy } from './loss.js';
export { checkDataFits } from './validate.js';
export type { EpochMetrics, StepMetrics, TrainHistory } from './types.js';
