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

/** Loss and accuracy of one training step (one batch, training mode). */
export interface StepMetrics {
  /** 1-based over the whole run. */
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
}

/** What a training run returns. */
export interface TrainHistory {
  epochs: EpochMetrics[];
  /** Every step's training loss and accuracy (read once per epoch, so recording them costs no sync per step). */
  steps?: StepMetrics[];
  /** True when early stopping ended the run before the last epoch. */
  stoppedEarly: boolean;
  bestEpoch: number;
  /** Replicas the run used (1 = one thread; see TrainOptions.workers). Always set by train(). */
  workers?: number;
}
