import { SemsliceError } from '../errors.js';
import { Rng } from '../rng.js';
import { checkSampleShape } from './checks.js';
import { ImageDataset } from './image-dataset.js';
import type { DatasetSplits } from './types.js';

/** Options of synthetic(). Defaults are small so unit tests stay fast. */
export interface SyntheticOptions {
  /** Number of classes. Default 10. */
  classes?: number;
  /** Training samples per class. Default 50. */
  perClass?: number;
  /** Test samples per class. Default: perClass. */
  testPerClass?: number;
  /** Sample shape [h, w, c]. Default [8, 8, 1]. */
  shape?: readonly [number, number, number];
  /** Seed of every random choice. Default 0. */
  seed?: number;
  /** Standard deviation of the Gaussian pixel noise added to each prototype. Default 0.15. */
  noise?: number;
  /** Fraction of a class prototype's pixels that are on. Default 0.5 (the most distinct random masks; 0.35 failed LeNet-5 on 1 of 10 seeds). */
  density?: number;
}

/** Full contrast: measured to train fastest (LeNet-5, 3 classes x 20, 3 epochs: 1.00 on 6 of 6 seeds; 0.85/0.1 gave 0.67 on one). */
const ON = 1;
const OFF = 0;

/**
 * Seeded class-conditional images. Each class has a random on/off mask (its prototype: which pixels are bright); a
 * sample is its class prototype plus Gaussian noise, clipped to [0, 1]. Dense models, CNNs and even a CNN with
 * global average pooling learn it (measured: MLP 1.00 after 2 epochs, conv+GAP 0.98 after 10), so conv neurons are
 * class-selective as on real images. Samples cycle through the classes (0, 1, ..., k-1, 0, ...),
 * so take(n) stays balanced. A tiny MLP or CNN learns it to >90% in a few epochs. Same options, same bytes.
 *
 * @example
 * const { train, test } = await synthetic({ classes: 3, perClass: 20, shape: [8, 8, 1], seed: 1 });
 */
export async function synthetic(opts: SyntheticOptions = {}): Promise<DatasetSplits> {
  return syntheticSync(opts);
}

/**
 * The same as synthetic(), synchronously (for test fixtures built at module load).
 *
 * @example
 * const { train } = syntheticSync({ classes: 2, perClass: 8 });
 */
export function syntheticSync(opts: SyntheticOptions = {}): DatasetSplits {
  const classes = opts.classes ?? 10;
  const perClass = opts.perClass ?? 50;
  const testPerClass = opts.testPerClass ?? perClass;
  const shape = checkSampleShape(opts.shape ?? [8, 8, 1], 'synthetic');
  const seed = opts.seed ?? 0;
  const noise = opts.noise ?? 0.15;
  const density = opts.density ?? 0.5;
  for (const [k, v] of Object.entries({ classes, perClass, testPerClass })) {
    if (!Number.isInteger(v) || v < (k === 'classes' ? 1 : 0)) {
      throw new SemsliceError('BAD_ARGUMENT', `synthetic: ${k} must be a ${k === 'classes' ? 'positive' : 'non-negative'} integer, got ${v}.`, `Pass e.g. ${k}: 10.`);
    }
  }
  if (!(noise >= 0) || !(density > 0 && density < 1)) {
    throw new SemsliceError('BAD_ARGUMENT', `synthetic: noise must be >= 0 and density in (0, 1), got noise ${noise}, density ${density}.`, 'Pass e.g. noise: 0.15, density: 0.5.');
  }
  const rng = new Rng(seed);
  const size = shape[0] * shape[1] * shape[2];
  const masks = Array.from({ length: classes }, () => onOffMask(rng, size, density));
  const classNames = Array.from({ length: classes }, (_, c) => `class${c}`);
  const make = (split: string, per: number): ImageDataset => {
    const n = per * classes;
    const pixels = new Float32Array(n * size);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % classes;
      labels[i] = c;
      const mask = masks[c]!;
      for (let j = 0; j < size; j++) pixels[i * size + j] = clip01((mask[j] ? ON : OFF) + noise * rng.normal());
    }
    return new ImageDataset({ name: 'synthetic', split, classNames, sampleShape: shape, pixels, labels });
  };
  const train = make('train', perClass);
  const test = make('test', testPerClass);
  return { name: 'synthetic', train, test, classNames, source: `synthetic (seed ${seed}, noise ${noise}, shape ${shape.join('x')})` };
}

/** A random 0/1 pattern with at least one 1, so no class is all background. */
function onOffMask(rng: Rng, size: number, density: number): Uint8Array {
  const p = new Uint8Array(size);
  let on = 0;
  for (let j = 0; j < size; j++) {
    p[j] = rng.next() < density ? 1 : 0;
    on += p[j]!;
  }
  if (on === 0) p[rng.int(size)] = 1;
  return p;
}

function clip01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
