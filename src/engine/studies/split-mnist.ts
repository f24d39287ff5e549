/**
 * The split-MNIST part of RQ4, as Hsu et al. ran it ("Re-evaluating Continual Learning Scenarios", 2018): five tasks
 * of two digits learnt in turn by an MLP with two hidden layers of 400 (zoo entry `mlp400`), all of MNIST's training
 * images (less a validation split for the choices), 4 epochs per task, Adam 1e-3, batch 128; the average accuracy
 * over the five tasks after the last, on the whole test set, beside their published numbers.
 *
 * As in their code, a task-incremental number comes from a run with a head per task (each sample's softmax over its
 * task's classes) and a class-incremental number from a run with one softmax over the classes seen so far: every
 * baseline runs both ways. Ours runs with a head per task (its inference reads one), and decides class-incrementally
 * by task confidence; ours+replay also runs with the shared softmax. Replay keeps 1,100 old samples (their smaller
 * rehearsal buffer); EWC's lambda is chosen per task on the validation split from 1e2 ... 1e7 (theirs: 100 task-IL,
 * 600 class-IL); an offline run (all tasks at once, 4 epochs) is the upper bound.
 *
 * Room for the tasks after each one (extendSequence): task t of 5 may take at most 1 / (6 - t) of the neurons still
 * free at every layer, so each task finds an equal share.
 */
import { loadDataset } from '../data/index.js';
import { extendArm, extendSequence, maintenanceSplits, type ExtendArm } from '../maintenance/index.js';
import { buildModel } from '../models/index.js';
import { evaluate, train } from '../train/index.js';
import { formatInterval, seedInterval, type SeedInterval } from './stats.js';
import type { CellParams, ClaimVerdict, PresetName, ReportTable, ResultRow, StudyDefinition, StudyRecord, StudyReport } from './types.js';

/** The published numbers (Hsu et al. 2018, Table 2: mean and std over 10 runs, %), by our arm's method. */
export const HSU_SPLIT_MNIST: Record<string, { row: string; taskIL: [number, number]; classIL: [number, number] }> = {
  naive: { row: 'Adam', taskIL: [93.46, 2.01], classIL: [19.71, 0.08] },
  ewc: { row: 'EWC', taskIL: [97.7, 0.81], classIL: [19.8, 0.05] },
  replay: { row: 'Naive rehearsal', taskIL: [99.4, 0.08], classIL: [90.78, 0.85] },
  offline: { row: 'Offline (upper bound)', taskIL: [99.52, 0.16], classIL: [97.53, 0.3] },
};

/** One arm of the study: a method, its heads, its knobs. */
interface Arm { label: string; method: string; heads: 'task' | 'shared'; params: Record<string, number> }

const ARMS: Arm[] = [
  { label: 'naive (task heads)', method: 'naive', heads: 'task', params: {} },
  { label: 'naive (shared head)', method: 'naive', heads: 'shared', params: {} },
  { label: 'ewc (task heads)', method: 'ewc', heads: 'task', params: {} },
  { label: 'ewc (shared head)', method: 'ewc', heads: 'shared', params: {} },
  { label: 'replay (task heads)', method: 'replay', heads: 'task', params: { memory: 1100 } },
  { label: 'replay (shared head)', method: 'replay', heads: 'shared', params: { memory: 1100 } },
  { label: 'ours', method: 'ours', heads: 'task', params: {} },
  { label: 'ours+replay', method: 'ours+replay', heads: 'task', params: { memory: 1100 } },
  { label: 'ours+replay (shared head)', method: 'ours+replay', heads: 'shared', params: { memory: 1100 } },
  { label: 'offline', method: 'offline', heads: 'shared', params: {} },
];

/** What a preset runs. */
export interface SplitMnistSizes {
  model: string;
  seeds: number[];
  /** Training images per class (null: all of them). */
  perClass: number | null;
  epochs: number;
  batchSize: number;
  learningRate: number;
  testCount: number | null;
  arms: string[];
  lambdas: number[] | null;
}

export const SPLIT_MNIST_SIZES: Record<PresetName, SplitMnistSizes> = {
  small: { model: 'mlp400', seeds: [0], perClass: 300, epochs: 1, batchSize: 128, learningRate: 1e-3, testCount: 2000, arms: ['naive (task heads)', 'naive (shared head)', 'ours', 'offline'], lambdas: null },
  full: { model: 'mlp400', seeds: [0, 1, 2, 3, 4], perClass: null, epochs: 4, batchSize: 128, learningRate: 1e-3, testCount: null, arms: ARMS.map((a) => a.label), lambdas: null },
};

const SPLIT = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]];
const num = (x: number, d = 6): number => Number(x.toFixed(d));

async function cell(p: CellParams, s: SplitMnistSizes): Promise<ResultRow[]> {
  const seed = Number(p['seed']);
  const arm = ARMS.find((a) => a.label === p['arm']);
  if (!arm) throw new Error(`split-mnist study: no arm ${String(p['arm'])}`);
  const data = await loadDataset('mnist');
  const splits = maintenanceSplits({ train: data.train, test: data.test }, seed);
  const trainSet = s.perClass === null ? splits.train : splits.train.shuffle(seed).perClassCap(s.perClass);
  const test = s.testCount === null ? splits.test : splits.test.take(s.testCount);
  const model = buildModel(s.model, { inputShape: data.train.sampleShape, numClasses: 10, seed });
  try {
    if (arm.method === 'offline') {
      // Every task at once: the upper bound (one softmax over all ten classes).
      const t0 = performance.now();
      await train(model, trainSet, { epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed });
      const seconds = (performance.now() - t0) / 1000;
      const perTask: number[] = [];
      const perTaskClassIL: number[] = [];
      for (const t of SPLIT) {
        perTask.push((await evaluate(model, test, { classes: t, confusion: false })).accuracy);
        perTaskClassIL.push((await evaluate(model, test.subsetClasses(t), { confusion: false })).accuracy);
      }
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      return [{ arm: arm.label, method: 'offline', heads: 'shared', taskIL: mean(perTask), classIL: mean(perTaskClassIL), perTask: perTask.map((x) => num(x)), timing: { seconds } }];
    }
    const a: ExtendArm = { ...extendArm(arm.method), params: { ...arm.params } };
    const t0 = performance.now();
    const r = await extendSequence(model, SPLIT, {
      method: a.method, params: a.params, heads: arm.heads, train: trainSet, validation: splits.validation, test, epochs: s.epochs, batchSize: s.batchSize,
      learningRate: s.learningRate, seed, allowFull: true, ...(s.lambdas ? { gridValues: s.lambdas } : {}),
    });
    const seconds = (performance.now() - t0) / 1000;
    try {
      const last = r.rows.at(-1)!;
      return [{
        arm: arm.label, method: arm.method, heads: arm.heads, taskIL: last.taskILAverage, classIL: last.classILAverage, classILPlain: last.classILPlainArgmax,
        perTask: last.perTask.map((x) => num(x)), thetas: [r.firstTheta, ...r.rows.map((x) => x.theta)],
        masked: r.rows.map((x) => (x.choice ? [num(x.choice.masked ?? NaN), num(x.choice.unmasked ?? NaN)] : null)),
        minFree: r.rows.map((x) => x.minFree), allIdentical: r.rows.every((x) => x.oldLogitsIdentical),
        trainableParams: r.rows.map((x) => x.trainableParams),
        timing: { seconds, secondsPerStep: r.rows.reduce((acc, x) => acc + x.secondsPerStep, 0) / r.rows.length },
      }];
    } finally {
      r.model.dispose();
    }
  } finally {
    model.dispose();
  }
}

/** The grid: seed, then arm. */
export function splitMnistGrid(preset: PresetName): CellParams[] {
  const s = SPLIT_MNIST_SIZES[preset];
  return s.seeds.flatMap((seed) => s.arms.map((arm) => ({ kind: 'sequence', model: s.model, seed, arm })));
}

// ----- the report -----

const pct = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : (100 * x).toFixed(d));

function report(records: readonly StudyRecord[], preset: PresetName): StudyReport {
  const s = SPLIT_MNIST_SIZES[preset];
  const rows = [...records].sort((a, b) => a.index - b.index).map((r) => ({ seed: Number(r.params['seed']), arm: String(r.params['arm']), row: r.rows[0]! }));
  const of = (arm: string) => rows.filter((r) => r.arm === arm);
  const iv = (arm: string, key: string): SeedInterval => seedInterval(of(arm).map((r) => Number(r.row[key] ?? NaN)));
  const sd = (arm: string, key: string): string => {
    const v = of(arm).map((r) => Number(r.row[key] ?? NaN)).filter(Number.isFinite);
    if (v.length < 2) return '';
    const m = v.reduce((a, x) => a + x, 0) / v.length;
    return ` ± ${(100 * Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1))).toFixed(2)}`;
  };
  const f = (i: SeedInterval): string => formatInterval(i, { digits: 2 });
  const span = (i: SeedInterval): string => (i.n >= 2 ? `${pct(i.lo)} to ${pct(i.hi)}` : i.n === 1 ? '1 seed' : '-');
  const published = (p: [number, number] | undefined): string => (p ? `${p[0].toFixed(2)} ± ${p[1].toFixed(2)}` : '-');
  // The main table: a task-IL number from the task-heads run, a class-IL number from the shared-head run.
  const methods: Array<{ name: string; taskArm: string; classArm: string; hsu?: keyof typeof HSU_SPLIT_MNIST }> = [
    { name: 'naive (Adam)', taskArm: 'naive (task heads)', classArm: 'naive (shared head)', hsu: 'naive' },
    { name: 'EWC', taskArm: 'ewc (task heads)', classArm: 'ewc (shared head)', hsu: 'ewc' },
    { name: 'replay, 1,100 samples', taskArm: 'replay (task heads)', classArm: 'replay (shared head)', hsu: 'replay' },
    { name: 'ours', taskArm: 'ours', classArm: 'ours' },
    { name: 'ours+replay, 1,100 samples', taskArm: 'ours+replay', classArm: 'ours+replay (shared head)' },
    { name: 'offline (all tasks at once)', taskArm: 'offline', classArm: 'offline', hsu: 'offline' },
  ];
  const main: ReportTable = {
    title: 'Split-MNIST (5 tasks of 2 digits, MLP 2 x 400): average accuracy over the tasks after the last, % (mean ± sample std over seeds, 95% bootstrap interval), beside Hsu et al. 2018',
    columns: ['method', 'task-IL (ours)', 'interval', 'task-IL (Hsu et al.)', 'class-IL (ours)', 'interval', 'class-IL (Hsu et al.)', 'seeds'],
    rows: methods.filter((m) => of(m.taskArm).length || of(m.classArm).length).map((m) => [
      m.name, `${pct(iv(m.taskArm, 'taskIL').mean)}${sd(m.taskArm, 'taskIL')}`, span(iv(m.taskArm, 'taskIL')), published(m.hsu ? HSU_SPLIT_MNIST[m.hsu]!.taskIL : undefined),
      `${pct(iv(m.classArm, 'classIL').mean)}${sd(m.classArm, 'classIL')}`, span(iv(m.classArm, 'classIL')), published(m.hsu ? HSU_SPLIT_MNIST[m.hsu]!.classIL : undefined),
      String(Math.max(of(m.taskArm).length, of(m.classArm).length)),
    ]),
    note: 'Task-IL comes from the run with a head per task, class-IL from the run with one softmax over the classes seen so far (Hsu et al.\'s two set-ups); ours decides class-incrementally by task confidence and runs with a head per task; ours+replay\'s class-IL is its shared-head run. Hsu et al.: 10 runs, their Table 2; which of their two rehearsal rows used the 1,100-sample buffer is our reading of their scripts.',
  };
  const arms: ReportTable = {
    title: 'Every run: average task-IL and class-IL accuracy after the last task, per task, and what ours chose',
    columns: ['arm', 'task-IL %', 'class-IL %', 'class-IL, plain argmax %', 'per task (task-IL, last seed) %', 'thetas (last seed)', 'old tasks bit-identical', 'wall seconds (mean)'],
    rows: [...new Set(rows.map((r) => r.arm))].map((arm) => {
      const rs = of(arm);
      const last = rs.at(-1)!.row;
      const secs = records.filter((r) => r.params['arm'] === arm).map((r) => (r.rowTimings?.[0] as { seconds?: number } | null)?.seconds ?? NaN).filter(Number.isFinite);
      return [arm, f(iv(arm, 'taskIL')), f(iv(arm, 'classIL')), last['classILPlain'] === undefined || last['classILPlain'] === null ? '-' : f(iv(arm, 'classILPlain')),
        (last['perTask'] as number[]).map((x) => pct(x, 1)).join(' '), last['thetas'] && (last['thetas'] as Array<number | null>).some((t) => t !== null) ? (last['thetas'] as Array<number | null>).join(' ') : '-',
        last['allIdentical'] === undefined ? '-' : rs.every((r) => r.row['allIdentical']) ? 'yes' : 'no', secs.length ? (secs.reduce((a, x) => a + x, 0) / secs.length).toFixed(0) : '-'];
    }),
  };
  const claims: ClaimVerdict[] = [];
  const two = (...xs: SeedInterval[]): boolean => xs.every((x) => x.n >= 2);
  {
    const o = iv('ours', 'taskIL');
    const others = [['EWC', 'ewc (task heads)'], ['naive', 'naive (task heads)'], ['replay', 'replay (task heads)']].filter(([, a]) => of(a!).length)
      .map(([n, a]) => ({ n: n!, d: seedInterval(of('ours').map((r) => Number(r.row['taskIL']) - Number(of(a!).find((x) => x.seed === r.seed)?.row['taskIL'] ?? NaN))) }));
    const ev = `Ours' task-IL average ${f(o)}; ours minus each (points): ${others.map((x) => `${x.n} ${formatInterval(x.d, { signed: true, digits: 2 })}`).join(', ')}.`;
    claims.push({
      claim: 'Beyond the paper: on split-MNIST (task-incremental), ours keeps every task and matches or beats EWC and naive fine-tuning.',
      verdict: !of('ours').length || !two(o, ...others.map((x) => x.d)) ? 'cannot be tested here' : others.filter((x) => x.n !== 'replay').every((x) => x.d.lo >= 0) ? 'holds' : 'does not hold',
      evidence: two(o, ...others.map((x) => x.d)) ? ev : `${ev} Fewer than two seeds: no interval.`,
    });
  }
  for (const m of methods.filter((x) => x.hsu)) {
    const pub = HSU_SPLIT_MNIST[m.hsu!]!;
    const t = iv(m.taskArm, 'taskIL'), c = iv(m.classArm, 'classIL');
    if (!t.n && !c.n) continue;
    const within = (i: SeedInterval, p: [number, number]): boolean => Math.abs(100 * i.mean - p[0]) <= 2 * Math.max(p[1], 0.5);
    claims.push({
      claim: `Our ${m.name} reproduces Hsu et al.'s ${pub.row} row (within two of their standard deviations, at least a point).`,
      verdict: !two(t, c) ? 'cannot be tested here' : within(t, pub.taskIL) && within(c, pub.classIL) ? 'holds' : 'does not hold',
      evidence: `task-IL ${pct(t.mean)} vs ${published(pub.taskIL)}; class-IL ${pct(c.mean)} vs ${published(pub.classIL)}${two(t, c) ? '' : ' (fewer than two seeds)'}.`,
    });
  }
  {
    const c = iv('ours', 'classIL'), r = iv('replay (shared head)', 'classIL');
    claims.push({
      claim: 'Beyond the paper: class-incrementally (no task identity), ours decides by task confidence; replay is what is known to work there. Ours reaches replay\'s class-IL accuracy.',
      verdict: !two(c, r) ? 'cannot be tested here' : c.lo >= r.lo ? 'holds' : 'does not hold',
      evidence: `class-IL: ours ${f(c)}, replay (1,100 samples, shared head) ${f(r)}, ours+replay (shared head) ${f(iv('ours+replay (shared head)', 'classIL'))}.`,
    });
  }
  return {
    title: 'RQ4: split-MNIST as Hsu et al. ran it',
    setup: [
      `${records.length} cells of ${splitMnistGrid(preset).length}: ${s.model} (two hidden layers of 400), seeds ${s.seeds.join(', ')}.`,
      `${s.perClass === null ? 'All of MNIST\'s training images' : `${s.perClass} training images per class`} less a validation split (10%, at most 2,000) for the choices; ${s.epochs} epoch${s.epochs > 1 ? 's' : ''} per task, Adam ${s.learningRate}, batch ${s.batchSize}; the first task trained on its own softmax; ${s.testCount === null ? 'the whole 10,000-image test set' : `${s.testCount} test images`}.`,
      'Ours: each task sliced by the policy (taylor, theta auto on the validation split, through the union with the earlier slices); task t of 5 leaves (5 - t) / (6 - t) of the free neurons of every layer free; the free neurons start fresh; earlier tasks read through their masks (bit-identical).',
      `EWC: empirical Fisher on up to 2,000 old samples; lambda per task on the validation split from ${s.lambdas ? s.lambdas.join(', ') : '1e2 ... 1e7'}. Replay: 1,100 old samples in every task's batches (larger batches, the same steps).`,
    ],
    claims,
    tables: [main, arms],
  };
}

/** The `split-mnist` study (RQ4, Hsu et al.'s set-up). */
export const splitMnistStudy: StudyDefinition = {
  name: 'split-mnist',
  description: 'RQ4: split-MNIST (5 tasks of 2 digits) as Hsu et al. 2018 ran it: MLP 2 x 400, all of MNIST, 4 epochs per task, naive / EWC / replay in both set-ups, ours, ours+replay, offline; beside the published numbers',
  grid: splitMnistGrid,
  run: (params, ctx) => cell(params, SPLIT_MNIST_SIZES[ctx.preset]),
  report,
  presetNotes: {
    small: 'mlp400, seed 0, 300 images per class, 1 epoch per task; naive (task heads, shared head), ours, offline; 2,000 test images',
    full: 'mlp400, seeds 0-4, all of MNIST (less 2,000 validation images), 4 epochs per task, batch 128; naive, EWC, replay (1,100 samples) with task heads and with a shared head, ours, ours+replay (both), offline; the whole test set',
  },
};
