/**
 * The slice of one task: the critical neurons of a class subset, profiled on that task's data only.
 *
 * Profiling needs samples of every class the model outputs, and with `onlyCorrect` at least one correctly
 * classified sample per class; a model trained on task A never predicts task B's classes, so neither holds. Two
 * decisions (D):
 * - every class outside the task gets ten placeholder samples (ten: no small-sample warning) (a copy of a task sample, relabelled); its statistics
 *   are discarded by forClasses(task), so they never reach the slice;
 * - `onlyCorrect` defaults to false here (the placeholders are misclassified by construction), so the task's own
 *   misclassified samples are profiled too: a few percent of a well-trained task.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fromArrays } from '../data/from-arrays.js';
import { SemsliceError } from '../errors.js';
import { logitsModel } from '../graph/index.js';
import type { SliceOptions } from '../slicing/options.js';
import { slice } from '../slicing/slice-entry.js';
import type { Slice } from '../slicing/slice.js';

/** Placeholder samples per class outside the task (the small-sample warning starts under 10). */
const PLACEHOLDERS = 10;

/**
 * Slice a model on one task's data, restricted to the task's classes.
 *
 * @example
 * const sliceA = await ss.sliceTask(model, data.train.subsetClasses([0, 1, 2, 3, 4]).take(2000), [0, 1, 2, 3, 4], { theta: 0.6 });
 */
export async function sliceTask(model: tf.LayersModel, data: Dataset, classes: readonly number[], opts: SliceOptions = {}): Promise<Slice> {
  const units = logitsModel(model).units;
  const task = [...new Set(classes)].sort((a, b) => a - b);
  if (task.length === 0 || task.some((c) => !Number.isInteger(c) || c < 0 || c >= units)) {
    throw new SemsliceError('BAD_EXTEND_OPTIONS', `sliceTask: the task's classes must be a non-empty subset of 0..${units - 1}, got [${classes.join(', ')}].`, 'Pass e.g. [0, 1, 2, 3, 4].');
  }
  const view = data.subsetClasses(task);
  if (view.size === 0) throw new SemsliceError('BAD_EXTEND_OPTIONS', `sliceTask: the data has no samples of the classes ${task.join(', ')}.`, 'Pass the task\'s training data.');
  const others = Array.from({ length: units }, (_, c) => c).filter((c) => !task.includes(c));
  const all = view.gather(Int32Array.from({ length: view.size }, (_, i) => i));
  const per = all.images.length / view.size;
  const pad = others.flatMap((c) => new Array<number>(PLACEHOLDERS).fill(c));
  const images = new Float32Array(all.images.length + pad.length * per);
  images.set(all.images, 0);
  for (let k = 0; k < pad.length; k++) images.set(all.images.subarray(0, per), all.images.length + k * per);
  const labels = Int32Array.from([...all.labels, ...pad]);
  const classNames = Array.from({ length: units }, (_, c) => data.classNames[c] ?? String(c));
  const padded = fromArrays({ name: data.name, split: data.split, images, labels, sampleShape: data.sampleShape, classNames });
  const s = await slice(model, padded, { onlyCorrect: false, ...opts });
  return s.forClasses(task);
}
