/**
 * The one evaluator: accuracy, loss, per-class accuracy and confusion of a model on a dataset, optionally seen
 * through a neuron mask and with the argmax restricted to a class set. Inference mode (Dropout off, BatchNorm on
 * its moving statistics), batched, every tensor disposed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fail } from '../messages/index.js';
import { forward, logitsModel } from '../graph/index.js';
import type { NeuronMask } from '../masks/index.js';
import { crossEntropy } from './loss.js';
import { checkDataFits } from './validate.js';
import { readTidy } from '../read-tidy.js';

/** Options of {@link evaluate} and {@link predictLabels}. */
export interface EvaluateOptions {
  /** Default 256. */
  batchSize?: number;
  /** Also return the confusion matrix. Default true. */
  confusion?: boolean;
  /** Neuron mask (site -> 0/1 per neuron) applied at the sites; sites not named are kept whole. */
  mask?: NeuronMask;
  /**
   * Evaluate as a model of these classes only: samples of other classes are skipped and the argmax runs over these
   * logits (a class-subset model). Default: all classes.
   */
  classes?: readonly number[];
}

/** What {@link evaluate} returns. */
export interface EvaluateResult {
  /** Fraction of samples whose argmax equals the label. */
  accuracy: number;
  /** Mean cross-entropy of the logits (over all logits, also with `classes`). */
  loss: number;
  /** Accuracy per class 0..units-1; NaN for classes with no samples (and for classes outside `classes`). */
  perClass: number[];
  /** Samples per class 0..units-1. */
  counts: number[];
  /** confusion[true][predicted] counts. */
  confusion?: number[][];
  samples: number;
}

function batchSizeOf(o: { batchSize?: number }): number {
  const b = o.batchSize ?? 256;
  if (!Number.isInteger(b) || b < 1) {
    throw fail('BAD_ARGUMENT', { where: 'evaluate', name: 'batchSize', value: o.batchSize, expected: 'a positive integer', example: 256 });
  }
  return b;
}

function classSet(classes: readonly number[] | undefined, units: number): number[] | undefined {
  if (classes === undefined) return undefined;
  const set = [...new Set(classes)].sort((a, b) => a - b);
  if (set.length === 0 || set.some((c) => !Number.isInteger(c) || c < 0 || c >= units)) {
    throw fail('BAD_ARGUMENT', { where: 'evaluate', name: 'classes', value: classes, expected: `a non-empty list of integers in [0, ${units})`, example: [0, units - 1] });
  }
  return set;
}

/** Logits of one batch: through the executor when masked, else the model's plain logits path. */
function batchLogits(model: tf.LayersModel, xs: tf.Tensor4D, mask: NeuronMask | undefined): tf.Tensor2D {
  return mask ? forward(model, xs, { masks: mask }).logits : logitsModel(model).apply(xs, false);
}

/** Argmax over the columns `cols` (all when undefined), as class indices. */
function argmaxOver(z: tf.Tensor2D, cols: number[] | undefined): tf.Tensor1D {
  if (!cols) return tf.argMax(z, 1) as tf.Tensor1D;
  const idx = tf.tensor1d(cols, 'int32');
  return tf.gather(idx, tf.argMax(tf.gather(z, idx, 1), 1)) as tf.Tensor1D;
}

/**
 * Accuracy, loss, per-class accuracy and confusion matrix of a model on a dataset.
 *
 * @example
 * const { accuracy, perClass } = await evaluate(model, data.test);
 * await evaluate(model, data.test, { mask: slice.mask() });                       // the masked model
 * await evaluate(model, data.test, { mask: slice.forClasses([3, 5]).mask(), classes: [3, 5] }); // a class-subset model
 */
export async function evaluate(model: tf.LayersModel, data: Dataset, opts: EvaluateOptions = {}): Promise<EvaluateResult> {
  const bs = batchSizeOf(opts);
  const k = logitsModel(model).units;
  checkDataFits(model, k, data, 'evaluation data');
  const cols = classSet(opts.classes, k);
  const view = cols ? data.subsetClasses(cols) : data;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  for (const b of view.batches(bs)) {
    let loss: Float32Array, pred: Int32Array, ys: Int32Array;
    try {
      const [l, p] = tf.tidy(() => {
        const z = batchLogits(model, b.xs, opts.mask);
        return [crossEntropy(z, b.ys, k), argmaxOver(z, cols)];
      });
      try {
        [loss, pred, ys] = await Promise.all([l.data() as Promise<Float32Array>, p.data() as Promise<Int32Array>, b.ys.data() as Promise<Int32Array>]);
      } finally {
        tf.dispose([l, p]);
      }
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
    lossSum += loss[0]! * ys.length;
    for (let i = 0; i < ys.length; i++) confusion[ys[i]!]![pred[i]!]!++;
  }
  let correct = 0;
  const counts = confusion.map((row) => row.reduce((a, v) => a + v, 0));
  const perClass = confusion.map((row, c) => {
    correct += row[c]!;
    return counts[c] ? row[c]! / counts[c]! : NaN;
  });
  const n = view.size;
  const out: EvaluateResult = { accuracy: n ? correct / n : NaN, loss: n ? lossSum / n : NaN, perClass, counts, samples: n };
  if (opts.confusion ?? true) out.confusion = confusion;
  return out;
}

/**
 * Predicted class (argmax) of every sample, in view order, optionally through a mask and over a class set.
 *
 * @example
 * const labels = await predictLabels(model, data.test); // Int32Array
 */
export async function predictLabels(model: tf.LayersModel, data: Dataset, opts: Pick<EvaluateOptions, 'batchSize' | 'mask' | 'classes'> = {}): Promise<Int32Array> {
  const bs = batchSizeOf(opts);
  const k = logitsModel(model).units;
  checkDataFits(model, Number.MAX_SAFE_INTEGER, data, 'prediction data');
  const cols = classSet(opts.classes, k);
  const out = new Int32Array(data.size);
  let off = 0;
  for (const b of data.batches(bs)) {
    let p: Int32Array;
    try {
      p = await readTidy<Int32Array>(() => argmaxOver(batchLogits(model, b.xs, opts.mask), cols));
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Accuracy (overall and per class) of the masked model: `evaluate(model, data, { mask })` in short.
 *
 * @example
 * const { accuracy, perClass } = await evaluateMasked(model, data.test, slice.mask());
 */
export async function evaluateMasked(model: tf.LayersModel, data: Dataset, mask: NeuronMask, opts: { batchSize?: number } = {}): Promise<{ accuracy: number; perClass: number[] }> {
  const r = await evaluate(model, data, { ...opts, mask, confusion: false });
  return { accuracy: r.accuracy, perClass: r.perClass };
}

/** A model seen through a mask (nothing copied; the model's weights are untouched). */
export interface MaskedModel {
  readonly model: tf.LayersModel;
  readonly mask: NeuronMask;
  /** Pre-softmax logits of the masked model; the tensor belongs to the caller. */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** Accuracy of the masked model on a dataset. */
  evaluate(data: Dataset, opts?: { batchSize?: number }): Promise<{ accuracy: number; perClass: number[] }>;
}

/**
 * The masked model as a handle.
 *
 * @example
 * const masked = applyMask(model, slice.mask());
 * const z = masked.predict(x); z.dispose();
 * (await masked.evaluate(data.test)).accuracy;
 */
export function applyMask(model: tf.LayersModel, mask: NeuronMask): MaskedModel {
  const frozen: NeuronMask = Object.fromEntries(Object.entries(mask).map(([k, v]) => [k, Float32Array.from(v)]));
  return {
    model,
    mask: frozen,
    predict: (x) => forward(model, x, { masks: frozen }).logits,
    evaluate: (data, o = {}) => evaluateMasked(model, data, frozen, o),
  };
}
