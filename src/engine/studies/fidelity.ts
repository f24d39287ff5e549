/**
 * The RQ1 study as a definition: per cell (dataset x seed), a LeNet-5 trained with that seed, profiled once on
 * correctly classified training images (a per-class cap). Rows, told apart by `row`:
 * - `sweep`: every point of the fidelity sweep (semantic theta grid incl. beyond the paper, category-wise and global
 *   top-k), CR and test accuracy;
 * - `subset`: the slice at theta 0.95 (taylor) of every component and every single class, beside category-wise
 *   top-k at the same CR;
 * - `damage`: the damage matrix's summary (does switching off a class's own neurons hurt it most?);
 * - `components`: the semantic components found per metric and theta (0.90, 0.95, 0.99).
 */
import { loadDataset } from '../data/index.js';
import { buildModel } from '../models/index.js';
import { damageMatrix, fidelitySweep, profile, sliceFromStats, subsetFidelity, sweepRows } from '../slicing/index.js';
import { evaluate, train } from '../train/index.js';
import type { CellParams, PresetName, ResultRow, StudyDefinition } from './types.js';

/** Sizes of a preset: training images and epochs, profiling cap per class, test images. */
const SIZES: Record<PresetName, { trainCount: number; epochs: number; perClass: number; testCount: number; seeds: number[]; datasets: string[] }> = {
  small: { trainCount: 3000, epochs: 1, perClass: 60, testCount: 1000, seeds: [0, 1], datasets: ['mnist'] },
  full: { trainCount: 60000, epochs: 2, perClass: 500, testCount: 10000, seeds: [0, 1, 2], datasets: ['mnist', 'fashion-mnist'] },
};

async function runCell(params: CellParams, preset: PresetName): Promise<ResultRow[]> {
  const s = SIZES[preset];
  const seed = Number(params['seed']);
  const data = await loadDataset(String(params['dataset']));
  const trainSet = data.train.shuffle(seed).take(s.trainCount);
  const test = data.test.take(s.testCount);
  const model = buildModel(String(params['model']), { inputShape: data.train.sampleShape, numClasses: data.train.numClasses, seed });
  try {
    await train(model, trainSet, { epochs: s.epochs, seed });
    const base = await evaluate(model, test, { confusion: false });
    const profileData = trainSet.perClassCap(s.perClass);
    const stats = await profile(model, profileData, { metrics: ['taylor', 'avg'] });
    const sweep = await fidelitySweep(model, test, { stats, metrics: ['taylor', 'avg'], seed });
    const rows: ResultRow[] = sweepRows(sweep).map((r) => ({ row: 'sweep', ...r, unmaskedAccuracy: base.accuracy }));
    for (const metric of ['taylor', 'avg']) {
      for (const theta of [0.9, 0.95, 0.99]) {
        const sl = sliceFromStats(stats, { metric, theta, data: profileData });
        rows.push({ row: 'components', metric, theta, components: sl.components.map((c) => c.classes.map((k) => data.classNames[k]).join('+')).join(' | '), cut: sl.toJSON().merge?.cut ?? null });
      }
    }
    const headline = sliceFromStats(stats, { metric: 'taylor', theta: 0.95, data: profileData });
    for (const r of await subsetFidelity(model, test, headline)) rows.push({ row: 'subset', metric: 'taylor', theta: 0.95, ...r });
    const dm = await damageMatrix(model, test, headline);
    rows.push({ row: 'damage', metric: 'taylor', theta: 0.95, ...dm.summary });
    return rows;
  } finally {
    model.dispose();
  }
}

/** The `fidelity` study (RQ1). */
export const fidelityStudy: StudyDefinition = {
  name: 'fidelity',
  description: 'RQ1: compression rate against accuracy of masked LeNet-5 models, semantic slicing vs category-wise and global top-k',
  grid: (preset) => SIZES[preset].datasets.flatMap((dataset) => SIZES[preset].seeds.map((seed) => ({ model: 'lenet5', dataset, seed }))),
  run: (params, ctx) => runCell(params, ctx.preset),
  presetNotes: {
    small: 'MNIST, seeds 0-1; LeNet-5 1 epoch on 3,000 images, 60 profiling images per class, 1,000 test images',
    full: 'MNIST and Fashion-MNIST, seeds 0-2; LeNet-5 2 epochs on 60,000 images, 500 profiling images per class, 10,000 test images',
  },
};
