import { downloadFashionMnist, fashionMnistCacheDir, fashionMnistMissingError, locateFashionMnist,
  type FashionMnistSourceOptions } from './fashion-mnist-source.js';
import { loadIdxSplits } from './idx-dataset.js';
import type { DatasetSplits } from './types.js';

/** Options of fashionMnist(): where to look (see FashionMnistSourceOptions) plus a sample limit. */
export interface FashionMnistOptions extends FashionMnistSourceOptions {
  /** Read only the first `limit` samples of each split. Default: all (60,000 + 10,000). */
  limit?: number;
}

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Parsed results per (folder, limit) for this process. */
const cache = new Map<string, DatasetSplits>();

/**
 * Fashion-MNIST (60,000 + 10,000, 28x28x1, 10 classes). Looks in opts.dir, env SEMSLICE_DATA_DIR,
 * /usr/share/datasets/fashion-mnist (Debian: `apt-get install dataset-fashion-mnist`), then the cache folder
 * (~/.cache/semslice/fashion-mnist, root overridable by SEMSLICE_CACHE_DIR). If none has the files it downloads
 * them only when `download: true` (default false), verified by size and md5; otherwise it throws DATA_NOT_FOUND
 * naming every way to get the data.
 *
 * @example
 * const { train, test, source } = await fashionMnist();
 * const fm = await fashionMnist({ download: true });   // on a machine with internet
 */
export async function fashionMnist(opts: FashionMnistOptions = {}): Promise<DatasetSplits> {
  let where = locateFashionMnist(opts);
  if (!where.found) {
    if (!opts.download) throw fashionMnistMissingError(where.searched, opts);
    const dir = await downloadFashionMnist(opts);
    where = { found: true, dir, source: `download (${fashionMnistCacheDir(opts)})` };
  }
  const key = `${where.dir}\u0000${opts.limit ?? 'all'}`;
  let splits = cache.get(key);
  if (!splits) {
    splits = loadIdxSplits({ name: 'fashion-mnist', dir: where.dir, classNames: FASHION_MNIST_CLASS_NAMES, source: where.source, limit: opts.limit });
    cache.set(key, splits);
  }
  return splits;
}
