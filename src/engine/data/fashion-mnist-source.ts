import { mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { SemsliceError } from '../errors.js';
import { fail, opt, say } from '../messages/index.js';
import { warn, type ProgressCallback } from '../log.js';
import { downloadVerified, type ExpectedFile } from './download.js';
import { findIdxFile, hasIdxSet } from './idx-dataset.js';

/** Official download location of Fashion-MNIST (Zalando Research). */
export const FASHION_MNIST_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** Where Debian's package dataset-fashion-mnist installs the gzipped IDX files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The official .gz files: byte sizes and md5s as published by Zalando (md5s from the Fashion-MNIST README; sizes as
 * served by the official mirrors). The one table both download and tests use. Debian re-gzipped its copies, so
 * files found in FASHION_MNIST_SYSTEM_DIR differ byte-wise; those are checked by their IDX header and size instead.
 */
export const FASHION_MNIST_FILES: Readonly<Record<string, ExpectedFile>> = Object.freeze({
  'train-images-idx3-ubyte.gz': { size: 26_421_880, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
  'train-labels-idx1-ubyte.gz': { size: 29_515, md5: '25c81989df183df01b3e8a0aad5dffbe' },
  't10k-images-idx3-ubyte.gz': { size: 4_422_102, md5: 'bef4ecab320f06d8554ea6380940ec79' },
  't10k-labels-idx1-ubyte.gz': { size: 5_148, md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
});

/** Where to look for, and where to put, Fashion-MNIST. Defaults are documented per field. */
export interface FashionMnistSourceOptions {
  /** A folder with the four files (raw or .gz), searched first. */
  dir?: string;
  /** Download into the cache when no folder has the files. Default false: nothing touches the network unless asked. */
  download?: boolean;
  /** semslice's cache root; files go to <cacheDir>/fashion-mnist. Default env SEMSLICE_CACHE_DIR, else ~/.cache/semslice. */
  cacheDir?: string;
  /** Download location (a folder URL ending in /). Default FASHION_MNIST_BASE_URL. */
  baseUrl?: string;
  /** Expected sizes and md5s of the files to download. Default FASHION_MNIST_FILES (tests inject their own). */
  files?: Readonly<Record<string, ExpectedFile>>;
  /** The system folder. Default FASHION_MNIST_SYSTEM_DIR (tests and other distributions override it). */
  systemDir?: string;
  /** Per-file download timeout in ms. Default 600,000. */
  timeoutMs?: number;
  onProgress?: ProgressCallback;
}

/** The outcome of a search: the folder and a description for reports, or the list of places searched. */
export type FashionMnistLocation = { found: true; dir: string; source: string } | { found: false; searched: string[] };

/**
 * The cache folder Fashion-MNIST is downloaded into.
 *
 * @example
 * fashionMnistCacheDir(); // '/home/me/.cache/semslice/fashion-mnist' (or $SEMSLICE_CACHE_DIR/fashion-mnist)
 */
export function fashionMnistCacheDir(opts: Pick<FashionMnistSourceOptions, 'cacheDir'> = {}): string {
  const root = opts.cacheDir ?? process.env.SEMSLICE_CACHE_DIR ?? join(homedir(), '.cache', 'semslice');
  return join(resolve(root), 'fashion-mnist');
}

/**
 * Find Fashion-MNIST without reading it: opts.dir, then env SEMSLICE_DATA_DIR (the folder itself or its
 * fashion-mnist subfolder), then /usr/share/datasets/fashion-mnist, then the cache folder.
 *
 * @example
 * const where = locateFashionMnist(); if (where.found) console.log(where.source);
 */
export function locateFashionMnist(opts: FashionMnistSourceOptions = {}): FashionMnistLocation {
  const candidates: Array<{ dir: string; source: string }> = [];
  if (opts.dir !== undefined) candidates.push({ dir: resolve(opts.dir), source: resolve(opts.dir) });
  const env = process.env.SEMSLICE_DATA_DIR;
  if (env) {
    candidates.push({ dir: resolve(env), source: `SEMSLICE_DATA_DIR (${resolve(env)})` });
    candidates.push({ dir: resolve(env, 'fashion-mnist'), source: `SEMSLICE_DATA_DIR (${resolve(env, 'fashion-mnist')})` });
  }
  const system = opts.systemDir ?? FASHION_MNIST_SYSTEM_DIR;
  candidates.push({ dir: system, source: system });
  const cache = fashionMnistCacheDir(opts);
  candidates.push({ dir: cache, source: `cache (${cache})` });
  if (opts.dir !== undefined && !hasIdxSet(resolve(opts.dir))) {
    warn(say`Fashion-MNIST: ${resolve(opts.dir)} (the ${opt('dir')} option) does not hold the four IDX files; searching on.`);
  }
  for (const c of candidates) if (hasIdxSet(c.dir)) return { found: true, ...c };
  return { found: false, searched: candidates.map((c) => c.dir) };
}

/**
 * The error for data that is nowhere and may not be downloaded: names every way to get it.
 *
 * @example
 * throw fashionMnistMissingError(['/usr/share/datasets/fashion-mnist']);
 */
export function fashionMnistMissingError(searched: readonly string[], opts: FashionMnistSourceOptions = {}): SemsliceError {
  return fail('DATA_NOT_FOUND', {
    case: 'fashion-mnist', searched, systemDir: opts.systemDir ?? FASHION_MNIST_SYSTEM_DIR,
    baseUrl: opts.baseUrl ?? FASHION_MNIST_BASE_URL, cacheDir: fashionMnistCacheDir(opts),
  });
}

/**
 * Download the files missing from the cache folder, each verified by size and md5. All are fetched to temporary
 * files first and renamed only when every one is good, so a failed run leaves nothing new in the cache.
 * Returns the cache folder.
 *
 * @example
 * const dir = await downloadFashionMnist({ cacheDir: '/tmp/semslice-cache' });
 */
export async function downloadFashionMnist(opts: FashionMnistSourceOptions = {}): Promise<string> {
  const dir = fashionMnistCacheDir(opts);
  const files = opts.files ?? FASHION_MNIST_FILES;
  const base = (opts.baseUrl ?? FASHION_MNIST_BASE_URL).replace(/\/?$/, '/');
  mkdirSync(dir, { recursive: true });
  const done: Array<{ tmp: string; target: string }> = [];
  try {
    for (const [name, expected] of Object.entries(files)) {
      if (findIdxFile(dir, name.replace(/\.gz$/, ''))) continue;
      const target = join(dir, name);
      const tmp = await downloadVerified(new URL(name, base).href, target, expected, opts);
      done.push({ tmp, target });
    }
  } catch (e) {
    await Promise.all(done.map((d) => rm(d.tmp, { force: true })));
    throw e;
  }
  for (const d of done) await rename(d.tmp, d.target);
  return dir;
}
