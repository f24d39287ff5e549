/**
 * The RQ4 study: incremental development, task A (classes 0-4) then task B (5-9). Per (model, dataset, width, seed)
 * the base model knows task A (studyBaseModel with `classes: [0..4]`: trained to convergence with early stopping on
 * a validation split, the full 10-way head, cached); every cell then learns task B from that same model with one
 * group of arms, all on one budget (the same task-B images, epochs, batch size, Adam learning rate and seed):
 * - `baselines`: naive fine-tuning, replay 5% / 10% / 100% of task A's images, EWC (lambda on the grid 1e2 ... 1e7,
 *   chosen on the validation split), DeepArc (redundant layers);
 * - `ours`: theta auto with the capacity condition (minFree 0.25: task A's slice leaves a quarter of every site free,
 *   extend's default), ours+replay 10% on the same slice, and theta auto with the plain rule (minFree 0);
 * - `sweep`: ours at theta 0.5, 0.6, 0.7, 0.8, 0.9 and 0.95 (the curve of task A against task B).
 * Rows: one per arm, with task-IL accuracy of A (ours: through A's mask) and B, class-IL, per-site free counts after
 * slicing A, trainable parameters, the learning curve on the validation split, EWC's grid; wall times under `timing`.
 * Every choice (theta, lambda) reads the validation split; reported numbers are on the whole 10,000-image test set.
 *
 * The split-MNIST part of RQ4 (Hsu et al.'s set-up) is its own study, `split-mnist` (split-mnist.ts).
 */
import { compareExtend, type ExtendArm, type ExtendComparison, type ExtendRun } from '../maintenance/index.js';
import { loadDataset } from '../data/index.js';
import { studyBaseModel, type BaseModel } from './base-models.js';
import { formatInterval, seedInterval, type SeedInterval } from './stats.js';
import type { CellParams, ClaimVerdict, PresetName, ReportTable, ResultRow, StudyDefinition, StudyRecord, StudyReport } from './types.js';

/** A model/dataset/width and how its task-A base model is trained. */
interface PairConfig { model: string; dataset: string; width: number; seeds: number[]; maxEpochs: number; patience: number }

/** What a preset runs. */
export interface ExtendStudySizes {
  configs: PairConfig[];
  /** Task-B training images (and task-A images for replay, EWC's Fisher, DeepArc). */
  perTask: number;
  /** Passes over the task-B images. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Base-model training images (small preset only; full: every task-A training image). */
  trainCount?: number;
  /** Test images (null: the whole test split). */
  testCount: number | null;
  thetas: number[];
  /** The capacity condition of `auto` (extend's default) and the plain rule beside it. */
  minFree: number;
  /** EWC's lambda grid (null: extend's, 1e2 ... 1e7). */
  lambdas: number[] | null;
  parts: Part[];
}

type Part = 'baselines' | 'ours' | 'sweep';

const A = [0, 1, 2, 3, 4];
const B = [5, 6, 7, 8, 9];

/** The presets (full: sized for this project's 2-core machine, see presetNotes and docs/studies.md). */
export const EXTEND_SIZES: Record<PresetName, ExtendStudySizes> = {
  small: {
    configs: [{ model: 'lenet5', dataset: 'mnist', width: 1, seeds: [0], maxEpochs: 2, patience: 1 }],
    perTask: 1500, epochs: 2, batchSize: 64, learningRate: 1e-3, trainCount: 3000, testCount: 2000,
    thetas: [0.5, 0.8, 0.95], minFree: 0.25, lambdas: [1e2, 1e4, 1e6], parts: ['baselines', 'ours', 'sweep'],
  },
  full: {
    configs: [
      { model: 'lenet5', dataset: 'mnist', width: 1, seeds: [0, 1, 2], maxEpochs: 20, patience: 3 },
      { model: 'lenet5', dataset: 'mnist', width: 2, seeds: [0, 1, 2], maxEpochs: 20, patience: 3 },
      { model: 'lenet5', dataset: 'fashion-mnist', width: 1, seeds: [0, 1, 2, 3, 4], maxEpochs: 30, patience: 3 },
      { model: 'lenet5', dataset: 'fashion-mnist', width: 2, seeds: [0, 1, 2], maxEpochs: 30, patience: 3 },
    ],
    perTask: 15000, epochs: 4, batchSize: 64, learningRate: 1e-3, testCount: null,
    thetas: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95], minFree: 0.25, lambdas: null, parts: ['baselines', 'ours', 'sweep'],
  },
};

const configKey = (c: { model: string; dataset: string; width: number }): string => `${c.model}${c.width !== 1 ? ` x${c.width}` : ''} / ${c.dataset}`;

function configOf(s: ExtendStudySizes, p: CellParams): PairConfig {
  const c = s.configs.find((x) => x.model === p['model'] && x.dataset === p['dataset'] && x.width === p['width']);
  if (!c) throw new Error(`extend study: no configuration ${String(p['model'])} x${String(p['width'])} / ${String(p['dataset'])}`);
  return c;
}

/** The task-A base model, kept while consecutive cells share it (the grid puts them together). */
let cached: { key: string; base: BaseModel } | undefined;

async function baseFor(s: ExtendStudySizes, c: PairConfig, seed: number): Promise<BaseModel> {
  const recipe = { model: c.model, dataset: c.dataset, seed, width: c.width, classes: A, maxEpochs: c.maxEpochs, patience: c.patience, ...(s.trainCount !== undefined ? { trainCount: s.trainCount } : {}) };
  const key = JSON.stringify(recipe);
  if (cached?.key === key) return cached.base;
  if (cached) { cached.base.model.dispose(); cached = undefined; }
  const base = await studyBaseModel(recipe);
  cached = { key, base };
  return base;
}

/** Release the cached base model (tests; the runner's process ends anyway). */
export function clearExtendStudyCache(): void {
  cached?.base.model.dispose();
  cached = undefined;
}

const num = (x: number, d = 6): number => Number(x.toFixed(d));

/** One row per arm of a comparison. */
function rowsOf(cmp: ExtendComparison, part: Part, base: BaseModel, extra: Record<string, unknown>): ResultRow[] {
  const choice = cmp.choice;
  return cmp.runs.map((r: ExtendRun) => {
    const before = r.capacityBefore;
    return {
      part, arm: r.label, method: r.method, heads: r.budget.heads, ...extra,
      theta: choice?.theta ?? null, rule: choice?.rule ?? null, minFree: choice?.minFree ?? null,
      maskedValA: choice?.masked ?? null, unmaskedValA: choice?.unmasked ?? null, keptA: choice?.kept ?? null, crA: choice?.cr ?? null,
      capacitySites: choice?.capacitySites ?? null,
      baseTestA: base.testAccuracy,
      aBefore: r.before.old, aAfter: r.after.old, bAfter: r.after.new,
      classILAll: r.after.classIL.all, classILOld: r.after.classIL.old, classILNew: r.after.classIL.new, classILPlain: r.after.classIL.plainArgmax ?? null,
      oldLogitsIdentical: r.oldLogits.identical, frozenIdentical: r.frozen.identical, frozenEntries: r.frozen.frozenEntries, totalEntries: r.frozen.totalEntries,
      trainableParams: r.trained.trainableParams, totalParams: r.trained.totalParams, trainedWeights: r.trained.trainedWeights, totalWeights: r.trained.totalWeights,
      steps: r.budget.steps, batchSize: r.budget.batchSize, trainSamples: r.budget.trainSamples,
      freeA: before ? Object.fromEntries(before.sites.map((x) => [x.site, x.free])) : null,
      neurons: before ? Object.fromEntries(before.sites.map((x) => [x.site, x.neurons])) : null,
      lambda: (r.chosen['lambda'] as number | undefined) ?? null,
      lambdaGrid: r.grid.length ? r.grid.map((g) => [g.value, num(g.score), num(g.oldTaskIL), num(g.newTaskIL)]) : null,
      curve: r.curve.map((p) => [p.epoch, p.steps, num(p.oldTaskIL), num(p.newTaskIL)]),
      timing: { seconds: r.seconds, secondsPerStep: r.secondsPerStep },
    };
  });
}

async function pairCell(p: CellParams, s: ExtendStudySizes): Promise<ResultRow[]> {
  const c = configOf(s, p);
  const seed = Number(p['seed']);
  const part = p['part'] as Part;
  const base = await baseFor(s, c, seed);
  const data = await loadDataset(c.dataset);
  const test = s.testCount === null ? base.splits.test : base.splits.test.take(s.testCount);
  const common = {
    old: A, fresh: B, perTask: s.perTask, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed, test, curve: true, sliceNew: false,
    // A cell reports a slice that fills every site (only the new output rows then learn) rather than failing.
    allowFull: true,
  };
  const splitsData = { train: data.train, test: data.test };
  const rows: ResultRow[] = [{
    part, arm: 'base', baseTestA: base.testAccuracy, baseValA: base.valAccuracy, bestEpoch: base.bestEpoch, epochs: base.curve.length,
    baseCurve: base.curve.map((e) => [e.epoch, num(e.loss), num(e.accuracy), num(e.valAccuracy)]),
  }];
  if (part === 'baselines') {
    const arms: ExtendArm[] = [
      { label: 'naive', method: 'naive', params: {} },
      { label: 'replay-5%', method: 'replay', params: { replay: 0.05 } },
      { label: 'replay-10%', method: 'replay', params: { replay: 0.1 } },
      { label: 'replay-100%', method: 'replay', params: { replay: 1 } },
      { label: 'ewc', method: 'ewc', params: {} },
      { label: 'deeparc', method: 'deeparc', params: {} },
    ];
    const cmp = await compareExtend(base.model, splitsData, { ...common, methods: arms, ...(s.lambdas ? { gridValues: s.lambdas } : {}) });
    rows.push(...rowsOf(cmp, part, base, {}));
  } else if (part === 'ours') {
    const capacity = await compareExtend(base.model, splitsData, { ...common, minFree: s.minFree, methods: [{ label: 'ours', method: 'ours', params: {} }, { label: 'ours+replay-10%', method: 'ours+replay', params: { replay: 0.1 } }] });
    rows.push(...rowsOf(capacity, part, base, { policy: `auto, minFree ${s.minFree}` }));
    const plain = await compareExtend(base.model, splitsData, { ...common, minFree: 0, methods: [{ label: 'ours (minFree 0)', method: 'ours', params: {} }] });
    rows.push(...rowsOf(plain, part, base, { policy: 'auto, minFree 0' }));
  } else {
    for (const theta of s.thetas) {
      const cmp = await compareExtend(base.model, splitsData, { ...common, minFree: 0, slicePolicy: { theta }, methods: [{ label: `ours θ=${theta}`, method: 'ours', params: {} }] });
      rows.push(...rowsOf(cmp, part, base, { policy: `theta ${theta}` }));
    }
  }
  return rows;
}

/**
 * The grid: config, seed (cells sharing a base model adjacent), then the parts, rotated by one place per (config,
 * seed) so that shards of the runner (cell index % N) get every kind of part, not all the expensive ones.
 */
export function extendGrid(preset: PresetName): CellParams[] {
  const s = EXTEND_SIZES[preset];
  const pairs = s.configs.flatMap((c) => c.seeds.map((seed) => ({ c, seed })));
  return pairs.flatMap(({ c, seed }, i) => s.parts.map((_, k) => s.parts[(k + s.parts.length - (i % s.parts.length)) % s.parts.length]!)
    .map((part) => ({ kind: 'pair', model: c.model, dataset: c.dataset, width: c.width, seed, part })));
}

// ----- the report -----

const pct = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : (100 * x).toFixed(d));

interface ArmRow { config: string; seed: number; row: ResultRow }

function armRows(records: readonly StudyRecord[]): ArmRow[] {
  return [...records].sort((a, b) => a.index - b.index).flatMap((r) => r.rows.filter((x) => x['arm'] !== 'base').map((row) => ({
    config: configKey({ model: String(r.params['model']), dataset: String(r.params['dataset']), width: Number(r.params['width']) }), seed: Number(r.params['seed']), row,
  })));
}

function timingsOf(records: readonly StudyRecord[]): Map<string, { seconds: number; secondsPerStep: number }> {
  const out = new Map<string, { seconds: number; secondsPerStep: number }>();
  for (const r of records) {
    const arms = r.rows.filter((x) => x['arm'] !== 'base');
    const timings = (r.rowTimings ?? []).slice(r.rows.length - arms.length);
    arms.forEach((row, i) => {
      const t = timings[i];
      if (t && 'seconds' in t) out.set(`${r.id}|${String(row['arm'])}`, t as { seconds: number; secondsPerStep: number });
    });
  }
  return out;
}

const by = (rows: readonly ArmRow[], config: string, arm: string): ArmRow[] => rows.filter((r) => r.config === config && r.row['arm'] === arm);
const iv = (rows: readonly ArmRow[], key: string): SeedInterval => seedInterval(rows.map((r) => Number(r.row[key] ?? NaN)));
const f = (i: SeedInterval, signed = false): string => formatInterval(i, { signed });

/** Per seed, x(arm a) - y(arm b). */
function paired(rows: readonly ArmRow[], config: string, a: string, ka: string, b: string, kb: string): number[] {
  const xa = by(rows, config, a), xb = by(rows, config, b);
  return xa.map((r) => {
    const o = xb.find((q) => q.seed === r.seed);
    return o ? Number(r.row[ka]) - Number(o.row[kb]) : NaN;
  });
}

function report(records: readonly StudyRecord[], preset: PresetName): StudyReport {
  const s = EXTEND_SIZES[preset];
  const rows = armRows(records);
  const configs = [...new Set(rows.map((r) => r.config))];
  const arms = [...new Set(rows.map((r) => String(r.row['arm'])))];
  const times = timingsOf(records);
  const tables: ReportTable[] = [];
  const bases = [...records].sort((a, b) => a.index - b.index).filter((r) => r.params['part'] === s.parts[0]).map((r) => ({ r, b: r.rows.find((x) => x['arm'] === 'base')! }));
  tables.push({
    title: 'Task-A base models (classes 0-4, the full 10-way head; early stopping on the validation split)',
    columns: ['model / dataset', 'seed', 'epochs run', 'best epoch', 'validation accuracy % (5-way)', 'test accuracy % (5-way)'],
    rows: bases.map(({ r, b }) => [configKey({ model: String(r.params['model']), dataset: String(r.params['dataset']), width: Number(r.params['width']) }), Number(r.params['seed']), b['epochs'] as number, b['bestEpoch'] as number, pct(b['baseValA'] as number, 2), pct(b['baseTestA'] as number, 2)]),
  });
  const seconds = (cfg: string, arm: string): string => {
    const ts = records.filter((r) => configKey({ model: String(r.params['model']), dataset: String(r.params['dataset']), width: Number(r.params['width']) }) === cfg)
      .map((r) => times.get(`${r.id}|${arm}`)).filter((t): t is { seconds: number; secondsPerStep: number } => t !== undefined);
    if (!ts.length) return '-';
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    return `${(1000 * mean(ts.map((t) => t.secondsPerStep))).toFixed(1)} ms / ${mean(ts.map((t) => t.seconds)).toFixed(0)} s`;
  };
  for (const cfg of configs) {
    const seeds = [...new Set(rows.filter((r) => r.config === cfg).map((r) => r.seed))];
    tables.push({
      title: `${cfg}: task A then task B, every arm (mean over ${seeds.length} seed${seeds.length > 1 ? 's' : ''}, 95% bootstrap interval; %)`,
      columns: ['arm', 'heads', 'task A after (task-IL)', 'task B (task-IL)', 'all classes (class-IL)', 'A logits bit-identical', 'trainable parameters', 'trained weights', 'per step / total (wall)'],
      rows: arms.filter((a) => by(rows, cfg, a).length).map((a) => {
        const rs = by(rows, cfg, a);
        const r0 = rs[0]!.row;
        return [a, String(r0['heads']), f(iv(rs, 'aAfter')), f(iv(rs, 'bAfter')), f(iv(rs, 'classILAll')), rs.every((x) => x.row['oldLogitsIdentical']) ? 'yes' : 'no',
          `${Math.round(iv(rs, 'trainableParams').mean).toLocaleString('en-US')} of ${Number(r0['totalParams']).toLocaleString('en-US')}`, `${r0['trainedWeights']} of ${r0['totalWeights']}`, seconds(cfg, a)];
      }),
      note: `Task A before task B (the unmasked base model, 5-way): ${f(seedInterval(bases.filter(({ r }) => configKey({ model: String(r.params['model']), dataset: String(r.params['dataset']), width: Number(r.params['width']) }) === cfg).map(({ b }) => b['baseTestA'] as number)))}. Ours reads task A through its slice's mask. Wall times are of this run's machine and load, not a benchmark.`,
    });
  }
  // The theta curve.
  const sweepArms = arms.filter((a) => a.startsWith('ours θ='));
  tables.push({
    title: 'Ours over theta: task A against task B (the trade-off curve; mean over seeds, %), beside the baselines',
    columns: ['model / dataset', 'arm', 'task A after', 'task B', 'kept share of task A\'s slice %', 'smallest free share of a site after A %'],
    rows: configs.flatMap((cfg) => [...sweepArms, 'ours', 'ours (minFree 0)', 'naive', 'replay-10%', 'ewc', 'deeparc'].filter((a) => by(rows, cfg, a).length).map((a) => {
      const rs = by(rows, cfg, a);
      const minFreeShare = rs.map((r) => {
        const free = r.row['freeA'] as Record<string, number> | null, n = r.row['neurons'] as Record<string, number> | null;
        return free && n ? Math.min(...Object.keys(free).map((k) => free[k]! / n[k]!)) : NaN;
      });
      return [cfg, a, f(iv(rs, 'aAfter')), f(iv(rs, 'bAfter')), rs[0]!.row['keptA'] === null ? '-' : f(iv(rs, 'keptA')), Number.isFinite(minFreeShare[0]) ? f(seedInterval(minFreeShare)) : '-'];
    })),
  });
  // Capacity condition against the plain rule.
  tables.push({
    title: `Theta auto with the capacity condition (minFree ${s.minFree}) against the plain rule (minFree 0)`,
    columns: ['model / dataset', 'rule', 'theta chosen (per seed)', 'masked / unmasked task A on validation % (per seed)', 'task A after', 'task B', 'capacity met (per seed)'],
    rows: configs.flatMap((cfg) => [['ours', `auto, minFree ${s.minFree}`], ['ours (minFree 0)', 'auto, minFree 0']].filter(([a]) => by(rows, cfg, a!).length).map(([a, rule]) => {
      const rs = by(rows, cfg, a!);
      return [cfg, rule!, rs.map((r) => String(r.row['theta'])).join(', '), rs.map((r) => `${pct(r.row['maskedValA'] as number)}/${pct(r.row['unmaskedValA'] as number)}`).join(', '),
        f(iv(rs, 'aAfter')), f(iv(rs, 'bAfter')), rs.map((r) => ((r.row['capacitySites'] as string[] | null)?.length ? 'yes' : 'n/a')).join(', ')];
    })),
    note: 'Capacity is asked of the sites where the smallest theta of the grid meets it; "n/a": no condition (minFree 0).',
  });
  // Per-site free counts after slicing task A.
  tables.push({
    title: 'Free neurons per site after slicing task A (what task B can learn in), per seed',
    columns: ['model / dataset', 'slice', 'per site: free of neurons'],
    rows: configs.flatMap((cfg) => ['ours', 'ours (minFree 0)', ...sweepArms].filter((a) => by(rows, cfg, a).length).map((a) => {
      const rs = by(rows, cfg, a);
      const sites = Object.keys((rs[0]!.row['neurons'] as Record<string, number> | null) ?? {});
      return [cfg, a, sites.map((site) => `${site} ${rs.map((r) => (r.row['freeA'] as Record<string, number>)[site]).join('/')} of ${(rs[0]!.row['neurons'] as Record<string, number>)[site]}`).join('; ')];
    })),
  });
  // Learning curves.
  tables.push({
    title: 'Learning curves: task-B accuracy (task-IL, validation split) after each epoch of task B (mean over seeds, %)',
    columns: ['model / dataset', 'arm', ...Array.from({ length: s.epochs }, (_, e) => `epoch ${e + 1}`)],
    rows: configs.flatMap((cfg) => ['naive', 'replay-10%', 'ewc', 'deeparc', 'ours', 'ours+replay-10%'].filter((a) => by(rows, cfg, a).length).map((a) => {
      const rs = by(rows, cfg, a);
      return [cfg, a, ...Array.from({ length: s.epochs }, (_, e) => pct(rs.reduce((acc, r) => acc + (((r.row['curve'] as number[][])[e]?.[3]) ?? NaN), 0) / rs.length))];
    })),
    note: 'Converged when the last epochs change by a fraction of a point.',
  });
  tables.push({
    title: 'EWC: lambda chosen on the validation split (per seed) and the grid\'s mean task-IL score',
    columns: ['model / dataset', 'chosen lambda per seed', ...((by(rows, configs[0] ?? '', 'ewc')[0]?.row['lambdaGrid'] as number[][] | null) ?? []).map((g) => `lambda ${g[0]!.toExponential(0)}`)],
    rows: configs.filter((cfg) => by(rows, cfg, 'ewc').length).map((cfg) => {
      const rs = by(rows, cfg, 'ewc');
      const grid = rs[0]!.row['lambdaGrid'] as number[][];
      return [cfg, rs.map((r) => Number(r.row['lambda']).toExponential(0)).join(', '), ...grid.map((_, i) => pct(rs.reduce((a, r) => a + (r.row['lambdaGrid'] as number[][])[i]![1]!, 0) / rs.length))];
    }),
  });

  // ----- claims -----
  const claims: ClaimVerdict[] = [];
  const enough = (xs: SeedInterval[]): boolean => xs.length > 0 && xs.every((x) => x.n >= 2);
  const noSeeds = ' Fewer than two seeds per configuration: no interval.';
  {
    // Close to pre-B training: the drop from the unmasked base model to ours' task A after B, within a point.
    const cells = configs.filter((c) => by(rows, c, 'ours').length).map((cfg) => ({ cfg, d: seedInterval(by(rows, cfg, 'ours').map((r) => Number(r.row['baseTestA']) - Number(r.row['aAfter']))), same: by(rows, cfg, 'ours').every((r) => r.row['oldLogitsIdentical']) }));
    const ev = `Task A before B (unmasked) minus ours' task A after B (through its mask), points: ${cells.map((c) => `${c.cfg} ${f(c.d, true)}${c.same ? '' : ' (logits moved)'}`).join('; ')}. Task A's logits are bit-identical before and after B in ${cells.filter((c) => c.same).length} of ${cells.length} configurations; the whole drop is the slice's (theta auto with minFree ${s.minFree}).`;
    claims.push({
      claim: 'NeuSemSlice keeps task-A accuracy close to its accuracy before task B (within one point), without replay.',
      verdict: !enough(cells.map((c) => c.d)) ? 'cannot be tested here' : cells.every((c) => c.same && c.d.hi <= 0.01) ? 'holds' : 'does not hold',
      evidence: enough(cells.map((c) => c.d)) ? ev : ev + noSeeds,
    });
  }
  {
    const cells = configs.filter((c) => by(rows, c, 'ours').length && by(rows, c, 'naive').length).map((cfg) => ({ cfg, d: seedInterval(paired(rows, cfg, 'ours', 'bAfter', 'naive', 'bAfter')) }));
    const ev = `Task B, ours minus naive fine-tuning, points: ${cells.map((c) => `${c.cfg} ${f(c.d, true)}`).join('; ')}.`;
    claims.push({
      claim: 'NeuSemSlice still learns task B: within 2 points of naive fine-tuning on the same budget.',
      verdict: !enough(cells.map((c) => c.d)) ? 'cannot be tested here' : cells.every((c) => c.d.lo >= -0.02) ? 'holds' : 'does not hold',
      evidence: enough(cells.map((c) => c.d)) ? ev : ev + noSeeds,
    });
  }
  {
    const cells = configs.filter((c) => by(rows, c, 'naive').length).map((cfg) => ({ cfg, d: seedInterval(by(rows, cfg, 'naive').map((r) => Number(r.row['baseTestA']) - Number(r.row['aAfter']))) }));
    const ev = `Task A lost by naive fine-tuning on B, points: ${cells.map((c) => `${c.cfg} ${f(c.d)}`).join('; ')}.`;
    claims.push({
      claim: 'Naive retraining collapses on task A (loses more than 20 points).',
      verdict: !enough(cells.map((c) => c.d)) ? 'cannot be tested here' : cells.every((c) => c.d.lo > 0.2) ? 'holds' : 'does not hold',
      evidence: enough(cells.map((c) => c.d)) ? ev : ev + noSeeds,
    });
  }
  {
    const cells = configs.filter((c) => by(rows, c, 'replay-5%').length && by(rows, c, 'replay-100%').length).map((cfg) => ({ cfg, d: seedInterval(paired(rows, cfg, 'replay-100%', 'aAfter', 'replay-5%', 'aAfter')), a5: iv(by(rows, cfg, 'replay-5%'), 'aAfter'), a10: iv(by(rows, cfg, 'replay-10%'), 'aAfter'), a100: iv(by(rows, cfg, 'replay-100%'), 'aAfter') }));
    const ev = `Task A after B with replay 5% / 10% / 100%: ${cells.map((c) => `${c.cfg} ${f(c.a5)} / ${f(c.a10)} / ${f(c.a100)} (100% minus 5%: ${f(c.d, true)} points)`).join('; ')}.`;
    claims.push({
      claim: 'Replay trades data for retention: replaying more of task A keeps more of it.',
      verdict: !enough(cells.map((c) => c.d)) ? 'cannot be tested here' : cells.every((c) => c.d.lo > 0) ? 'holds' : 'does not hold',
      evidence: enough(cells.map((c) => c.d)) ? ev : ev + noSeeds,
    });
  }
  for (const [others, text] of [
    [['naive', 'ewc', 'deeparc'], 'NeuSemSlice keeps more of task A than every baseline that stores no task-A data (naive, EWC, DeepArc).'],
    [['replay-5%', 'replay-10%'], 'NeuSemSlice keeps more of task A than replaying 5% or 10% of it.'],
    [['naive', 'replay-5%', 'replay-10%', 'replay-100%', 'ewc', 'deeparc'], 'NeuSemSlice outperforms every baseline on task B (the new task), on the same budget.'],
  ] as const) {
    const key = text.includes('task B') ? 'bAfter' : 'aAfter';
    const cells = configs.flatMap((cfg) => others.filter((o) => by(rows, cfg, o).length && by(rows, cfg, 'ours').length).map((o) => ({ cfg, o, d: seedInterval(paired(rows, cfg, 'ours', key, o, key)) })));
    const ev = `Ours minus each, ${key === 'aAfter' ? 'task A after B' : 'task B'}, points: ${cells.map((c) => `${c.cfg} vs ${c.o} ${f(c.d, true)}`).join('; ')}.`;
    const ahead = cells.filter((c) => c.d.n >= 2 && c.d.lo > 0).length;
    claims.push({
      claim: text,
      verdict: !enough(cells.map((c) => c.d)) ? 'cannot be tested here' : ahead === cells.length ? 'holds' : 'does not hold',
      evidence: enough(cells.map((c) => c.d)) ? `${ev} Ahead (interval above 0) in ${ahead} of ${cells.length}.` : ev + noSeeds,
    });
  }
  {
    const cells = configs.filter((c) => sweepArms.every((a) => by(rows, c, a).length)).map((cfg) => ({
      cfg, lo: sweepArms[0]!, hi: sweepArms.at(-1)!,
      dA: seedInterval(paired(rows, cfg, sweepArms.at(-1)!, 'aAfter', sweepArms[0]!, 'aAfter')), dB: seedInterval(paired(rows, cfg, sweepArms[0]!, 'bAfter', sweepArms.at(-1)!, 'bAfter')),
    }));
    const ev = cells.map((c) => `${c.cfg}: task A ${c.hi} minus ${c.lo} ${f(c.dA, true)}, task B ${c.lo} minus ${c.hi} ${f(c.dB, true)}`).join('; ');
    claims.push({
      claim: 'Beyond the paper: theta trades task A for task B — a larger theta keeps more of task A, a smaller one leaves more room for task B.',
      verdict: !cells.length || !enough(cells.flatMap((c) => [c.dA, c.dB])) ? 'cannot be tested here' : cells.every((c) => c.dA.lo > 0 && c.dB.lo > 0) ? 'holds' : 'does not hold',
      evidence: (ev || 'no theta sweep in this run') + '.',
    });
  }
  {
    const pairs = configs.map((cfg) => cfg.replace(/ x2 \//, ' /')).filter((v, i, a) => a.indexOf(v) === i);
    const cells = pairs.flatMap((narrow) => {
      const wide = narrow.replace(/^(\S+) \//, '$1 x2 /');
      if (!by(rows, narrow, 'ours').length || !by(rows, wide, 'ours').length) return [];
      return [{ narrow, wide, n: seedInterval(paired(rows, narrow, 'ours', 'bAfter', 'naive', 'bAfter')), w: seedInterval(paired(rows, wide, 'ours', 'bAfter', 'naive', 'bAfter')) }];
    });
    const ev = cells.map((c) => `task B, ours minus naive: ${c.narrow} ${f(c.n, true)}, ${c.wide} ${f(c.w, true)}`).join('; ');
    claims.push({
      claim: 'Beyond the paper: a model with room (LeNet-5 at width 2) narrows ours\' cost on task B.',
      verdict: !cells.length || !enough(cells.flatMap((c) => [c.n, c.w])) ? 'cannot be tested here' : cells.every((c) => c.w.mean > c.n.mean) ? 'holds' : 'does not hold',
      evidence: (ev || 'no width-2 configuration in this run') + '.',
    });
  }
  return {
    title: 'RQ4: incremental development, task A (0-4) then task B (5-9)',
    setup: [
      `${records.length} cells of ${extendGrid(preset).length}: ${s.configs.map((c) => `${configKey(c)} (seeds ${c.seeds.join(', ')})`).join('; ')}.`,
      `Task A: the base model trained on classes 0-4 (full 10-way head) to convergence, early stopping on a validation split of the training images (patience ${s.configs.map((c) => c.patience).join('/')}, at most ${s.configs.map((c) => c.maxEpochs).join('/')} epochs)${s.trainCount ? `, ${s.trainCount.toLocaleString('en-US')} training images` : ''}.`,
      `Task B: ${s.perTask.toLocaleString('en-US')} training images of classes 5-9, ${s.epochs} epochs, batch ${s.batchSize} (replay: proportionally larger batches, the same steps), Adam ${s.learningRate}, the same seed for every arm; learning curves on the validation split after every epoch.`,
      `Ours: task A sliced by the slice policy (taylor; theta auto = the smallest theta within one point of the unmasked model on the validation split, with the capacity condition minFree ${s.minFree} or without it; or theta fixed at ${s.thetas.join(', ')}); the free neurons start fresh, task B trains its own head (a softmax over classes 5-9); task A is read through its mask.`,
      `EWC's lambda chosen on the validation split from ${s.lambdas ? s.lambdas.map((l) => l.toExponential(0)).join(', ') : '1e2, 1e3, 1e4, 1e5, 1e6, 1e7'}; every reported number on ${s.testCount === null ? 'the whole 10,000-image test set' : `${s.testCount.toLocaleString('en-US')} test images`}, never used for a choice. Task-IL: argmax over the task's classes; class-IL: over all ten (ours: the most confident task's masked inference).`,
    ],
    claims,
    tables,
  };
}

/** The `extend` study (RQ4, the 5+5 pair). */
export const extendStudy: StudyDefinition = {
  name: 'extend',
  description: 'RQ4: incremental development, task A (0-4) then task B (5-9): every baseline, ours with theta auto (capacity condition or not) and over a theta sweep, LeNet-5 at width 1 and 2, MNIST and Fashion-MNIST',
  grid: extendGrid,
  run: (params, ctx) => pairCell(params, EXTEND_SIZES[ctx.preset]),
  report,
  presetNotes: {
    small: 'LeNet-5 on MNIST, seed 0; task A base model at most 2 epochs on 3,000 images; task B 1,500 images, 2 epochs; thetas 0.5, 0.8, 0.95; EWC lambda 1e2/1e4/1e6; 2,000 test images',
    full: 'LeNet-5 at width 1 and 2 on MNIST (seeds 0-2) and Fashion-MNIST (width 1: seeds 0-4, where the baselines spread most; width 2: seeds 0-2); task A to convergence (early stopping); task B 15,000 images, 4 epochs, batch 64, Adam 1e-3; naive, replay 5/10/100%, EWC (lambda 1e2-1e7 on validation), DeepArc, ours auto (minFree 0.25 and 0), ours+replay 10%, ours at theta 0.5-0.95; the whole test set',
  },
};
