/**
 * A small grid of grayscale images (e.g. clean images and their adversarial versions), one Vega-Lite rect per pixel,
 * faceted by row and column. Meant for a handful of small images (28x28: 784 rects each).
 */
import { baseSpec, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** One image of the grid: row-major grayscale pixels in [0, 1] (the first channel of an NHWC sample). */
export interface GridImage {
  pixels: ArrayLike<number>;
  /** Column heading (e.g. "7 -> 3"). */
  title: string;
  /** Row name (e.g. "clean", "FGSM"); images of one row share it. Default "". */
  row?: string;
}

/** Input of {@link imageGrid}. */
export interface ImageGridInput {
  height: number;
  width: number;
  /** Channels per pixel in `pixels` (only the first is drawn). Default 1. */
  channels?: number;
  images: GridImage[];
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions extends SizeOptions {
  /** Pixels on screen per image pixel. Default 3. */
  scale?: number;
}

/**
 * Grayscale image grid (0 = white, 1 = black, as MNIST is drawn).
 *
 * @example
 * ss.show(imageGrid({ height: 28, width: 28, images: [
 *   { pixels: adv.sources.sample(0), title: '0', row: 'clean' }, { pixels: adv.data.sample(0), title: '0', row: 'FGSM' } ] }));
 */
export function imageGrid(input: ImageGridInput, opts: ImageGridOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(input?.images, 'imageGrid', 'images', '{ height, width, images: [{ pixels, title, row }] }');
  const { height: h, width: w } = input;
  const c = input.channels ?? 1;
  const values: Array<{ img: number; title: string; row: string; x: number; y: number; v: number }> = [];
  input.images.forEach((im, img) => {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const v = im.pixels[(y * w + x) * c];
      assertFinite(v, 'imageGrid', `images[${img}].pixels[${(y * w + x) * c}]`);
      values.push({ img, title: im.title, row: im.row ?? '', x, y, v: round(v!, 3) });
    }
  });
  const scale = opts.scale ?? 3;
  const rows = [...new Set(input.images.map((i) => i.row ?? ''))];
  return {
    ...baseSpec(opts.title ?? 'Images', `${input.images.length} grayscale images of ${h}x${w} pixels in ${rows.length} row(s).`),
    data: { values },
    facet: {
      row: { field: 'row', type: 'nominal', title: null, sort: rows },
      column: { field: 'img', type: 'ordinal', title: null, header: { labelExpr: 'null' } },
    },
    spec: {
      width: opts.width ?? w * scale,
      height: opts.height ?? h * scale,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x', type: 'ordinal', axis: null },
        y: { field: 'y', type: 'ordinal', axis: null },
        color: { field: 'v', type: 'quantitative', scale: { scheme: 'greys', domain: [0, 1] }, legend: null },
        tooltip: [{ field: 'title', type: 'nominal', title: 'image' }, { field: 'v', type: 'quantitative', title: 'pixel' }],
      },
    },
    resolve: { scale: { color: 'shared' } },
  } as VegaLiteSpec;
}
