import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { crossEntropy, modelHead } from './head.js';
import { checkDataFits } from './validate.js';

/** Options of {@link evaluate} and {@link predictLabels}. */
export interface EvaluateOptions {
  /** Default 256. */
  batchSize?: number;
  /** Also return the confusion matrix. Default true. */
  confusion?: boolean;
}

/** What {@link evaluate} returns. */
export interface EvaluateResult {
  /** Fraction of samples whose argmax equals the label. */
  accuracy: number;
  /** Mean cross-entropy (from the logits when the model ends in softmax). */
  loss: number;
  /** Accuracy per class 0..units-1; NaN for classes with no samples. */
  perClass: number[];
  /** confusion[true][predicted] counts. */
  confusion?: number[][];
  samples: number;
}

function batchSizeOf(o: EvaluateOptions): number {
  const b = o.batchSize ?? 256;
  if (!Number.isInteger(b) || b < 1) {
    throw new SemsliceError('BAD_ARGUMENT', `evaluate: batchSize must be a positive integer, got ${o.batchSize}.`, 'Pass e.g. { batchSize: 256 }.');
  }
  return b;
}

/**
 * Accuracy, loss, per-class accuracy and confusion matrix of a model on a dataset (inference mode: dropout off,
 * BatchNorm uses its moving statistics). Batched; every tensor is disposed.
 *
 * @example
 * const { accuracy, perClass } = evaluate(model, data.test);
 */
export function evaluate(model: tf.LayersModel, data: Dataset, opts: EvaluateOptions = {}): EvaluateResult {
  const bs = batchSizeOf(opts);
  const head = modelHead(model);
  checkDataFits(model, head.units, data, 'evaluation data');
  const k = head.units;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  for (const b of data.batches(bs)) {
    let loss: number, pred: Int32Array, ys: Int32Array;
    try {
      [loss, pred] = tf.tidy(() => {
        const s = head.scores.apply(b.xs, { training: false }) as tf.Tensor;
        return [crossEntropy(head.kind, s, b.ys, k).dataSync()[0]!, tf.argMax(s, 1).dataSync() as Int32Array] as const;
      });
      ys = b.ys.dataSync() as Int32Array;
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
    lossSum += loss * ys.length;
    for (let i = 0; i < ys.length; i++) confusion[ys[i]!]![pred[i]!]!++;
  }
  let correct = 0;
  const perClass = confusion.map((row, c) => {
    const n = row.reduce((a, v) => a + v, 0);
    correct += row[c]!;
    return n ? row[c]! / n : NaN;
  });
  const out: EvaluateResult = { accuracy: correct / data.size, loss: lossSum / data.size, perClass, samples: data.size };
  if (opts.confusion ?? true) out.confusion = confusion;
  return out;
}

/**
 * Predicted class (argmax) of every sample, in view order.
 *
 * @example
 * const labels = predictLabels(model, data.test); // Int32Array
 */
export function predictLabels(model: tf.LayersModel, data: Dataset, opts: Pick<EvaluateOptions, 'batchSize'> = {}): Int32Array {
  const bs = batchSizeOf(opts);
  const head = modelHead(model);
  checkDataFits(model, Number.MAX_SAFE_INTEGER, data, 'prediction data');
  const out = new Int32Array(data.size);
  let off = 0;
  for (const b of data.batches(bs)) {
    let p: Int32Array;
    try {
      p = tf.tidy(() => tf.argMax(head.scores.apply(b.xs, { training: false }) as tf.Tensor, 1).dataSync() as Int32Array);
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
    out.set(p, off);
    off += p.length;
  }
  return out;
}
