import { fail } from '../messages/index.js';
import { Rng } from '../rng.js';
import { ImageDataset } from './image-dataset.js';
import type { Dataset } from './types.js';

/** Options of toRgbVariant. */
export interface RgbVariantOptions {
  /** Output side (square). Default 32, the CIFAR-10 size. */
  size?: number;
  /** Seed of the per-sample colours. Default 0. */
  seed?: number;
}

/**
 * A "CIFAR-shaped" copy of a grey dataset: each sample padded (centred) to size x size and colourised with a seeded
 * random foreground and background colour, so 3-channel models (VGG/ResNet code paths) run on real images where
 * CIFAR-10 itself cannot be had. This copies pixels: 12 KB per sample at 32x32x3 (10,000 samples: 123 MB), so take
 * a subset first for large sets. Labels and class names are the view's; the name gets a "-rgb<size>" suffix.
 *
 * @example
 * const rgb = toRgbVariant((await mnist()).test.take(1000)); // sampleShape [32, 32, 3]
 */
export function toRgbVariant(ds: Dataset, opts: RgbVariantOptions = {}): ImageDataset {
  const size = opts.size ?? 32;
  const [h, w, c] = ds.sampleShape;
  if (c !== 1 || h > size || w > size || !Number.isInteger(size)) {
    throw fail('DATA_SHAPE_MISMATCH', { case: 'rgb-variant', have: [h, w, c], size });
  }
  const rng = new Rng(opts.seed ?? 0);
  const per = size * size * 3;
  const pixels = new Float32Array(ds.size * per);
  const top = (size - h) >> 1;
  const left = (size - w) >> 1;
  for (let i = 0; i < ds.size; i++) {
    // Bright foreground on a dark background keeps the digit/garment readable in every colour.
    const fg = [0.5 + 0.5 * rng.next(), 0.5 + 0.5 * rng.next(), 0.5 + 0.5 * rng.next()];
    const bg = [0.3 * rng.next(), 0.3 * rng.next(), 0.3 * rng.next()];
    const src = ds.sample(i);
    const out = pixels.subarray(i * per, (i + 1) * per);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = y - top;
        const sx = x - left;
        const v = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[sy * w + sx]! : 0;
        for (let k = 0; k < 3; k++) out[(y * size + x) * 3 + k] = bg[k]! + (fg[k]! - bg[k]!) * v;
      }
    }
  }
  return new ImageDataset({ name: `${ds.name}-rgb${size}`, split: ds.split, classNames: ds.classNames, sampleShape: [size, size, 3],
    pixels, labels: ds.labels(), finite: true });
}
