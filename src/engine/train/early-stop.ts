import type * as tf from '@tensorflow/tfjs';
import type { EarlyStopOptions, MonitorName } from './options.js';
import type { EpochMetrics } from './types.js';

/** Tracks the best epoch by one monitored metric; decides when to stop; optionally snapshots the best weights. */
export class BestTracker {
  bestEpoch = 0;
  private best = NaN;
  private waited = 0;
  private snapshot: tf.Tensor[] | undefined;

  constructor(private readonly monitor: MonitorName, private readonly stop?: Required<EarlyStopOptions>) {}

  private improved(v: number): boolean {
    if (Number.isNaN(this.best)) return !Number.isNaN(v);
    const d = this.stop?.minDelta ?? 0;
    return this.monitor === 'valAccuracy' ? v > this.best + d : v < this.best - d;
  }

  /** Record an epoch; returns true when training should stop. */
  update(m: EpochMetrics, model: tf.LayersModel): boolean {
    const v = m[this.monitor] ?? NaN;
    if (this.improved(v)) {
      this.best = v;
      this.bestEpoch = m.epoch;
      this.waited = 0;
      if (this.stop?.restoreBestWeights) {
        this.dispose();
        this.snapshot = model.weights.map((w) => w.read().clone());
      }
      return false;
    }
    this.waited++;
    return this.stop !== undefined && this.waited >= this.stop.patience;
  }

  /** Put the best epoch's weights back (when restoreBestWeights). */
  restoreBest(model: tf.LayersModel): void {
    if (!this.snapshot) return;
    model.weights.forEach((w, i) => (w.read() as tf.Variable).assign(this.snapshot![i]!));
  }

  dispose(): void {
    this.snapshot?.forEach((t) => t.dispose());
    this.snapshot = undefined;
  }
}
