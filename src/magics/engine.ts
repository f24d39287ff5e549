/**
 * The engine as the magics reach it: one typed module. Long-running calls choose the backend on first use (the same
 * rule as the package entry), so a magic run in a notebook that never called initBackend does not fall back to
 * tfjs's pure-JS cpu backend.
 */
import { onFirstUse } from '../engine/backend/index.js';
import { loadDataset, type Dataset, type DatasetSplits } from '../engine/data/index.js';
import {
  compareExtend, compareReadapt, compareRestructure, INCREMENTAL_COMPARISON, listExtendMethods, listReadaptMethods, listRestructureMethods,
} from '../engine/maintenance/index.js';
import { loadModel } from '../engine/models/index.js';
import { listPruners } from '../engine/pruning/index.js';
import { slice } from '../engine/slicing/index.js';

/** What the built-in magics call. */
export const magicEngine = {
  loadModel: onFirstUse(loadModel),
  loadData: (name: string): Promise<DatasetSplits> => loadDataset(name),
  slice: onFirstUse(slice),
  compareRestructure: onFirstUse(compareRestructure),
  compareReadapt: onFirstUse(compareReadapt),
  compareExtend: onFirstUse(compareExtend),
  pruners: (): string[] => listPruners(),
  restructureMethods: (): string[] => listRestructureMethods(),
  readaptMethods: (): string[] => listReadaptMethods(),
  /** The comparison's arms (the default list of %%extend). */
  extendArms: (): string[] => INCREMENTAL_COMPARISON.map((a) => a.label),
  /** Every name %%extend accepts: the arms and the registered methods. */
  extendMethods: (): string[] => [...new Set([...INCREMENTAL_COMPARISON.map((a) => a.label), ...listExtendMethods()])],
};

/** A dataset split, or the value itself when it is one. */
export function isDataset(x: unknown): x is Dataset {
  return typeof x === 'object' && x !== null && typeof (x as Dataset).take === 'function' && typeof (x as Dataset).batches === 'function';
}

/** A `{ train, test }` value (a dataset's splits). */
export function isSplits(x: unknown): x is DatasetSplits {
  return typeof x === 'object' && x !== null && isDataset((x as DatasetSplits).train) && isDataset((x as DatasetSplits).test);
}
