import type { Dataset } from './types.js';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';

/** Validated shape [h, w, c]: positive integers. Throws DATA_BAD_SHAPE naming the bad shape. */
export function checkSampleShape(shape: readonly number[], what: string): [number, number, number] {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new SemsliceError('DATA_BAD_SHAPE', `${what}: sampleShape must be [height, width, channels] of positive integers, got [${shape.join(', ')}].`,
      'Pass e.g. sampleShape: [28, 28, 1] for grey 28x28 images.');
  }
  return [shape[0]!, shape[1]!, shape[2]!];
}

/** Pixel count must be n * h * w * c. Throws DATA_SIZE_MISMATCH with both numbers. */
export function checkPixelCount(pixels: number, n: number, shape: readonly number[], what: string): void {
  const per = shape[0]! * shape[1]! * shape[2]!;
  if (pixels !== n * per) {
    throw new SemsliceError('DATA_SIZE_MISMATCH',
      `${what}: ${pixels} pixel values do not match ${n} labels x [${shape.join(', ')}] = ${n * per}.`,
      pixels % per === 0
        ? `The images hold ${pixels / per} samples but there are ${n} labels: pass one label per image.`
        : 'Check sampleShape: the images must be NHWC, one sample after another.');
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
      throw new SemsliceError('LABEL_NOT_INTEGER', `${what}: label at index ${i} is ${v}, not an integer; labels are class numbers.`,
        `Labels must be whole numbers 0..${numClasses - 1} (one per class name); round or map them before building the dataset.`);
    }
    if (v < 0 || v >= numClasses) {
      throw new SemsliceError('LABEL_OUT_OF_RANGE',
        `${what}: label at index ${i} is ${v}, outside [0, ${numClasses}) for ${numClasses} classes.`,
        'Labels must be integers 0..numClasses-1; pass one class name per label value (classNames), or fix the labels.');
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
      throw new SemsliceError('DATA_NAN', `${what}: sample ${s} has a non-finite pixel (${v}) at offset ${i - s * sampleSize}.`,
        'Clean the data before building the dataset: replace or drop samples with NaN/Infinity pixels.');
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
      throw new SemsliceError('CLASS_OUT_OF_RANGE', `${what}: class ${c} is outside [0, ${numClasses}).`,
        `Pass class labels 0..${numClasses - 1}.`);
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
