/** Images with constant patches (so conv outputs tie exactly inside pooling windows) and zero regions (dead windows). */
import { Rng } from '../../../../src/engine/rng.js';
import type { Dataset } from '../../../../src/engine/data/types.js';
import { arrayDataset } from './array-dataset.js';

export function tieDataset(n: number, shape: [number, number, number], numClasses: number, seed = 3): Dataset {
  const rng = new Rng(seed);
  const [h, w, c] = shape;
  const images = new Float32Array(n * h * w * c);
  for (let s = 0; s < n; s++) {
    const o = s * h * w * c;
    for (let i = 0; i < h * w * c; i++) images[o + i] = rng.next();
    for (let k = 0; k < 2; k++) {
      const v = k === 0 ? 0 : Math.round(rng.next() * 8) / 8;
      const y0 = rng.int(h - 3), x0 = rng.int(w - 3);
      for (let y = y0; y < y0 + 4; y++) for (let x = x0; x < x0 + 4; x++) for (let ch = 0; ch < c; ch++) images[o + (y * w + x) * c + ch] = v;
    }
  }
  const labels = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  return arrayDataset(images, labels, shape, numClasses);
}
