/** Metrics of one training epoch. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Wall-clock seconds of this epoch. */
  seconds: number;
  samplesPerSecond: number;
}

/** What a training run returns. */
export interface TrainHistory {
  epochs: EpochMetrics[];
  /** True when early stopping ended the run before the last epoch. */
  stoppedEarly: boolean;
  bestEpoch: number;
}
