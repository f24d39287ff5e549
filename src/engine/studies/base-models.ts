/**
 * The base models of the studies: trained to convergence (early stopping on a validation split of the training data,
 * the best epoch's weights kept), with their learning curves, and cached on disk so that every study and every cell
 * that needs the same model loads it instead of training it again.
 *
 * Splits, the same for every study: the dataset's training split minus a stratified, seeded validation split
 * (maintenanceSplits: 10%, at most 2,000 images) trains the model; the validation split decides the early stop; the
 * whole test split is for reported numbers only.
 *
 * The cache key holds everything that decides the weights' bytes: the recipe, the backend (and whether the native
 * kernels ran), the training replica count and the package version. Training is deterministic for a given key, so a
 * cached model is the model training would give. Cache folder: `SEMSLICE_MODEL_CACHE`, else
 * `$SEMSLICE_CACHE_DIR/study-models`, else `~/.cache/semslice/study-models`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../atomic-write.js';
import { backendInfo, ensureBackend } from '../backend/index.js';
import { loadDataset } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import { fingerprint } from '../fingerprint.js';
import { maintenanceSplits, taskSlice, type MaintenanceSplits, type TaskSlice } from '../maintenance/index.js';
import { buildModel, loadModel, saveModel } from '../models/index.js';
import { evaluate, train, type EpochMetrics } from '../train/index.js';

/** How a base model is made. */
export interface BaseRecipe {
  model: string;
  dataset: string;
  seed: number;
  batchNorm?: boolean;
  width?: number;
  /** The classes it is trained on (a task of incremental development); default every class. */
  classes?: readonly number[];
  /** Training images drawn (seeded) from the training part; default all of it. */
  trainCount?: number;
  /** Upper bound on epochs; training stops earlier when validation accuracy has not improved for `patience` epochs. */
  maxEpochs: number;
  patience: number;
  batchSize?: number;
  learningRate?: number;
}

/** A base model with its data and its learning curve. */
export interface BaseModel {
  model: tf.LayersModel;
  /** train: what it was trained on; validation: the early stop's split; test: the whole test split. */
  splits: MaintenanceSplits;
  /** Per epoch: training loss and accuracy, validation accuracy (the curve the early stop read). */
  curve: Array<{ epoch: number; loss: number; accuracy: number; valAccuracy: number }>;
  /** The epoch whose weights were kept. */
  bestEpoch: number;
  /** Validation and test accuracy of the kept weights (the test accuracy restricted to `classes` when given). */
  valAccuracy: number;
  testAccuracy: number;
  /** Loaded from the cache (true) or trained now. */
  cached: boolean;
  key: string;
}

/** The cache folder (see the file comment). */
export function modelCacheDir(): string {
  return process.env['SEMSLICE_MODEL_CACHE'] ?? join(process.env['SEMSLICE_CACHE_DIR'] ?? join(homedir(), '.cache', 'semslice'), 'study-models');
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The cache key of a recipe on this process's backend (see the file comment). */
export function baseModelKey(r: BaseRecipe): string {
  const info = backendInfo();
  const workers = process.env['SEMSLICE_TRAIN_WORKERS'] ?? `auto/${availableParallelism()}`;
  const recipe = { ...r, classes: r.classes ? [...r.classes] : null };
  return `${r.model}-${r.dataset}-s${r.seed}-${fingerprint(JSON.stringify({ recipe, backend: info?.name ?? 'unknown', native: info?.native ?? false, workers, version: packageVersion() }))}`;
}

/** The splits a recipe trains on. */
async function recipeData(r: BaseRecipe): Promise<{ splits: MaintenanceSplits; trainSet: Dataset; validation: Dataset; test: Dataset }> {
  const data = await loadDataset(r.dataset);
  const splits = maintenanceSplits({ train: data.train, test: data.test }, r.seed);
  const cls = r.classes ? [...r.classes] : null;
  const own = (d: Dataset): Dataset => (cls ? d.subsetClasses(cls) : d);
  const pool = own(splits.train).shuffle(r.seed);
  const trainSet = r.trainCount !== undefined ? pool.take(Math.min(r.trainCount, pool.size)) : pool;
  return { splits, trainSet, validation: own(splits.validation), test: own(splits.test) };
}

/**
 * The base model of a recipe: from the cache, or trained to convergence now and cached.
 *
 * @example
 * const b = await studyBaseModel({ model: 'lenet5', dataset: 'mnist', seed: 0, maxEpochs: 15, patience: 2 });
 * b.testAccuracy; b.curve; b.splits.validation;
 * b.model.dispose();
 */
export async function studyBaseModel(r: BaseRecipe, opts: { cacheDir?: string } = {}): Promise<BaseModel> {
  await ensureBackend(); // the key names the backend: choose it first
  const { splits, trainSet, validation, test } = await recipeData(r);
  const key = baseModelKey(r);
  const dir = join(opts.cacheDir ?? modelCacheDir(), key);
  const curveFile = join(dir, 'curve.json');
  const measure = async (m: tf.LayersModel): Promise<{ valAccuracy: number; testAccuracy: number }> => {
    const cls = r.classes ? { classes: r.classes } : {};
    return {
      valAccuracy: (await evaluate(m, validation, { confusion: false, ...cls })).accuracy,
      testAccuracy: (await evaluate(m, test, { confusion: false, ...cls })).accuracy,
    };
  };
  if (existsSync(curveFile) && existsSync(join(dir, 'model', 'model.json'))) {
    const saved = JSON.parse(readFileSync(curveFile, 'utf8')) as { curve: BaseModel['curve']; bestEpoch: number };
    const model = await loadModel(join(dir, 'model'));
    return { model, splits: { ...splits, train: trainSet }, curve: saved.curve, bestEpoch: saved.bestEpoch, ...(await measure(model)), cached: true, key };
  }
  const model = buildModel(r.model, { inputShape: trainSet.sampleShape, numClasses: trainSet.numClasses, seed: r.seed, ...(r.batchNorm !== undefined ? { batchNorm: r.batchNorm } : {}), ...(r.width !== undefined ? { width: r.width } : {}) });
  try {
    const history = await train(model, trainSet, {
      epochs: r.maxEpochs, seed: r.seed, batchSize: r.batchSize ?? 64, learningRate: r.learningRate ?? 1e-3, validation,
      earlyStop: { patience: r.patience, monitor: 'valAccuracy', restoreBestWeights: true },
    });
    const curve = history.epochs.map((e: EpochMetrics) => ({ epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, valAccuracy: e.valAccuracy ?? NaN }));
    // Written whole into a temporary folder and renamed into place: a reader never sees half an entry, and when
    // another process (a shard on another node with the same cache) got there first, its identical entry stays.
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    try {
      await saveModel(model, join(tmp, 'model'), { metadata: { studyBaseModel: { ...r, classes: r.classes ? [...r.classes] : null } } });
      await writeFileAtomic(join(tmp, 'curve.json'), JSON.stringify({ recipe: r, curve, bestEpoch: history.bestEpoch }, null, 1) + '\n');
      await rename(tmp, dir).catch((e: NodeJS.ErrnoException) => { if (!existsSync(curveFile)) throw e; });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return { model, splits: { ...splits, train: trainSet }, curve, bestEpoch: history.bestEpoch, ...(await measure(model)), cached: false, key };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** A base model with its two slices of every class: theta auto (the slice policy) and 0.95 (the paper's row). */
export interface SlicedBaseModel { base: BaseModel; auto: TaskSlice; paper: TaskSlice }

let sliced: { key: string; value: SlicedBaseModel } | undefined;

/**
 * studyBaseModel and its two slices of every class, both chosen on the base model's validation split; kept in memory
 * while consecutive cells ask for the same recipe (the maintenance studies group their cells by base model).
 *
 * @example
 * const { base, auto, paper } = await slicedBaseModel({ model: 'lenet5', dataset: 'mnist', seed: 0, maxEpochs: 20, patience: 3 });
 */
export async function slicedBaseModel(recipe: BaseRecipe): Promise<SlicedBaseModel> {
  const key = JSON.stringify(recipe);
  if (sliced?.key === key) return sliced.value;
  clearSlicedBaseModel();
  const base = await studyBaseModel(recipe);
  const classes = Array.from({ length: base.splits.train.numClasses }, (_, k) => k);
  const opts = { seed: recipe.seed, validation: base.splits.validation };
  const auto = await taskSlice(base.model, base.splits.train, classes, opts);
  const paper = await taskSlice(base.model, base.splits.train, classes, { ...opts, theta: 0.95 });
  sliced = { key, value: { base, auto, paper } };
  return sliced.value;
}

/** Release the model slicedBaseModel keeps (tests; a study run's process ends anyway). */
export function clearSlicedBaseModel(): void {
  sliced?.value.base.model.dispose();
  sliced = undefined;
}
