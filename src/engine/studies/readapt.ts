/**
 * The RQ3 study: re-adaptation. Two kinds of cell, told apart by `kind`:
 * - `run` (model x dataset x seed x workload): the base model of that seed (studyBaseModel: trained to convergence,
 *   cached, the recipes of the fidelity study), one workload, then one compareReadapt run of every method from that
 *   model with the same training set, budget, optimiser and seed. Workloads: FGSM and PGD images of every class;
 *   `pgd-classes`, PGD images made from a few classes only (seeded choice); `mutant`, a copy of the model damaged at
 *   random; `mutant-class`, a copy damaged on one class (it learns from that class's training images and is measured
 *   on its test images). Attacks keep only images the model gets wrong. Slices: for workloads of every class, the
 *   slice of all classes at theta 0.95 (the paper's row) and at theta 'auto' (the policy); for class-targeted ones,
 *   the slice of the classes present in the workload and the auto slice of all classes. `critical` and `random` run
 *   once per slice (random: as many neurons per site as that slice), `full`, `last-layer` and `deeparc` once.
 * - `tradeoff` (model x dataset x clean ratio, seed 0): the PGD workload and every method at one clean ratio, measured
 *   on the validation split, never the test set: theta auto is chosen on one half of it, and the other half is held
 *   out (new: PGD images made from it; clean: its images as they are). Across the ratios it gives each method's trade-off curve (new-sample against clean accuracy), which
 *   is how MAINTENANCE_DEFAULTS.readapt.cleanRatio was chosen.
 *
 * Rows hold only deterministic values (the runner's rule); wall times (seconds per step, training seconds in total
 * and to the target, evaluation excluded) are under each row's `timing` and reach the report through row-timings.csv.
 */
import { stratifiedSplit } from '../data/split.js';
import type { Dataset } from '../data/types.js';
import { compareReadapt, readaptRunLabel, taskSlice, type ReadaptRun, type ReadaptSliceSpec, type TaskSlice } from '../maintenance/index.js';
import { Rng } from '../rng.js';
import { clearSlicedBaseModel, slicedBaseModel, type BaseRecipe, type SlicedBaseModel } from './base-models.js';
import { formatInterval, seedInterval } from './stats.js';
import type { CellParams, ClaimVerdict, PresetName, ReportTable, ResultRow, StudyDefinition, StudyRecord, StudyReport } from './types.js';

/** The workloads of a run cell (see the file comment). */
export const READAPT_STUDY_WORKLOADS = ['fgsm', 'pgd', 'pgd-classes', 'mutant', 'mutant-class'] as const;
export type ReadaptStudyWorkload = (typeof READAPT_STUDY_WORKLOADS)[number];

/** Per-run sizes; a configuration may override them (the wider model costs more per step). */
interface RunSizes {
  workloads: ReadaptStudyWorkload[];
  /** New samples to learn from (and at most as many held out). */
  count: number;
  /** Epochs over the training set: adversarial workloads, and mutants (repair takes fewer steps). */
  epochs: number;
  mutantEpochs: number;
  /** Held-out checkpoints every this many steps, on this many clean test images (null: all). */
  evalEvery: number;
  checkpointTestCount: number | null;
}

/** A model/dataset pair: its base-model recipe and any sizes of its own. */
interface Config extends Partial<RunSizes> { model: string; dataset: string; batchNorm: boolean; width: number; maxEpochs: number; patience: number }

/** What a preset runs and with which budget. */
export interface ReadaptStudySizes extends RunSizes {
  configs: Config[];
  seeds: number[];
  /** Base-model training images (small preset only; full: the whole training part). */
  trainCount?: number;
  /** Clean test images measured before and after (null: the whole test set). */
  testCount: number | null;
  batchSize: number;
  learningRate: number;
  cleanRatio: number;
  methods: string[];
  /** Whole mutants: accuracy drop (points of the whole test accuracy); mutant-class: drop on its class. */
  drop: number;
  classDrop: number;
  /** Source classes of a class-targeted attack. */
  attackClasses: number;
  /** Held-out accuracy counted as re-adapted, per dataset (adversarial workloads; mutants: the original's - 1 point). */
  targets: Record<string, number>;
  /** Trade-off cells: clean ratios, on which configurations, and their sizes. */
  tradeoff: { ratios: number[]; configs: string[]; count: number; epochs: number } | null;
}

const METHODS = ['critical', 'random', 'full', 'last-layer', 'deeparc'];
const LENET = { batchNorm: false, width: 1, patience: 3 } as const;
const VGG = { batchNorm: true, width: 0.5, patience: 2 } as const;

/** The presets (full: sized to this project's 2-core machine, BENCHMARKS.md; run it in shards). */
export const READAPT_SIZES: Record<PresetName, ReadaptStudySizes> = {
  small: {
    configs: [{ model: 'lenet5', dataset: 'mnist', ...LENET, maxEpochs: 2, patience: 1 }],
    seeds: [0, 1], trainCount: 3000, testCount: 1000, workloads: ['fgsm', 'pgd-classes', 'mutant-class'],
    count: 200, epochs: 2, mutantEpochs: 2, evalEvery: 10, checkpointTestCount: 500, batchSize: 64, learningRate: 1e-3, cleanRatio: 4,
    methods: ['critical', 'random', 'full', 'last-layer'], drop: 0.3, classDrop: 0.5, attackClasses: 3,
    targets: { 'mnist': 0.8, 'fashion-mnist': 0.7 },
    tradeoff: { ratios: [1, 4], configs: ['lenet5/mnist'], count: 200, epochs: 2 },
  },
  full: {
    configs: [
      { model: 'lenet5', dataset: 'mnist', ...LENET, maxEpochs: 20 },
      { model: 'lenet5', dataset: 'fashion-mnist', ...LENET, maxEpochs: 30 },
      // vgg-small costs about 4x LeNet-5 per step and 6x per evaluated image: fewer epochs (it learns the new samples
      // in fewer steps) and no FGSM (PGD is the stronger attack).
      { model: 'vgg-small', dataset: 'mnist', ...VGG, maxEpochs: 12, epochs: 3, mutantEpochs: 2, workloads: ['pgd', 'pgd-classes', 'mutant', 'mutant-class'] },
      { model: 'vgg-small', dataset: 'fashion-mnist', ...VGG, maxEpochs: 15, epochs: 3, mutantEpochs: 2, workloads: ['pgd', 'pgd-classes', 'mutant', 'mutant-class'] },
    ],
    seeds: [0, 1, 2], testCount: null, workloads: [...READAPT_STUDY_WORKLOADS],
    count: 2000, epochs: 8, mutantEpochs: 3, evalEvery: 20, checkpointTestCount: 1000, batchSize: 64, learningRate: 1e-3, cleanRatio: 4,
    methods: METHODS, drop: 0.3, classDrop: 0.5, attackClasses: 3,
    targets: { 'mnist': 0.8, 'fashion-mnist': 0.7 },
    tradeoff: { ratios: [0, 1, 2, 4, 8], configs: ['lenet5/mnist', 'lenet5/fashion-mnist'], count: 2000, epochs: 4 },
  },
};

const keyOf = (c: { model: string; dataset: string }): string => `${c.model}/${c.dataset}`;

/** A configuration's run sizes: the preset's, with its own overrides. */
export function runSizes(s: ReadaptStudySizes, c: Config): RunSizes {
  return {
    workloads: c.workloads ?? s.workloads, count: c.count ?? s.count, epochs: c.epochs ?? s.epochs, mutantEpochs: c.mutantEpochs ?? s.mutantEpochs, evalEvery: c.evalEvery ?? s.evalEvery,
    checkpointTestCount: c.checkpointTestCount !== undefined ? c.checkpointTestCount : s.checkpointTestCount,
  };
}

function recipeOf(s: ReadaptStudySizes, c: Config, seed: number): BaseRecipe {
  return { model: c.model, dataset: c.dataset, seed, batchNorm: c.batchNorm, width: c.width, maxEpochs: c.maxEpochs, patience: c.patience, ...(s.trainCount !== undefined ? { trainCount: s.trainCount } : {}) };
}

const baseFor = (s: ReadaptStudySizes, c: Config, seed: number): Promise<SlicedBaseModel> => slicedBaseModel(recipeOf(s, c, seed));

/** Release the cached base model (tests; the runner's process ends anyway). */
export function clearReadaptStudyCache(): void {
  clearSlicedBaseModel();
}

/** The classes of a class-targeted workload of a seed: `n` distinct classes, a seeded draw. */
export function workloadClasses(seed: number, n: number, units: number): number[] {
  const all = new Rng(0x5eed + 7919 * seed).shuffle(Array.from({ length: units }, (_, k) => k));
  return all.slice(0, n).sort((a, b) => a - b);
}

const r6 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(6)));

/** The rows of one comparison (one per run). */
function runRows(runs: readonly ReadaptRun[], extra: Record<string, unknown>): ResultRow[] {
  return runs.map((r) => {
    const cleanDrops = r.before.cleanPerClass.map((b, k) => b - r.after.cleanPerClass[k]!).filter((x) => Number.isFinite(x));
    return {
      ...extra, method: r.method, slice: r.sliceName, run: readaptRunLabel(r),
      sliceTheta: r.sliceChoice?.theta ?? null, sliceClasses: r.sliceChoice ? r.sliceChoice.classes.join(' ') : null, sliceKept: r6(r.sliceChoice?.kept ?? null),
      trainableParams: r.trainableParams, totalParams: r.totalParams, trainedWeights: r.trainedWeights, totalWeights: r.totalWeights,
      newBefore: r.before.newAccuracy, newAfter: r.after.newAccuracy, cleanBefore: r.before.cleanAccuracy, cleanAfter: r.after.cleanAccuracy,
      worstClassDrop: cleanDrops.length ? Math.max(...cleanDrops) : null,
      target: r.target, stepsToTarget: r.stepsToTarget, steps: r.steps, frozenIdentical: r.frozen.identical,
      curve: r.rows.map((x) => [x.steps, r6(x.newAccuracy), r6(x.cleanAccuracy)]),
      ...(r.manifest.note ? { note: r.manifest.note } : {}),
      timing: { secondsPerStep: r.secondsPerStep, trainSeconds: r.trainSeconds, ...(r.secondsToTarget !== null ? { secondsToTarget: r.secondsToTarget } : {}) },
    };
  });
}

async function runCell(params: CellParams, s: ReadaptStudySizes, c: Config): Promise<ResultRow[]> {
  const seed = Number(params['seed']);
  const workload = String(params['workload']) as ReadaptStudyWorkload;
  const z = runSizes(s, c);
  const b = await baseFor(s, c, seed);
  const { splits } = b.base;
  const test = s.testCount === null ? splits.test : splits.test.take(s.testCount);
  const units = splits.train.numClasses;
  const targeted = workload === 'pgd-classes' || workload === 'mutant-class';
  const classes = workload === 'pgd-classes' ? workloadClasses(seed, s.attackClasses, units) : workload === 'mutant-class' ? workloadClasses(seed, 1, units) : null;
  const slices: ReadaptSliceSpec[] = targeted
    ? [{ name: 'present', sliceClasses: 'present' }, { name: 'auto', sliceClasses: 'all', slice: b.auto }]
    : [{ name: '0.95', sliceClasses: 'all', slice: b.paper }, { name: 'auto', sliceClasses: 'all', slice: b.auto }];
  const kind = workload === 'pgd-classes' ? 'pgd' : workload.startsWith('mutant') ? 'mutant' : workload as 'fgsm' | 'pgd';
  const cmp = await compareReadapt(b.base.model, { train: splits.train, validation: splits.validation, test }, {
    workload: kind, methods: s.methods, count: z.count, epochs: kind === 'mutant' ? z.mutantEpochs : z.epochs, batchSize: s.batchSize, learningRate: s.learningRate, cleanRatio: s.cleanRatio,
    evalEvery: z.evalEvery, ...(z.checkpointTestCount !== null ? { checkpointTestCount: z.checkpointTestCount } : {}), seed, slices,
    ...(kind === 'mutant' ? { drop: workload === 'mutant-class' ? s.classDrop : s.drop } : { target: s.targets[c.dataset] ?? 0.8 }),
    ...(classes ? { classes } : {}),
  });
  const w = cmp.workload;
  const workloadCols = kind === 'mutant'
    ? { drop: w['drop'], achievedDrop: w['achievedDrop'], fractionReplaced: w['fractionReplaced'], focusClass: w['focusClass'], meanOtherClassDrop: w['meanOtherClassDrop'], learn: w['learn'], heldOut: w['heldOut'] }
    : { eps: w['eps'], steps: w['steps'], stepSize: w['stepSize'], attackClasses: w['classes'], learn: w['learn'], heldOut: w['heldOut'], successRate: w['successRateHeldOut'], keep: w['keep'] };
  return runRows(cmp.runs, {
    kind: 'run', ...workloadCols, baseTestAccuracy: b.base.testAccuracy, baseEpochs: b.base.curve.length,
    epochs: kind === 'mutant' ? z.mutantEpochs : z.epochs, batchSize: s.batchSize, learningRate: s.learningRate, cleanRatio: s.cleanRatio, evalEvery: z.evalEvery,
  });
}

/** One clean ratio of the trade-off curve, measured on half of the validation split (file comment). */
async function tradeoffCell(params: CellParams, s: ReadaptStudySizes, c: Config): Promise<ResultRow[]> {
  const t = s.tradeoff!;
  const seed = Number(params['seed']);
  const ratio = Number(params['ratio']);
  const b = await baseFor(s, c, seed);
  const { first: valSlice, second: valMeasure } = stratifiedSplit(b.base.splits.validation, { fraction: 0.5, seed });
  const measure: Dataset = valMeasure;
  const cmp = await compareReadapt(b.base.model, { train: b.base.splits.train, validation: valSlice, test: measure }, {
    workload: 'pgd', methods: s.methods, count: t.count, epochs: t.epochs, batchSize: s.batchSize, learningRate: s.learningRate, cleanRatio: ratio,
    evalEvery: 1_000_000, seed, target: s.targets[c.dataset] ?? 0.8, slices: [{ name: 'auto', sliceClasses: 'all' }],
  });
  return runRows(cmp.runs, { kind: 'tradeoff', ratio, learn: cmp.workload['learn'], heldOut: cmp.workload['heldOut'], cleanImages: measure.size, epochs: t.epochs, learningRate: s.learningRate });
}

function configOf(s: ReadaptStudySizes, p: CellParams): Config {
  const c = s.configs.find((x) => x.model === p['model'] && x.dataset === p['dataset']);
  if (!c) throw new Error(`readapt study: no configuration ${String(p['model'])}/${String(p['dataset'])}`);
  return c;
}

/** The grid of a preset, in order: run cells by config and seed (cells sharing a base model are adjacent), then the trade-off cells. */
export function readaptGrid(preset: PresetName): CellParams[] {
  const s = READAPT_SIZES[preset];
  const runs = s.configs.flatMap((c) => s.seeds.flatMap((seed) => runSizes(s, c).workloads.map((workload) => ({ kind: 'run', model: c.model, dataset: c.dataset, seed, workload, ratio: s.cleanRatio }))));
  const t = s.tradeoff;
  const trade = t ? s.configs.filter((c) => t.configs.includes(keyOf(c))).flatMap((c) => t.ratios.map((ratio) => ({ kind: 'tradeoff', model: c.model, dataset: c.dataset, seed: s.seeds[0]!, workload: 'pgd', ratio }))) : [];
  return [...runs, ...trade];
}

// ----- the report -----

const pct = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : (100 * x).toFixed(d));
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** One run of a finished cell, with its wall times. */
interface Run { config: string; workload: string; seed: number; label: string; row: ResultRow; timing: Record<string, number> | null }

function runsOf(records: readonly StudyRecord[], kind: 'run' | 'tradeoff'): Run[] {
  return [...records].sort((a, b) => a.index - b.index).filter((r) => r.params['kind'] === kind).flatMap((r) => r.rows.map((row, i) => ({
    config: `${String(r.params['model'])} / ${String(r.params['dataset'])}`, workload: kind === 'run' ? String(r.params['workload']) : `pgd, clean ratio ${String(r.params['ratio'])}`,
    seed: Number(r.params['seed']), label: String(row['run']), row, timing: r.rowTimings?.[i] ?? null,
  })));
}

const num = (r: Run, k: string): number => { const v = r.row[k]; return typeof v === 'number' ? v : NaN; };

/** Per seed, a value of run `a` minus the same of run `b` in the same cell. */
function paired(all: readonly Run[], config: string, workload: string, a: string, b: string, value: (r: Run) => number): number[] {
  const seeds = [...new Set(all.filter((r) => r.config === config && r.workload === workload).map((r) => r.seed))];
  return seeds.map((seed) => {
    const x = all.find((r) => r.config === config && r.workload === workload && r.seed === seed && r.label === a);
    const y = all.find((r) => r.config === config && r.workload === workload && r.seed === seed && r.label === b);
    return x && y ? value(x) - value(y) : NaN;
  });
}

/** The label ours runs under in a cell: the auto slice (the policy) for every workload. */
const OURS = 'critical@auto';

function report(records: readonly StudyRecord[], preset: PresetName): StudyReport {
  const s = READAPT_SIZES[preset];
  const all = runsOf(records, 'run');
  const trade = runsOf(records, 'tradeoff');
  const cells = [...new Map(all.map((r) => [`${r.config}|${r.workload}`, { config: r.config, workload: r.workload }])).values()];
  const labelsOf = (config: string, workload: string): string[] => [...new Set(all.filter((r) => r.config === config && r.workload === workload).map((r) => r.label))];
  const tables: ReportTable[] = [];

  // Slices per configuration.
  const configs = [...new Set(all.map((r) => r.config))];
  tables.push({
    title: 'Slices: theta, share of neurons kept, share of parameters `critical` trains (mean over seeds)',
    columns: ['model / dataset', 'slice', 'theta', 'neurons kept %', 'parameters trained %'],
    rows: configs.flatMap((cfg) => [['critical@0.95', null], ['critical@auto', null], ['critical@present', 'pgd-classes'], ['critical@present', 'mutant-class']].flatMap(([label, workload]) => {
      const rs = all.filter((r) => r.config === cfg && r.label === label && (workload === null || r.workload === workload));
      // The slices of every class are the same in every cell of a seed: one row per seed.
      const once = workload === null ? [...new Map(rs.map((r) => [r.seed, r])).values()] : rs;
      if (!once.length) return [];
      const thetas = once.map((r) => String(r.row['sliceTheta'])).join(' / ');
      return [[cfg, workload === null ? label!.split('@')[1]! : `present (${workload})`, thetas, pct(mean(once.map((r) => num(r, 'sliceKept')))), pct(mean(once.map((r) => num(r, 'trainableParams') / num(r, 'totalParams'))))]];
    })),
    note: 'Thetas per seed. present: the slice of the classes in a class-targeted workload (pgd-classes: 3 classes, mutant-class: 1), theta chosen by auto on them.',
  });

  // Outcome per cell and run.
  tables.push({
    title: 'Re-adaptation: held-out new-sample and clean accuracy, cost (mean over seeds, 95% bootstrap interval)',
    columns: ['model / dataset', 'workload', 'run', 'new after %', 'clean change (pts)', 'worst class (pts)', 'trained %', 'steps to target (reached)', 'ms / step', 's to target'],
    rows: cells.flatMap(({ config, workload }) => labelsOf(config, workload).map((label) => {
      const rs = all.filter((r) => r.config === config && r.workload === workload && r.label === label);
      const reached = rs.filter((r) => r.row['stepsToTarget'] !== null);
      return [config, workload, label, formatInterval(seedInterval(rs.map((r) => num(r, 'newAfter')))),
        formatInterval(seedInterval(rs.map((r) => num(r, 'cleanAfter') - num(r, 'cleanBefore'))), { signed: true }),
        pct(mean(rs.map((r) => num(r, 'worstClassDrop')))), pct(mean(rs.map((r) => num(r, 'trainableParams') / num(r, 'totalParams')))),
        `${reached.length ? mean(reached.map((r) => num(r, 'stepsToTarget'))).toFixed(0) : '-'} (${reached.length}/${rs.length})`,
        (1000 * mean(rs.map((r) => r.timing?.['secondsPerStep'] ?? NaN))).toFixed(1),
        reached.length ? mean(reached.map((r) => r.timing?.['secondsToTarget'] ?? NaN)).toFixed(1) : '-'];
    })),
    note: `Held-out: attacks keep only images the model gets wrong (new accuracy before: 0); mutants: the test images (of the damaged class for mutant-class). Clean: ${s.testCount === null ? 'the whole 10,000-image test set' : `${s.testCount} test images`}, before and after. Target: ${Object.entries(s.targets).map(([d, t]) => `${d} ${pct(t, 0)}%`).join(', ')} for attacks; for mutants the original's accuracy on the held-out images minus 1 point. Steps to target: mean over the seeds that reached it (checkpoints every ${s.evalEvery} steps, vgg as configured). ms / step and seconds: wall time of training alone on a shared 2-core machine.`,
  });

  // Per-step cost against full retraining.
  const costRows: ReportTable['rows'] = [];
  const perStep: Array<{ config: string; workload: string; iv: ReturnType<typeof seedInterval> }> = [];
  for (const { config, workload } of cells) {
    for (const label of labelsOf(config, workload).filter((l) => l.startsWith('critical'))) {
      const ratio = paired(all, config, workload, label, 'full', (r) => Math.log(r.timing?.['secondsPerStep'] ?? NaN));
      const iv = seedInterval(ratio);
      if (label === OURS) perStep.push({ config, workload, iv });
      const share = mean(all.filter((r) => r.config === config && r.workload === workload && r.label === label).map((r) => num(r, 'trainableParams') / num(r, 'totalParams')));
      costRows.push([config, workload, label, pct(share), iv.n ? `${Math.exp(iv.mean).toFixed(2)} (${Math.exp(iv.lo).toFixed(2)} to ${Math.exp(iv.hi).toFixed(2)})` : '-',
        iv.n < 2 ? 'fewer than two seeds' : iv.hi < 0 ? 'faster' : iv.lo > 0 ? 'slower' : 'no faster per step']);
    }
  }
  tables.push({
    title: 'Time per step, critical over full retraining (geometric mean over seeds, 95% interval)',
    columns: ['model / dataset', 'workload', 'run', 'parameters trained %', 'time per step, critical / full', 'verdict'],
    rows: costRows,
    note: 'A weight with no trainable entry is left out of the optimiser and costs no weight gradient; a weight with some trainable entries costs its whole gradient (the mask is applied to it). So time per step follows the layers touched, not the parameter count.',
  });

  // Trade-off curves.
  if (trade.length) {
    const tcfg = [...new Set(trade.map((r) => r.config))];
    tables.push({
      title: 'Trade-off: held-out new-sample accuracy against clean accuracy per clean ratio (validation images, seed 0)',
      columns: ['model / dataset', 'method', ...[...new Set(trade.map((r) => num(r, 'ratio')))].sort((a, b) => a - b).map((q) => `ratio ${q}: new / clean %`)],
      rows: tcfg.flatMap((cfg) => [...new Set(trade.filter((r) => r.config === cfg).map((r) => r.label))].map((label) => {
        const rs = trade.filter((r) => r.config === cfg && r.label === label).sort((a, b) => num(a, 'ratio') - num(b, 'ratio'));
        return [cfg, label, ...rs.map((r) => `${pct(num(r, 'newAfter'))} / ${pct(num(r, 'cleanAfter'), 2)}`)];
      })),
      note: `Before re-adaptation clean accuracy is ${[...new Set(tcfg.map((cfg) => { const r = trade.find((x) => x.config === cfg)!; return `${cfg} ${pct(num(r, 'cleanBefore'), 2)}%`; }))].join(', ')}. Clean ratio: clean training images per new one (0: the new images alone); ${s.tradeoff!.epochs} epochs over the training set, so a larger ratio also means more steps. Measured on the validation split, never the test set: theta auto chosen on one half, the other held out (PGD images made from it, and clean accuracy on its images).`,
    });
  }

  // Claims.
  const diffClaim = (text: string, other: string, value: (r: Run) => number, what: string, margin: number, oursLabel = OURS, only?: (w: string) => boolean): ClaimVerdict => {
    const parts = cells.filter((x) => (!only || only(x.workload)) && labelsOf(x.config, x.workload).includes(oursLabel) && labelsOf(x.config, x.workload).includes(other))
      .map((x) => ({ ...x, iv: seedInterval(paired(all, x.config, x.workload, oursLabel, other, value)) }));
    if (parts.length === 0) return { claim: text, verdict: 'cannot be tested here', evidence: `${other} and ${oursLabel} were not both run in this preset.` };
    const evidence = `${what} (${oursLabel} minus ${other}, points, mean over seeds and 95% interval): ` + parts.map((p) => `${p.config} ${p.workload} ${formatInterval(p.iv, { signed: true })}`).join('; ') + '.';
    if (parts.every((p) => p.iv.n < 2)) return { claim: text, verdict: 'cannot be tested here', evidence: `${evidence} Fewer than two seeds per cell: no interval.` };
    const ok = parts.filter((p) => p.iv.n >= 2 && p.iv.lo > margin);
    return { claim: text, verdict: ok.length === parts.length ? 'holds' : 'does not hold', evidence: `${evidence} ${margin < 0 ? `Within ${pct(-margin, 0)} point or better` : 'Ahead'} (interval above ${pct(margin, 0)}) in ${ok.length} of ${parts.length} cells.` };
  };
  const newAcc = (r: Run): number => num(r, 'newAfter');
  const cleanChange = (r: Run): number => num(r, 'cleanAfter') - num(r, 'cleanBefore');
  const costClaim = (): ClaimVerdict => {
    const toTarget = cells.map((x) => ({ ...x, iv: seedInterval(paired(all, x.config, x.workload, OURS, 'full', (r) => r.timing?.['secondsToTarget'] ?? NaN)) }));
    const share = cells.map((x) => mean(all.filter((r) => r.config === x.config && r.workload === x.workload && r.label === OURS).map((r) => num(r, 'trainableParams') / num(r, 'totalParams'))));
    const faster = perStep.filter((p) => p.iv.n >= 2 && p.iv.hi < 0).length;
    const cheaper = toTarget.filter((p) => p.iv.n >= 2 && p.iv.hi < 0).length;
    const tested = toTarget.filter((p) => p.iv.n >= 2).length;
    return {
      claim: 'Tuning only the critical neurons costs less than full retraining.',
      verdict: tested === 0 ? 'cannot be tested here' : cheaper === tested ? 'holds' : 'does not hold',
      evidence: `Parameters trained (${OURS}): ${pct(Math.min(...share))}-${pct(Math.max(...share))}% of full's. Time per step below full's (interval of the ratio below 1) in ${faster} of ${perStep.length} cells (table "Time per step"). Training seconds to the target, ${OURS} minus full (where both reached it in at least two seeds): `
        + (toTarget.filter((p) => p.iv.n >= 2).map((p) => `${p.config} ${p.workload} ${formatInterval(p.iv, { points: false, signed: true })} s`).join('; ') || 'no cell')
        + `; lower in ${cheaper} of ${tested}.`,
    };
  };
  const defaultsClaim = (): ClaimVerdict => {
    const fulls = cells.filter((x) => !x.workload.startsWith('mutant')).map((x) => ({ ...x, iv: seedInterval(all.filter((r) => r.config === x.config && r.workload === x.workload && r.label === 'full').map(cleanChange)) }));
    const within = fulls.filter((p) => p.iv.n >= 1 && p.iv.mean >= -0.0125);
    return {
      claim: `Beyond the paper: at the defaults (${s.cleanRatio} clean images per new one, Adam ${s.learningRate}), full retraining on adversarial images keeps clean accuracy within about 1 point.`,
      verdict: fulls.length === 0 ? 'cannot be tested here' : within.length === fulls.length ? 'holds' : 'does not hold',
      evidence: `Clean accuracy change of full retraining (points): ${fulls.map((p) => `${p.config} ${p.workload} ${formatInterval(p.iv, { signed: true })}`).join('; ')}; within 1.25 points in ${within.length} of ${fulls.length}. The trade-off table shows what other clean ratios give.`,
    };
  };
  const presentClaim = (): ClaimVerdict => {
    const parts = cells.filter((x) => labelsOf(x.config, x.workload).includes('critical@present')).map((x) => {
      const share = (label: string) => mean(all.filter((r) => r.config === x.config && r.workload === x.workload && r.label === label).map((r) => num(r, 'trainableParams') / num(r, 'totalParams')));
      return { ...x, present: share('critical@present'), auto: share(OURS), iv: seedInterval(paired(all, x.config, x.workload, 'critical@present', 'full', newAcc)) };
    });
    const ok = parts.filter((p) => p.present < p.auto && p.iv.n >= 2 && p.iv.lo > -0.01).length;
    return {
      claim: 'Beyond the paper: on class-targeted workloads, the slice of the classes present trains fewer parameters than the slice of every class and still reaches full retraining\'s new-sample accuracy (within 1 point).',
      verdict: parts.length === 0 || parts.every((p) => p.iv.n < 2) ? 'cannot be tested here' : ok === parts.length ? 'holds' : 'does not hold',
      evidence: parts.map((p) => `${p.config} ${p.workload}: ${pct(p.present)}% vs ${pct(p.auto)}% of the parameters, new accuracy minus full ${formatInterval(p.iv, { signed: true })}`).join('; ') + `; holds in ${ok} of ${parts.length}.`,
    };
  };
  return {
    title: 'RQ3: re-adaptation',
    setup: [
      `${records.length} cells of ${readaptGrid(preset).length}: ${s.configs.map((c) => `${c.model}${c.batchNorm ? '+BN' : ''}${c.width !== 1 ? ` x${c.width}` : ''} on ${c.dataset} (${runSizes(s, c).workloads.join(', ')})`).join('; ')}; seeds ${s.seeds.join(', ')}.`,
      'Base models trained to convergence (early stopping on a validation split of the training images; the fidelity study\'s recipes, so its cached models are reused). Slices: all classes at theta 0.95 (the paper\'s row) and at theta auto (the slice policy, chosen on the validation split), and for class-targeted workloads the slice of the classes present; random trains as many neurons per layer as its slice.',
      `Every method from the same model: the new samples (${s.configs.map((c) => `${runSizes(s, c).count}`).filter((v, i, a) => a.indexOf(v) === i).join('/')} to learn from) plus ${s.cleanRatio} clean training images per new one, Adam ${s.learningRate}, batch ${s.batchSize}, epochs over that set ${s.configs.map((c) => `${keyOf(c)} ${runSizes(s, c).epochs} (mutants ${runSizes(s, c).mutantEpochs})`).join(', ')}, held-out checkpoints every ${s.evalEvery} steps (new samples, and ${s.checkpointTestCount ?? 'all'} clean test images; at most as many held-out test images for mutants), the same seed.`,
      `Workloads: FGSM/PGD (eps 0.3 MNIST, 0.1 Fashion-MNIST; PGD 40 steps of eps/30 from a random start) keeping only images the model gets wrong, made from training images to learn from and test images held out; pgd-classes from ${s.attackClasses} classes per seed; mutants with ${pct(s.drop, 0)} points of test-accuracy damage at random, mutant-class with ${pct(s.classDrop, 0)} points on one class.`,
      'Verdicts use ours = critical with the policy\'s slice (auto); the paper\'s theta-0.95 row is in every table.',
    ],
    claims: [
      diffClaim('Tuning only the critical neurons reaches the new-sample accuracy of full retraining (within 1 point).', 'full', newAcc, 'Held-out new-sample accuracy', -0.01),
      costClaim(),
      diffClaim('Tuning only the critical neurons damages clean accuracy less than full retraining.', 'full', cleanChange, 'Clean accuracy change', 0, OURS, (w) => !w.startsWith('mutant')),
      diffClaim('The slice is better than chance: critical neurons beat a random neuron subset of the same size per layer on the new samples.', 'random@auto', newAcc, 'Held-out new-sample accuracy', 0),
      diffClaim('Critical neurons beat DeepArc (the layers whose representation drifts most, trained whole) on the new samples.', 'deeparc', newAcc, 'Held-out new-sample accuracy', 0),
      presentClaim(),
      defaultsClaim(),
    ],
    tables,
  };
}

/** The `readapt` study (RQ3). */
export const readaptStudy: StudyDefinition = {
  name: 'readapt',
  description: 'RQ3: re-adaptation to FGSM/PGD images (of every class or a few) and repair of mutants (random or one-class damage); critical neurons (slices at theta 0.95, auto, classes present) vs full, last layer, DeepArc, random subset; trade-off of new against clean accuracy per clean ratio',
  grid: readaptGrid,
  run: (params, ctx) => {
    const s = READAPT_SIZES[ctx.preset];
    const c = configOf(s, params);
    return params['kind'] === 'tradeoff' ? tradeoffCell(params, s, c) : runCell(params, s, c);
  },
  report,
  presetNotes: {
    small: 'LeNet-5 on MNIST, seeds 0-1 (base model at most 2 epochs on 3,000 images): FGSM, PGD from 3 classes, a one-class mutant; critical, random, full, last-layer; 200 new + 800 clean images, 2 epochs, checkpoints every 10 steps; 1,000 test images; trade-off at clean ratios 1 and 4 (seed 0); about 1 minute',
    full: 'LeNet-5 and vgg-small (BatchNorm, width 0.5) on MNIST and Fashion-MNIST, seeds 0-2, base models to convergence (the fidelity study\'s); FGSM (LeNet-5 only), PGD, PGD from 3 classes, mutants (30 points, random) and one-class mutants (50 points on one class); every method, slices at theta 0.95, auto and the classes present; 2,000 new + 8,000 clean images (4 per new one), LeNet-5 8 epochs (mutants 3), vgg-small 3 (mutants 2), checkpoints every 20 steps on 1,000 clean and at most 1,000 held-out images; the whole test set before and after; trade-off at clean ratios 0, 1, 2, 4, 8 on LeNet-5 (2,000 new, 4 epochs, validation images); about 4 hours on 2 shared cores: run as 4 shards (--shard K/4) of about an hour',
  },
};
