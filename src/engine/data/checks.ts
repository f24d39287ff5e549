import type { Dataset } from './types.js';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';

/** Validated shape [h, w, c]: positive integers. Throws DATA_BAD_SHAPE naming the bad shape. */
export function checkSampleShape(shape: readonly number[], what: string): [number, number, number] {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw fail('DATA_BAD_SHAPE', { where: what, shape });
  }
  return [shape[0]!, shape[1]!, shape[2]!];
}

/** Pixel count must be n * h * w * c. Throws DATA_SIZE_MISMATCH with both numbers. */
export function checkPixelCount(pixels: number, n: number, shape: readonly number[], what: string): void {
  const per = shape[0]! * shape[1]! * shape[2]!;
  if (pixels !== n * per) {
    throw fail('DATA_SIZE_MISMATCH', { where: what, pixels, labels: n, shape });
  }
}

/**
 * Labels must be integers in [0, numClasses). Throws LABEL_OUT_OF_RANGE naming the first bad index and value.
 * Returns an Int32Array (the input itself when it already is one).
 */
export function checkLabels(labels: ArrayLike<number>, numClasses: number, what: string): Int32Array {
  const out = labels instanceof Int32Array ? labels : new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v)) {
      throw fail('LABEL_NOT_INTEGER', { where: what, index: i, label: v, numClasses });
    }
    if (v < 0 || v >= numClasses) {
      throw fail('LABEL_OUT_OF_RANGE', { case: 'label', where: what, index: i, label: v, numClasses });
    }
    if (out !== labels) out[i] = v;
  }
  return out;
}

/** No NaN or infinite pixel. Throws DATA_NAN naming the first bad sample index (one cheap linear scan). */
export function checkFinite(pixels: Float32Array, sampleSize: number, what: string): void {
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    // v - v is NaN exactly for NaN and +-Infinity: one comparison per pixel keeps the scan cheap.
    if (v - v !== 0) {
      const s = Math.floor(i / sampleSize);
      throw fail('DATA_NAN', { where: what, sample: s, value: v, offset: i - s * sampleSize });
    }
  }
}

/** Non-negative integer count (take, perClassCap). */
export function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw fail('BAD_ARGUMENT', { where: what, name: 'n', value: n, expected: 'a non-negative integer', example: 100, positional: true });
  }
}

/** Class list for subsetClasses: in range and without duplicates. */
export function checkClassList(classes: readonly number[], numClasses: number, what: string): void {
  const seen = new Set<number>();
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw fail('CLASS_OUT_OF_RANGE', { where: what, cls: c, numClasses });
    }
    if (seen.has(c)) {
      throw fail('BAD_ARGUMENT', { where: what, name: 'classes', value: classes, expected: 'a list of distinct classes', example: [...new Set(classes)], positional: true });
    }
    seen.add(c);
  }
}

/**
 * Every class has at least one sample in data. Throws NO_SAMPLES naming the empty classes as having no samples at
 * all (so it is not mistaken for "none classified correctly").
 *
 * @example
 * assertEveryClass(data.train.take(5)); // throws NO_SAMPLES: a class has no samples at all
 */
export function assertEveryClass(data: Pick<Dataset, 'classCounts' | 'classNames' | 'name' | 'split' | 'size'>): void {
  const empty = data.classCounts().flatMap((n, c) => (n === 0 ? [c] : []));
  if (empty.length === 0) return;
  const classes = empty.map((c) => ({ name: data.classNames[c] ?? String(c), label: c }));
  throw fail('NO_SAMPLES', { case: 'none', classes, dataset: `${data.name}/${data.split}`, size: data.size });
}
