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
  /** Replicas the run used (1 = one thread; see TrainOptions.workers). Always set by train(). */
  workers?: number;
}
