/**
 * BatchNormalization moving statistics after short training. A layer updates them as
 * `moving <- momentum * moving + (1 - momentum) * batch`, so after s steps they still hold momentum^s of their initial
 * values (mean 0, variance 1): with Keras' default momentum 0.99, 0.62 after 47 steps (one epoch of 3,000 images),
 * and inference, which normalises with them, is near chance while training accuracy is high. semslice's zoo uses 0.9
 * for this reason; a user's model keeps its own.
 *
 * {@link staleBatchNorms} finds the never-trained layers a run leaves stale (more than {@link STALE_RETENTION} of the
 * initial values left); {@link recomputeBatchNormStatistics} re-estimates the moving statistics as exact averages over data: each
 * batch runs with BatchNormalization in training mode (the layer's own update, with the momentum set so that the
 * result is the sample-weighted mean of the batches' statistics) and every other layer in inference mode. train()
 * does this by default for stale layers (its `recomputeBatchNorm` option).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { forward, layersOfKind } from '../graph/index.js';

/**
 * A run leaves an untrained layer stale when its moving statistics keep more than this share of their initial
 * values: their error is about share / true variance, and pre-normalisation variances of 0.01 are common, so even
 * 2% left (0.99^390) scales a channel by 1.7.
 */
export const STALE_RETENTION = 1e-3;

/** A BatchNormalization layer whose moving statistics a run leaves stale. */
export interface StaleBatchNorm {
  layer: string;
  momentum: number;
  /** Share of the initial moving statistics left after the run: momentum^steps. */
  retained: number;
}

interface BatchNormLike { name: string; momentum: number; movingMean?: { read(): tf.Tensor }; movingVariance?: { read(): tf.Tensor } }

/** True when a layer's moving statistics are still Keras' initial values: mean all 0, variance all 1 (never trained). */
async function untrained(l: BatchNormLike): Promise<boolean> {
  if (!l.movingMean || !l.movingVariance) return false;
  const [mean, variance] = await Promise.all([l.movingMean.read().data(), l.movingVariance.read().data()]);
  return mean.every((v) => v === 0) && variance.every((v) => v === 1);
}

/**
 * The BatchNormalization layers that `steps` training steps leave stale: never trained (moving statistics at their
 * initial values, mean 0 and variance 1) and momentum^steps above STALE_RETENTION (Keras' 0.99: under 688 steps;
 * 0.9: under 66), in model order. A trained model's statistics are estimates already: fine-tuning it never counts.
 *
 * @example
 * await staleBatchNorms(model, 47); // [{ layer: 'stem_bn', momentum: 0.99, retained: 0.62 }, ...]
 */
export async function staleBatchNorms(model: tf.LayersModel, steps: number): Promise<StaleBatchNorm[]> {
  const out: StaleBatchNorm[] = [];
  for (const l of layersOfKind(model, 'batch-norm') as unknown as BatchNormLike[]) {
    const retained = l.momentum ** steps;
    if (retained > STALE_RETENTION && await untrained(l)) out.push({ layer: l.name, momentum: l.momentum, retained });
  }
  return out;
}

/** Options of {@link recomputeBatchNormStatistics}. */
export interface RecomputeBatchNormOptions {
  /** Default 256. */
  batchSize?: number;
}

/**
 * Re-estimate every BatchNormalization layer's moving mean and variance on `data` (no other weight changes): the
 * sample-weighted mean of the statistics of its batches, computed layer by layer as the data flows through the model
 * with BatchNormalization in training mode and everything else (Dropout included) in inference mode. Deterministic:
 * the same model and data give the same bytes. Returns the layers updated and the samples used.
 *
 * @example
 * await train(model, data.train.take(3000), { recomputeBatchNorm: false });
 * await recomputeBatchNormStatistics(model, data.train.take(3000));
 * (await evaluate(model, data.test)).accuracy; // no longer near chance after short training with momentum 0.99
 */
export async function recomputeBatchNormStatistics(model: tf.LayersModel, data: Dataset, opts: RecomputeBatchNormOptions = {}): Promise<{ layers: string[]; samples: number }> {
  const batchSize = opts.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw fail('BAD_ARGUMENT', { where: 'recomputeBatchNormStatistics', name: 'batchSize', value: opts.batchSize, expected: 'a positive integer', example: 256 });
  }
  if (data.size === 0) {
    throw fail('EMPTY_DATA', { data: `${data.name}/${data.split}`, role: 'data for recomputeBatchNormStatistics' });
  }
  const layers = layersOfKind(model, 'batch-norm') as unknown as BatchNormLike[];
  const saved = layers.map((l) => l.momentum);
  let seen = 0;
  try {
    for (const b of data.batches(batchSize)) {
      try {
        const n = b.ys.shape[0];
        seen += n;
        // moving <- moving - (moving - batch) * n / seen: the running sample-weighted mean (the first batch replaces).
        for (const l of layers) l.momentum = 1 - n / seen;
        tf.dispose(forward(model, b.xs, { training: 'batch-norm' }).logits);
      } finally {
        b.xs.dispose(); b.ys.dispose();
      }
      await new Promise<void>((r) => setImmediate(r));
    }
  } finally {
    layers.forEach((l, i) => { l.momentum = saved[i]!; });
  }
  return { layers: layers.map((l) => l.name), samples: seen };
}
