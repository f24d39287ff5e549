/**
 * Task-incremental and class-incremental accuracy of a model that has learnt several tasks (docs/maintenance.md).
 *
 * - Task-incremental (task identity given): task t's samples, argmax over task t's classes; for a method that masks
 *   earlier tasks (ours), task t is inferred through its inference mask (the union of the slices of tasks 1..t,
 *   everything frozen once task t was learnt); the newest task uses the whole model.
 * - Class-incremental (no task identity), over every class seen so far:
 *   - methods without masks: one argmax over the logits of all seen classes;
 *   - ours (D): task inference by confidence. Each task's inference (its mask, its classes) gives a softmax over its
 *     own classes; the task whose largest probability is highest wins, and its argmax is the prediction. A plain
 *     argmax over the unmasked model's seen logits is reported beside it (`plainArgmax`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { forward, logitsModel } from '../../graph/index.js';
import type { NeuronMask } from '../../masks/neuron-mask.js';
import { evaluate } from '../../train/index.js';
import { readTidy } from '../../read-tidy.js';

/** One task as inference sees it. */
export interface InferenceTask {
  classes: readonly number[];
  /** Inference mask (undefined = the whole model). */
  mask?: NeuronMask;
}

/** Accuracies of one model at one moment. */
export interface IncrementalAccuracy {
  /** Task-IL accuracy per task, in task order. */
  perTask: number[];
  /** Task-IL accuracy over the earlier tasks' samples (all but the last task). NaN when there is one task. */
  old: number;
  /** Task-IL accuracy of the last task. */
  new: number;
  /** Mean of perTask (the split-MNIST "average accuracy"). */
  taskILAverage: number;
  /** Class-IL accuracy over every seen class; over the earlier tasks' samples; over the last task's. */
  classIL: { all: number; old: number; new: number; average: number; plainArgmax?: number };
  /** Per class (0..units-1, NaN where unseen): task-IL and class-IL accuracy. */
  perClass: { taskIL: number[]; classIL: number[] };
}

function mean(xs: number[]): number { return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN; }

/** Class-IL predictions by task confidence (see the file comment). */
async function confidencePredict(model: tf.LayersModel, data: Dataset, tasks: readonly InferenceTask[], bs: number): Promise<Int32Array> {
  const out = new Int32Array(data.size);
  let off = 0;
  for (const b of data.batches(bs)) {
    try {
      const p = await readTidy<Int32Array>(() => {
        let bestConf: tf.Tensor1D | undefined, bestLabel: tf.Tensor1D | undefined;
        for (const t of tasks) {
          const idx = tf.tensor1d(t.classes as number[], 'int32');
          const z = t.mask ? forward(model, b.xs, { masks: t.mask }).logits : logitsModel(model).apply(b.xs, false);
          const prob = tf.softmax(tf.gather(z, idx, 1));
          const conf = tf.max(prob, 1) as tf.Tensor1D;
          const label = tf.gather(idx, tf.argMax(prob, 1)) as tf.Tensor1D;
          if (!bestConf || !bestLabel) { bestConf = conf; bestLabel = label; continue; }
          const better = tf.greater(conf, bestConf);
          bestLabel = tf.where(better, label, bestLabel) as tf.Tensor1D;
          bestConf = tf.maximum(conf, bestConf) as tf.Tensor1D;
        }
        return bestLabel!;
      });
      out.set(p, off);
      off += p.length;
    } finally {
      b.xs.dispose(); b.ys.dispose();
    }
  }
  return out;
}

/**
 * Task-IL and class-IL accuracy of `model` on `test` for these tasks (the last one is "new").
 *
 * @example
 * const acc = await incrementalAccuracy(model, data.test, [{ classes: [0, 1, 2, 3, 4], mask: sliceA.mask() }, { classes: [5, 6, 7, 8, 9] }], { confidence: true });
 * acc.perTask; acc.classIL.all;
 */
export async function incrementalAccuracy(model: tf.LayersModel, test: Dataset, tasks: readonly InferenceTask[], opts: { confidence: boolean; batchSize?: number }): Promise<IncrementalAccuracy> {
  const bs = opts.batchSize ?? 256;
  const units = logitsModel(model).units;
  const taskIL = new Array<number>(units).fill(NaN);
  const counts: number[] = [];
  const perTask: number[] = [];
  for (const t of tasks) {
    const r = await evaluate(model, test, { classes: t.classes, confusion: false, batchSize: bs, ...(t.mask ? { mask: t.mask } : {}) });
    for (const c of t.classes) taskIL[c] = r.perClass[c]!;
    counts.push(r.samples);
    perTask.push(r.accuracy);
  }
  const earlier = perTask.slice(0, -1);
  const earlierN = counts.slice(0, -1);
  const nOld = earlierN.reduce((a, b) => a + b, 0);
  const old = nOld ? earlier.reduce((a, acc, i) => a + acc * earlierN[i]!, 0) / nOld : NaN;

  const seen = [...new Set(tasks.flatMap((t) => [...t.classes]))].sort((a, b) => a - b);
  const view = test.subsetClasses(seen);
  const classIL = new Array<number>(units).fill(NaN);
  let plainArgmax: number | undefined;
  const plain = await evaluate(model, view, { classes: seen, confusion: false, batchSize: bs });
  let correctPerClass: number[], countPerClass: number[];
  if (opts.confidence && tasks.length > 1) {
    plainArgmax = plain.accuracy;
    const pred = await confidencePredict(model, view, tasks, bs);
    const labels = view.labels();
    correctPerClass = new Array<number>(units).fill(0);
    countPerClass = new Array<number>(units).fill(0);
    labels.forEach((l, i) => { countPerClass[l]!++; if (pred[i] === l) correctPerClass[l]!++; });
  } else {
    countPerClass = plain.counts;
    correctPerClass = plain.perClass.map((a, c) => (Number.isNaN(a) ? 0 : a * plain.counts[c]!));
  }
  for (const c of seen) classIL[c] = countPerClass[c] ? correctPerClass[c]! / countPerClass[c]! : NaN;
  const over = (cs: readonly number[]): number => {
    const n = cs.reduce((a, c) => a + countPerClass[c]!, 0);
    return n ? cs.reduce((a, c) => a + correctPerClass[c]!, 0) / n : NaN;
  };
  const oldClasses = tasks.slice(0, -1).flatMap((t) => [...t.classes]);
  const newClasses = tasks.at(-1)?.classes ?? [];
  return {
    perTask, old, new: perTask.at(-1) ?? NaN, taskILAverage: mean(perTask),
    classIL: { all: over(seen), old: over(oldClasses), new: over(newClasses), average: mean(tasks.map((t) => over(t.classes))), ...(plainArgmax !== undefined ? { plainArgmax } : {}) },
    perClass: { taskIL, classIL },
  };
}
