/**
 * The RQ1 study: slice fidelity. Per cell (model x dataset x seed), a base model trained to convergence
 * (studyBaseModel: early stopping on a validation split of the training data, cached), profiled once on correctly
 * classified training images (a per-class cap), then every point of the sweep, each measured on the whole test set:
 * - semantic slicing, theta 0.30 ... 0.85 (beyond the paper) and the paper's 0.90 ... 0.99, metrics taylor and avg;
 * - category-wise and global top-k, k = 5, 10, ..., 100 (taylor);
 * - the matched-count baseline `low-activation` (taylor): at every semantic point, as many neurons per site as the
 *   slice keeps, the most active ones (dead and least active neurons go first). It separates "semantic" from "drops
 *   the neurons that never fire": at the paper's thetas a whole-model slice removes mostly idle neurons.
 * Rows, told apart by `row`: `base` (the model's learning curve and accuracies), `sweep`, `subset` (every component
 * and single class as a model of its own, theta 0.95), `damage` (switching off a class's own neurons), `components`.
 *
 * The report compares curves by the area between them over the CR range both cover (the mean accuracy difference at
 * equal CR, weighted by CR, not by where points happen to sit), with a bootstrap interval over seeds, and says at
 * which CRs semantic slicing differs from the matched low-activation baseline.
 */
import { loadDataset } from '../data/index.js';
import { areaBetween, curveOf, damageMatrix, differenceAt, fidelitySweep, profile, sliceFromStats, subsetFidelity, sweepRows, type FidelityRow } from '../slicing/index.js';
import { DEFAULT_THETAS, PAPER_THETAS } from '../slicing/fidelity.js';
import { countParams } from '../maintenance/index.js';
import { studyBaseModel } from './base-models.js';
import { formatInterval, seedInterval } from './stats.js';
import type { CellParams, ClaimVerdict, PresetName, ReportTable, ResultRow, StudyDefinition, StudyRecord, StudyReport } from './types.js';

/** One model/dataset pair and how its base model is trained. */
interface Config { model: string; dataset: string; batchNorm: boolean; width: number; maxEpochs: number; patience: number }

/** A preset: pairs, seeds, sizes and grids. */
export interface FidelitySizes {
  configs: Config[];
  seeds: number[];
  /** Base-model training images (small preset only; full: the whole training part). */
  trainCount?: number;
  /** Profiling images per class. */
  perClass: number;
  /** Test images measured (null: the whole test split). */
  testCount: number | null;
  thetas: readonly number[];
  ks: readonly number[];
}

const K_GRID = Array.from({ length: 20 }, (_, i) => 5 * (i + 1));

/** The presets (full: sized to about 90 minutes on this project's 2-core machine, BENCHMARKS.md). */
export const FIDELITY_SIZES: Record<PresetName, FidelitySizes> = {
  small: {
    configs: [{ model: 'lenet5', dataset: 'mnist', batchNorm: false, width: 1, maxEpochs: 2, patience: 1 }],
    seeds: [0, 1], trainCount: 3000, perClass: 60, testCount: 1000,
    thetas: [0.3, 0.5, 0.7, 0.85, 0.9, 0.95, 0.99], ks: [10, 30, 50, 70, 90],
  },
  full: {
    configs: [
      { model: 'lenet5', dataset: 'mnist', batchNorm: false, width: 1, maxEpochs: 20, patience: 3 },
      { model: 'lenet5', dataset: 'fashion-mnist', batchNorm: false, width: 1, maxEpochs: 30, patience: 3 },
      { model: 'vgg-small', dataset: 'mnist', batchNorm: true, width: 0.5, maxEpochs: 12, patience: 2 },
      { model: 'vgg-small', dataset: 'fashion-mnist', batchNorm: true, width: 0.5, maxEpochs: 15, patience: 2 },
    ],
    seeds: [0, 1, 2], perClass: 500, testCount: null, thetas: DEFAULT_THETAS, ks: K_GRID,
  },
};

function configOf(s: FidelitySizes, p: CellParams): Config {
  const c = s.configs.find((x) => x.model === p['model'] && x.dataset === p['dataset']);
  if (!c) throw new Error(`fidelity study: no configuration ${String(p['model'])}/${String(p['dataset'])}`);
  return c;
}

async function runCell(params: CellParams, preset: PresetName): Promise<ResultRow[]> {
  const s = FIDELITY_SIZES[preset];
  const c = configOf(s, params);
  const seed = Number(params['seed']);
  const base = await studyBaseModel({
    model: c.model, dataset: c.dataset, seed, batchNorm: c.batchNorm, width: c.width, maxEpochs: c.maxEpochs, patience: c.patience,
    ...(s.trainCount !== undefined ? { trainCount: s.trainCount } : {}),
  });
  const { model } = base;
  try {
    const data = await loadDataset(c.dataset);
    const test = s.testCount === null ? base.splits.test : base.splits.test.take(s.testCount);
    const profileData = base.splits.train.shuffle(seed).perClassCap(s.perClass);
    const stats = await profile(model, profileData, { metrics: ['taylor', 'avg'] });
    const rows: ResultRow[] = [{
      row: 'base', params: countParams(model), bestEpoch: base.bestEpoch, epochs: base.curve.length, valAccuracy: base.valAccuracy, testAccuracy: base.testAccuracy,
      curve: base.curve.map((e) => [e.epoch, Number(e.accuracy.toFixed(6)), Number(e.valAccuracy.toFixed(6))]), trainImages: base.splits.train.size,
      validationImages: base.splits.validation.size, testImages: test.size, profiledImages: profileData.size,
    }];
    const taylor = await fidelitySweep(model, test, { stats, metrics: ['taylor'], thetas: s.thetas, ks: s.ks, matched: ['low-activation'], seed });
    const avg = await fidelitySweep(model, test, { stats, metrics: ['avg'], methods: ['semantic'], thetas: s.thetas, seed });
    for (const r of [...sweepRows(taylor), ...sweepRows(avg)]) rows.push({ row: 'sweep', method: r.method, metric: r.metric, theta: r.theta, k: r.k, cr: r.cr, accuracy: r.accuracy, beyondPaper: r.beyondPaper ?? false });
    for (const metric of ['taylor', 'avg']) {
      for (const theta of [0.9, 0.95, 0.99]) {
        const sl = sliceFromStats(stats, { metric, theta, data: profileData });
        rows.push({ row: 'components', metric, theta, components: sl.components.map((x) => x.classes.map((k) => data.classNames[k]).join('+')).join(' | '), cut: sl.merge.cut });
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

// ----- the report -----

const BASELINES = ['category-topk', 'global-topk', 'low-activation'] as const;
const CR_GRID = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);
const pct = (x: number, d = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}` : '-');

function sweepOf(r: StudyRecord): FidelityRow[] {
  return r.rows.filter((x) => x['row'] === 'sweep').map((x) => ({
    method: x['method'] as FidelityRow['method'], metric: x['metric'] as FidelityRow['metric'], theta: x['theta'] as number | null, k: x['k'] as number | null,
    cr: x['cr'] as number, accuracy: x['accuracy'] as number, perClass: [],
  }));
}

function groups(records: readonly StudyRecord[]): Map<string, StudyRecord[]> {
  const out = new Map<string, StudyRecord[]>();
  for (const r of [...records].sort((a, b) => a.index - b.index)) {
    const k = `${String(r.params['model'])} / ${String(r.params['dataset'])}`;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

/** Semantic (taylor) against one baseline: per seed, the area-between mean difference and its CR range. */
function versus(recs: readonly StudyRecord[], baseline: string): Array<{ seed: number; meanDiff: number; overlap: [number, number] | null; diffs: number[] }> {
  return recs.map((r) => {
    const rows = sweepOf(r).filter((x) => x.metric === 'taylor');
    const sem = curveOf(rows.filter((x) => x.method === 'semantic'));
    const other = curveOf(rows.filter((x) => x.method === baseline));
    const a = areaBetween(sem, other);
    return { seed: Number(r.params['seed']), meanDiff: a.meanDiff, overlap: a.overlap, diffs: differenceAt(sem, other, CR_GRID) };
  });
}

/** Bands of consecutive CRs where the seed interval of the difference excludes 0, in words. */
function bands(per: ReadonlyArray<{ diffs: number[] }>): string {
  const parts: string[] = [];
  let start = -1, sign = 0;
  const close = (end: number): void => {
    if (start >= 0) parts.push(`CR ${pct(CR_GRID[start]!, 0)}${end > start ? `-${pct(CR_GRID[end]!, 0)}` : ''}% (${sign > 0 ? 'semantic ahead' : 'semantic behind'})`);
    start = -1; sign = 0;
  };
  CR_GRID.forEach((_, i) => {
    const iv = seedInterval(per.map((p) => p.diffs[i]!));
    const s = iv.n >= 2 && iv.lo > 0 ? 1 : iv.n >= 2 && iv.hi < 0 ? -1 : 0;
    if (s !== sign) { close(i - 1); if (s !== 0) { start = i; sign = s; } }
  });
  close(CR_GRID.length - 1);
  return parts.length ? parts.join('; ') : 'nowhere on the CR axis (every interval includes 0)';
}

function report(records: readonly StudyRecord[], preset: PresetName): StudyReport {
  const s = FIDELITY_SIZES[preset];
  const g = groups(records);
  const baseTable: ReportTable = {
    title: 'Base models (trained to convergence: early stopping on a validation split of the training images)',
    columns: ['model / dataset', 'seed', 'epochs run', 'best epoch', 'validation accuracy %', 'test accuracy %', 'parameters'],
    rows: [...g].flatMap(([k, recs]) => recs.map((r) => {
      const b = r.rows.find((x) => x['row'] === 'base')!;
      return [k, Number(r.params['seed']), b['epochs'] as number, b['bestEpoch'] as number, pct(b['valAccuracy'] as number, 2), pct(b['testAccuracy'] as number, 2), b['params'] as number];
    })),
  };
  const areaRows: ReportTable['rows'] = [];
  const verdictCells: Record<string, Array<{ config: string; iv: ReturnType<typeof seedInterval> }>> = {};
  for (const [k, recs] of g) {
    for (const b of BASELINES) {
      const v = versus(recs, b);
      const iv = seedInterval(v.map((x) => x.meanDiff));
      (verdictCells[b] ??= []).push({ config: k, iv });
      const ranges = v.map((x) => x.overlap).filter((o): o is [number, number] => o !== null);
      const range = ranges.length ? `${pct(Math.max(...ranges.map((o) => o[0])), 0)}-${pct(Math.min(...ranges.map((o) => o[1])), 0)}%` : 'no overlap';
      areaRows.push([k, b, range, formatInterval(iv, { signed: true, digits: 2 }), v.map((x) => `${x.meanDiff >= 0 ? '+' : ''}${pct(x.meanDiff, 2)}`).join(' / ')]);
    }
  }
  const whereRows: ReportTable['rows'] = [...g].map(([k, recs]) => [k, bands(versus(recs, 'low-activation'))]);
  const paperRows: ReportTable['rows'] = [...g].map(([k, recs]) => {
    const pts = recs.flatMap((r) => sweepOf(r).filter((x) => x.method === 'semantic' && x.metric === 'taylor' && x.theta !== null && PAPER_THETAS.some((t) => Math.abs(t - x.theta!) < 1e-9)));
    const crs = pts.map((x) => x.cr);
    const accs = pts.map((x) => x.accuracy);
    return [k, crs.length ? `${pct(Math.min(...crs))}-${pct(Math.max(...crs))}` : '-', accs.length ? `${pct(Math.min(...accs), 2)}-${pct(Math.max(...accs), 2)}` : '-'];
  });
  const damageRows: ReportTable['rows'] = [...g].map(([k, recs]) => {
    const d = recs.map((r) => r.rows.find((x) => x['row'] === 'damage')!);
    return [k, formatInterval(seedInterval(d.map((x) => x['meanDiagonalDrop'] as number))), formatInterval(seedInterval(d.map((x) => x['meanOffDiagonalDrop'] as number))),
      d.map((x) => `${x['diagonalMaxRows']}/${x['rows']}`).join(', ')];
  });
  const claim = (b: string, text: string): ClaimVerdict => {
    const cells = verdictCells[b] ?? [];
    const ahead = cells.filter((c) => c.iv.n >= 2 && c.iv.lo > 0).map((c) => c.config);
    const behind = cells.filter((c) => c.iv.n >= 2 && c.iv.hi < 0).map((c) => c.config);
    const evidence = `Mean accuracy difference at equal CR (semantic minus ${b}, points, area between the curves over the CR range both cover; 95% bootstrap interval over seeds): `
      + cells.map((c) => `${c.config} ${formatInterval(c.iv, { signed: true, digits: 2 })}`).join('; ') + '.';
    if (cells.length === 0 || cells.some((c) => c.iv.n < 2)) return { claim: text, verdict: 'cannot be tested here', evidence: `${evidence} Fewer than two seeds per configuration: no interval.` };
    if (ahead.length === cells.length) return { claim: text, verdict: 'holds', evidence };
    return { claim: text, verdict: 'does not hold', evidence: `${evidence} Ahead (interval above 0) in ${ahead.length ? ahead.join(', ') : 'none'}; behind (interval below 0) in ${behind.length ? behind.join(', ') : 'none'}; the rest tie.` };
  };
  const dmg = [...g].map(([k, recs]) => ({ k, diag: seedInterval(recs.map((r) => r.rows.find((x) => x['row'] === 'damage')!['meanDiagonalDrop'] as number)), off: seedInterval(recs.map((r) => r.rows.find((x) => x['row'] === 'damage')!['meanOffDiagonalDrop'] as number)) }));
  const damageHolds = dmg.length > 0 && dmg.every((d) => d.diag.n >= 2 && d.diag.lo > d.off.hi);
  return {
    title: 'RQ1: slice fidelity',
    setup: [
      `${records.length} cells of ${s.configs.length * s.seeds.length} (${s.configs.map((c) => `${c.model}${c.batchNorm ? '+BN' : ''}${c.width !== 1 ? ` x${c.width}` : ''} on ${c.dataset}`).join(', ')}; seeds ${s.seeds.join(', ')}).`,
      `Base models trained to convergence: Adam 1e-3, batch 64, early stopping on a validation split of the training images (patience ${s.configs.map((c) => c.patience).join('/')} epochs, at most ${s.configs.map((c) => c.maxEpochs).join('/')}), the best epoch kept.`,
      `Profiled on ${s.perClass} correctly classified training images per class; every point measured on ${s.testCount === null ? 'the whole 10,000-image test set' : `${s.testCount} test images`}; nothing in this study is chosen, so no choice reads the test set.`,
      `Semantic thetas ${s.thetas.length} (${s.thetas[0]}...${s.thetas.at(-1)}), taylor and avg; category-wise and global top-k at k = ${s.ks.join(', ')}% (taylor); low-activation matched to every semantic taylor point (same neuron count per site, most active kept).`,
    ],
    claims: [
      claim('category-topk', 'At equal compression rate, semantic slicing keeps more accuracy than category-wise top-k% (the paper\'s RQ1).'),
      claim('global-topk', 'At equal compression rate, semantic slicing keeps more accuracy than global top-k% (the paper\'s RQ1).'),
      claim('low-activation', 'Beyond the paper: at equal size per layer, the semantic slice keeps more accuracy than keeping the most active neurons (is it more than dropping idle neurons?).'),
      {
        claim: 'The slices are about their class: switching off a class\'s own most specific neurons hurts that class more than the others.',
        verdict: dmg.some((d) => d.diag.n < 2) ? 'cannot be tested here' : damageHolds ? 'holds' : 'does not hold',
        evidence: dmg.map((d) => `${d.k}: own class ${formatInterval(d.diag)} points, other classes ${formatInterval(d.off)} points`).join('; ') + '.',
      },
    ],
    tables: [
      baseTable,
      { title: 'Mean accuracy difference at equal CR, semantic (taylor) minus each baseline', columns: ['model / dataset', 'baseline', 'common CR range', 'points (95% interval over seeds)', 'per seed'], rows: areaRows,
        note: 'Area between the two curves over the CR range both cover, divided by its width (trapezoid rule on every measured CR; curves linearly interpolated, never extrapolated).' },
      { title: 'Where semantic slicing differs from the matched low-activation baseline', columns: ['model / dataset', 'CRs where the 95% seed interval of the difference excludes 0'], rows: whereRows,
        note: `Difference read at CR ${CR_GRID.map((x) => pct(x, 0)).join(', ')}%.` },
      { title: 'The paper\'s grid (theta 0.90-0.99, taylor): what the whole-model slice removes', columns: ['model / dataset', 'CR % (all seeds)', 'accuracy % (all seeds)'], rows: paperRows },
      { title: 'Damage: switching off a class\'s own neurons (theta 0.95, 10% of each layer)', columns: ['model / dataset', 'own class drop, points', 'other classes drop, points', 'rows where the own class lost most'], rows: damageRows },
    ],
  };
}

/** The `fidelity` study (RQ1). */
export const fidelityStudy: StudyDefinition = {
  name: 'fidelity',
  description: 'RQ1: compression rate against accuracy of masked models: semantic slicing vs category-wise and global top-k and a matched low-activation baseline',
  grid: (preset) => {
    const s = FIDELITY_SIZES[preset];
    return s.configs.flatMap((c) => s.seeds.map((seed) => ({ model: c.model, dataset: c.dataset, seed })));
  },
  run: (params, ctx) => runCell(params, ctx.preset),
  report,
  presetNotes: {
    small: 'LeNet-5 on MNIST, seeds 0-1; base model at most 2 epochs on 3,000 images; 60 profiling images per class, 1,000 test images; 7 thetas, k 10-90 step 20',
    full: 'LeNet-5 and vgg-small (BatchNorm, width 0.5) on MNIST and Fashion-MNIST, seeds 0-2; base models to convergence (early stopping on a validation split); 500 profiling images per class; the whole test set; 22 thetas (taylor, avg), k 5-100 step 5, low-activation matched to every semantic point',
  },
};
