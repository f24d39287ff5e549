/**
 * The RQ2 study: restructuring. Per cell (model x dataset x method x pruner x seed), the base model of that seed
 * (studyBaseModel: trained to convergence, cached), then one compareRestructure run of the cell's method and pruner,
 * pruned iteratively to the largest target CR with no accuracy bound, so that every method's whole trajectory is
 * measured. From the trajectory the rows read:
 * - accuracy at equal CR (the test accuracy, linearly interpolated at CR 0.5, 0.7, 0.8, 0.9, 0.95);
 * - the stop rule's outcome (common/stop-rule.ts) for each accuracy bound and target: NI, CR, MA, reached;
 * - NI beside its arithmetic: a pre-step removing a share m of the parameters saves ln(1 - m) / ln(1 - amount)
 *   iterations by arithmetic alone.
 * Methods: none (the pruner alone), slice (ours, the slice policy's theta 'auto'), slice-0.95 (the paper's theta),
 * random and low-activation (as many neurons per site as the auto slice), deeparc and deeparc-lowest (residual models).
 * Every method of a (model, dataset, seed) gets the same base model, slices, splits, fine-tuning rounds (one after the
 * pre-step, one per iteration: `steps` batches of 64 at the stated learning rate), schedule and seed.
 *
 * A `recovery` cell shows, on one model, how accuracy recovers within a fine-tuning round at each learning rate of a
 * small grid (validation accuracy every 20 steps), which is how the rounds' learning rate was chosen.
 */
import * as tf from '@tensorflow/tfjs';
import { applyStopRule, compareRestructure, getRestructureMethod, restructure, taskSlice, trajectoryAtCR, type RestructureRow, type TaskSlice } from '../maintenance/index.js';
import { prunableKernels } from '../pruning/index.js';
import { evaluate, train } from '../train/index.js';
import { clearSlicedBaseModel, slicedBaseModel, type BaseRecipe, type SlicedBaseModel } from './base-models.js';
import { formatInterval, seedInterval } from './stats.js';
import type { CellParams, ClaimVerdict, PresetName, ReportTable, ResultRow, StudyDefinition, StudyRecord, StudyReport } from './types.js';

/** A model/dataset pair and its base-model recipe. */
interface Config { model: string; dataset: string; batchNorm: boolean; width: number; maxEpochs: number; patience: number; methods: string[]; pruners?: string[] }

/** What a preset runs and with which budget. */
export interface RestructureStudySizes {
  configs: Config[];
  pruners: string[];
  seeds: number[];
  /** Base-model training images (small preset only; full: the whole training part). */
  trainCount?: number;
  /** Test images measured (null: the whole test split). */
  testCount: number | null;
  /** Fine-tuning per round (after the pre-step and after every pruning iteration). */
  fineTune: { steps: number; batchSize: number; learningRate: number };
  amountPerIteration: number;
  /** CRs at which accuracy is read along every trajectory; the run goes to the largest. */
  targets: number[];
  /** Accuracy bounds (absolute drops, on the validation split) the stop rule is read with. */
  maxDrops: number[];
  maxIterations: number;
  /** The recovery cell: learning rates tried, steps, and the CR pruned to before the round. */
  recovery: { learningRates: number[]; steps: number; every: number; cr: number } | null;
}

const CHAIN = ['none', 'slice', 'slice-0.95', 'random', 'low-activation'];
const RESIDUAL = ['none', 'slice', 'random', 'low-activation', 'deeparc', 'deeparc-lowest'];

/** The presets (full: sized to this project's 2-core machine, BENCHMARKS.md; run it in shards). */
export const RESTRUCTURE_SIZES: Record<PresetName, RestructureStudySizes> = {
  small: {
    configs: [{ model: 'lenet5', dataset: 'mnist', batchNorm: false, width: 1, maxEpochs: 2, patience: 1, methods: ['none', 'slice', 'random'] }],
    pruners: ['lamp'], seeds: [0], trainCount: 3000, testCount: 1000,
    fineTune: { steps: 10, batchSize: 64, learningRate: 1e-3 }, amountPerIteration: 0.2, targets: [0.5, 0.7, 0.8], maxDrops: [0.01, 0.03], maxIterations: 8,
    recovery: null,
  },
  full: {
    configs: [
      { model: 'lenet5', dataset: 'mnist', batchNorm: false, width: 1, maxEpochs: 20, patience: 3, methods: CHAIN },
      { model: 'lenet5', dataset: 'fashion-mnist', batchNorm: false, width: 1, maxEpochs: 30, patience: 3, methods: CHAIN },
      // Half width: nine blocks at 8 channels train about 4x faster than at 16, and DeepArc needs the depth, not the width.
      { model: 'resnet-9', dataset: 'fashion-mnist', batchNorm: false, width: 0.5, maxEpochs: 20, patience: 3, methods: RESIDUAL, pruners: ['lamp'] },
    ],
    pruners: ['lamp', 'global'], seeds: [0, 1, 2], testCount: null,
    // One epoch of 10,000 images per round; Adam 1e-3 chosen on the recovery cell's validation curves (BENCHMARKS.md).
    fineTune: { steps: 157, batchSize: 64, learningRate: 1e-3 }, amountPerIteration: 0.2, targets: [0.5, 0.7, 0.8, 0.9, 0.95], maxDrops: [0.01, 0.03], maxIterations: 20,
    recovery: { learningRates: [1e-4, 3e-4, 1e-3], steps: 157, every: 20, cr: 0.8 },
  },
};

function recipeOf(s: RestructureStudySizes, c: Config, seed: number): BaseRecipe {
  return { model: c.model, dataset: c.dataset, seed, batchNorm: c.batchNorm, width: c.width, maxEpochs: c.maxEpochs, patience: c.patience, ...(s.trainCount !== undefined ? { trainCount: s.trainCount } : {}) };
}

const baseFor = (s: RestructureStudySizes, c: Config, seed: number): Promise<SlicedBaseModel> => slicedBaseModel(recipeOf(s, c, seed));

/** Release the cached base model (tests; the runner's process ends anyway). */
export function clearRestructureStudyCache(): void {
  clearSlicedBaseModel();
}

async function methodCell(params: CellParams, s: RestructureStudySizes, c: Config): Promise<ResultRow[]> {
  const seed = Number(params['seed']);
  const method = String(params['method']);
  const b = await baseFor(s, c, seed);
  const test = s.testCount === null ? b.base.splits.test : b.base.splits.test.take(s.testCount);
  const paper = method === 'slice-0.95';
  const pre = paper ? 'slice' : method;
  const target = Math.max(...s.targets);
  const t0 = performance.now();
  const cmp = await compareRestructure(b.base.model, { train: b.base.splits.train, validation: b.base.splits.validation, test }, {
    methods: [pre], pruners: [String(params['pruner'])], targetCR: target, maxDrop: 1, amountPerIteration: s.amountPerIteration, maxIterations: s.maxIterations,
    fineTune: s.fineTune, seed,
  }, getRestructureMethod(pre).needsSlice ? (paper ? b.paper : b.auto) : null);
  const seconds = (performance.now() - t0) / 1000;
  const r = cmp.runs[0]!;
  const read = trajectoryAtCR(r.rows, s.targets, s.amountPerIteration);
  const atCR = Object.fromEntries(read.accuracyAt.map((p) => [`acc${Math.round(100 * p.cr)}`, p.accuracy]));
  const stops = s.maxDrops.flatMap((d) => s.targets.map((t) => {
    const o = applyStopRule(r.rows, r.original.accuracy - d, t);
    const row = r.rows.find((x) => x.iteration === o.iteration)!;
    return { maxDrop: d, targetCR: t, ni: o.ni, cr: o.cr, ma: row.testAccuracy, reached: o.reached, stop: o.stop };
  }));
  return [{
    kind: 'run', preCR: read.preCR, niArithmeticSaving: read.arithmeticSaving,
    neuronsRemoved: Object.values(r.manifest.neuronsRemoved).reduce((a, x) => a + x.length, 0), blocksRemoved: r.manifest.blocksRemoved.join(' '),
    details: r.manifest.details ?? null, note: r.manifest.note ?? '',
    sliceTheta: r.sliceChoice?.theta ?? null, sliceRule: r.sliceChoice?.rule ?? null, sliceMasked: r.sliceChoice?.masked ?? null, sliceUnmasked: r.sliceChoice?.unmasked ?? null,
    originalValAccuracy: r.original.accuracy, originalTestAccuracy: r.original.testAccuracy, params: r.original.params,
    baseTestAccuracy: b.base.testAccuracy, baseEpochs: b.base.curve.length,
    ...atCR, stops,
    trajectory: r.rows.map((x) => [x.iteration, Number(x.cr.toFixed(6)), Number(x.accuracy.toFixed(6)), Number((x.testAccuracy ?? NaN).toFixed(6))]),
    ftSteps: s.fineTune.steps, ftBatchSize: s.fineTune.batchSize, ftLearningRate: s.fineTune.learningRate, optimizer: 'adam', amountPerIteration: s.amountPerIteration,
    rounds: r.manifest.result.fineTuneRounds,
    timing: { seconds, secondsPerIteration: r.rows.slice(1).reduce((a, x) => a + x.seconds, 0) / Math.max(1, r.rows.length - 1) },
  }];
}

/** Validation accuracy every `every` steps of one fine-tuning round, at each learning rate, after pruning to `cr`. */
async function recoveryCell(params: CellParams, s: RestructureStudySizes, c: Config): Promise<ResultRow[]> {
  const rc = s.recovery!;
  const seed = Number(params['seed']);
  const b = await baseFor(s, c, seed);
  // The slice pre-step and pruning without fine-tuning up to the CR, then one round per learning rate from there.
  const pruned = await restructure(b.base.model, b.auto, {
    train: b.base.splits.train, validation: b.base.splits.validation, pre: 'slice', pruner: 'lamp', targetCR: rc.cr, maxDrop: 1,
    amountPerIteration: s.amountPerIteration, maxIterations: s.maxIterations, fineTune: { steps: 0 }, seed,
  });
  const rows: ResultRow[] = [];
  let start: tf.Tensor[] = [];
  try {
    // Copies: getWeights() hands out the variables' own tensors, which training overwrites in place.
    start = pruned.model.getWeights().map((w) => w.clone());
    const masks: Record<string, Float32Array> = {};
    for (const k of prunableKernels(pruned.model)) masks[k.originalName] = Float32Array.from((await k.read().data()) as Float32Array, (v) => (v !== 0 ? 1 : 0));
    const subset = b.base.splits.train.shuffle(seed * 7919).take(rc.steps * s.fineTune.batchSize);
    for (const lr of rc.learningRates) {
      pruned.model.setWeights(start);
      const curve: Array<[number, number]> = [[0, (await evaluate(pruned.model, b.base.splits.validation, { confusion: false })).accuracy]];
      await train(pruned.model, subset, {
        epochs: 1, batchSize: s.fineTune.batchSize, learningRate: lr, seed, gradientMasks: masks,
        everySteps: { every: rc.every, run: async (steps) => { curve.push([steps, (await evaluate(pruned.model, b.base.splits.validation, { confusion: false })).accuracy]); } },
      });
      const end = (await evaluate(pruned.model, b.base.splits.validation, { confusion: false })).accuracy;
      if (curve.at(-1)![0] !== rc.steps) curve.push([rc.steps, end]);
      rows.push({ kind: 'recovery', learningRate: lr, cr: pruned.cr, originalValAccuracy: pruned.original.accuracy, curve: curve.map(([st, a]) => [st, Number(a.toFixed(6))]), end });
    }
  } finally {
    tf.dispose(start);
    pruned.model.dispose();
  }
  return rows;
}

function configOf(s: RestructureStudySizes, p: CellParams): Config {
  const c = s.configs.find((x) => x.model === p['model'] && x.dataset === p['dataset']);
  if (!c) throw new Error(`restructure study: no configuration ${String(p['model'])}/${String(p['dataset'])}`);
  return c;
}

/** The grid of a preset, in order: config, seed (cells sharing a base model are adjacent), then method and pruner; the recovery cell first. */
export function restructureGrid(preset: PresetName): CellParams[] {
  const s = RESTRUCTURE_SIZES[preset];
  const first = s.configs[0]!;
  const recovery = s.recovery ? [{ kind: 'recovery', model: first.model, dataset: first.dataset, seed: s.seeds[0]!, method: 'slice', pruner: 'lamp' }] : [];
  return [...recovery, ...s.configs.flatMap((c) => s.seeds.flatMap((seed) => c.methods.flatMap((method) => (c.pruners ?? s.pruners).map((pruner) => ({
    kind: 'run', model: c.model, dataset: c.dataset, seed, method, pruner,
  })))))];
}

// ----- the report -----

const pct = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : (100 * x).toFixed(d));

interface RunRow { config: string; seed: number; method: string; pruner: string; row: ResultRow }

function runs(records: readonly StudyRecord[]): RunRow[] {
  return [...records].sort((a, b) => a.index - b.index).filter((r) => r.params['kind'] === 'run').map((r) => ({
    config: `${String(r.params['model'])} / ${String(r.params['dataset'])}`, seed: Number(r.params['seed']), method: String(r.params['method']), pruner: String(r.params['pruner']), row: r.rows[0]!,
  }));
}

function report(records: readonly StudyRecord[], preset: PresetName): StudyReport {
  const s = RESTRUCTURE_SIZES[preset];
  const all = runs(records);
  const configs = [...new Set(all.map((r) => r.config))];
  const prunersOf = (cfg: string): string[] => [...new Set(all.filter((r) => r.config === cfg).map((r) => r.pruner))];
  const tables: ReportTable[] = [];
  const rec = records.filter((r) => r.params['kind'] === 'recovery').flatMap((r) => r.rows);
  if (rec.length) {
    tables.push({
      title: `Recovery within one fine-tuning round (${String(records.find((r) => r.params['kind'] === 'recovery')!.params['model'])}, slice pre-step then lamp to CR ${pct(rec[0]!['cr'] as number)}%, validation accuracy %)`,
      columns: ['learning rate', ...((rec[0]!['curve'] as Array<[number, number]>).map(([st]) => `${st} steps`))],
      rows: rec.map((r) => [String(r['learningRate']), ...(r['curve'] as Array<[number, number]>).map(([, a]) => pct(a, 2))]),
      note: `Original validation accuracy ${pct(rec[0]!['originalValAccuracy'] as number, 2)}%.`,
    });
  }
  // Accuracy at equal CR along the trajectories, mean over seeds with intervals.
  for (const pruner of s.pruners) {
    tables.push({
      title: `Test accuracy % at equal CR along each trajectory (${pruner}; mean over seeds, 95% bootstrap interval)`,
      columns: ['model / dataset', 'method', 'pre-step CR %', ...s.targets.map((t) => `CR ${Math.round(100 * t)}%`)],
      rows: configs.filter((cfg) => prunersOf(cfg).includes(pruner)).flatMap((cfg) => [...new Set(all.filter((r) => r.config === cfg).map((r) => r.method))].map((method) => {
        const rs = all.filter((r) => r.config === cfg && r.method === method && r.pruner === pruner);
        return [cfg, method, formatInterval(seedInterval(rs.map((r) => r.row['preCR'] as number))),
          ...s.targets.map((t) => formatInterval(seedInterval(rs.map((r) => (r.row[`acc${Math.round(100 * t)}`] as number | null) ?? NaN))))];
      })),
      note: 'A blank or "n/a": no seed reached that CR within the iteration budget.',
    });
  }
  // Reaching targets within the bound, NI against arithmetic.
  for (const d of s.maxDrops) {
    tables.push({
      title: `Stop rule at a ${Math.round(100 * d)}-point bound (validation): share of runs reaching each target CR, and NI (mean over seeds) beside the arithmetic saving`,
      columns: ['model / dataset', 'method', 'pruner', ...s.targets.map((t) => `reached ${Math.round(100 * t)}%`), `NI to ${Math.round(100 * Math.max(...s.targets))}%`, 'arithmetic saving ln(1-m)/ln(0.8)'],
      rows: configs.flatMap((cfg) => all.filter((r) => r.config === cfg && r.seed === Math.min(...all.filter((x) => x.config === cfg).map((x) => x.seed))).map((x) => [x.method, x.pruner] as const).map(([method, pruner]) => {
        const rs = all.filter((r) => r.config === cfg && r.method === method && r.pruner === pruner);
        const stopsOf = (t: number) => rs.map((r) => (r.row['stops'] as Array<{ maxDrop: number; targetCR: number; ni: number; reached: boolean }>).find((x) => x.maxDrop === d && x.targetCR === t)!);
        const top = Math.max(...s.targets);
        return [cfg, method, pruner, ...s.targets.map((t) => `${stopsOf(t).filter((x) => x.reached).length}/${rs.length}`),
          formatInterval(seedInterval(stopsOf(top).filter((x) => x.reached).map((x) => x.ni)), { points: false, digits: 1 }),
          formatInterval(seedInterval(rs.map((r) => r.row['niArithmeticSaving'] as number)), { points: false, digits: 1 })];
      })),
      note: 'NI only over the runs that reached the target; "n/a": none did.',
    });
  }
  // Claims: ours vs the pruner alone, random and low-activation, at equal CR.
  const diffAt = (cfg: string, a: string, b: string, pruner: string, t: number): number[] => {
    const key = `acc${Math.round(100 * t)}`;
    return s.seeds.map((seed) => {
      const x = all.find((r) => r.config === cfg && r.seed === seed && r.method === a && r.pruner === pruner)?.row[key] as number | null | undefined;
      const y = all.find((r) => r.config === cfg && r.seed === seed && r.method === b && r.pruner === pruner)?.row[key] as number | null | undefined;
      return x === null || x === undefined || y === null || y === undefined ? NaN : x - y;
    });
  };
  const compareClaim = (b: string, text: string): ClaimVerdict => {
    const t = s.targets.includes(0.9) ? 0.9 : Math.max(...s.targets);
    const cells = configs.flatMap((cfg) => prunersOf(cfg).map((p) => ({ cfg, p, iv: seedInterval(diffAt(cfg, 'slice', b, p, t)) })));
    const evidence = `Test accuracy at CR ${100 * t}% (slice minus ${b}, points, 95% interval over seeds): ` + cells.map((c) => `${c.cfg} ${c.p} ${formatInterval(c.iv, { signed: true, digits: 2 })}`).join('; ') + '.';
    if (cells.length === 0 || cells.every((c) => c.iv.n < 2)) return { claim: text, verdict: 'cannot be tested here', evidence: `${evidence} Fewer than two seeds reached CR ${100 * t}%.` };
    const ahead = cells.filter((c) => c.iv.n >= 2 && c.iv.lo > 0).length;
    return { claim: text, verdict: ahead === cells.length ? 'holds' : 'does not hold', evidence: `${evidence} Ahead in ${ahead} of ${cells.length}.` };
  };
  const niClaim = (): ClaimVerdict => {
    const top = Math.max(...s.targets);
    const parts: string[] = [];
    let beyond = 0, total = 0;
    for (const cfg of configs) for (const p of prunersOf(cfg)) {
      const sl = all.filter((r) => r.config === cfg && r.method === 'slice' && r.pruner === p);
      const none = all.filter((r) => r.config === cfg && r.method === 'none' && r.pruner === p);
      const niOf = (r: RunRow) => (r.row['stops'] as Array<{ maxDrop: number; targetCR: number; ni: number; reached: boolean }>).find((x) => x.maxDrop === Math.max(...s.maxDrops) && x.targetCR === top);
      const saved = s.seeds.map((seed) => {
        const a = sl.find((r) => r.seed === seed), b = none.find((r) => r.seed === seed);
        const na = a ? niOf(a) : undefined, nb = b ? niOf(b) : undefined;
        return na?.reached && nb?.reached ? nb.ni - na.ni - (a!.row['niArithmeticSaving'] as number) : NaN;
      });
      const iv = seedInterval(saved);
      if (iv.n >= 2) { total++; if (iv.lo > 0) beyond++; }
      parts.push(`${cfg} ${p}: ${formatInterval(iv, { points: false, signed: true, digits: 1 })}`);
    }
    return {
      claim: 'Removing the neurons outside the slice first lets pruning reach the target in fewer iterations (NI) than the pruner alone, beyond what the removed share saves by arithmetic.',
      verdict: total === 0 ? 'cannot be tested here' : beyond === total ? 'holds' : 'does not hold',
      evidence: `Iterations saved to CR ${Math.round(100 * top)}% at the ${Math.round(100 * Math.max(...s.maxDrops))}-point bound, minus the arithmetic saving ln(1-m)/ln(0.8) (mean over seeds, interval): ${parts.join('; ')}${total === 0 ? '; no pair of runs where both reached the target' : ''}.`,
    };
  };
  const deeparc = all.filter((r) => r.method === 'deeparc');
  const deeparcEvidence = deeparc.length
    ? deeparc.map((r) => { const d = r.row['details'] as { cka?: number[]; redundant?: string[] } | null; return `${r.config} seed ${r.seed}: consecutive-block CKA ${d?.cka?.map((x) => x.toFixed(3)).join(' ') ?? '-'}; redundant ${d?.redundant?.length ? d.redundant.join(', ') : 'none'}`; }).join('; ')
    : 'no residual model in this preset';
  return {
    title: 'RQ2: restructuring',
    setup: [
      `${records.length} cells of ${restructureGrid(preset).length}: ${s.configs.map((c) => `${c.model}${c.width !== 1 ? ` x${c.width}` : ''} on ${c.dataset} (${c.methods.join(', ')}; ${(c.pruners ?? s.pruners).join(', ')})`).join('; ')}; seeds ${s.seeds.join(', ')}.`,
      'Base models trained to convergence (early stopping on a validation split of the training images); the slice is the slice policy\'s (theta auto: smallest theta within one point on that validation split) and, as the paper\'s row, theta 0.95; random and low-activation remove as many neurons per layer as the auto slice.',
      `Every method: a fine-tuning round after its pre-step and after every iteration, ${s.fineTune.steps} batches of ${s.fineTune.batchSize} (Adam ${s.fineTune.learningRate}); ${100 * s.amountPerIteration}% of the surviving weights pruned per iteration, run to CR ${Math.max(...s.targets)} (at most ${s.maxIterations} iterations) without an accuracy bound, the stop rule read off each trajectory at bounds ${s.maxDrops.map((d) => `${100 * d}`).join(' and ')} points (validation) and targets ${s.targets.join(', ')}.`,
      `Test accuracy on ${s.testCount === null ? 'the whole 10,000-image test set' : `${s.testCount} test images`}, never used for a choice.`,
    ],
    claims: [
      niClaim(),
      compareClaim('none', 'At equal CR, restructuring after our neuron removal keeps more accuracy than the pruner alone.'),
      compareClaim('random', 'Ours keeps more accuracy at equal CR than removing as many random neurons (the slice is better than chance).'),
      compareClaim('low-activation', 'Beyond the paper: ours keeps more accuracy at equal CR than removing as many least-active neurons.'),
      {
        claim: 'DeepArc finds redundant residual blocks to remove (its compression baseline).',
        verdict: deeparc.length === 0 ? 'cannot be tested here' : deeparc.some((r) => ((r.row['details'] as { redundant?: string[] } | null)?.redundant?.length ?? 0) > 0) ? 'holds' : 'does not hold',
        evidence: `${deeparcEvidence}. The k-lowest-change variant (deeparc-lowest) removes the blocks whose output is most like their input whatever the threshold.`,
      },
    ],
    tables,
  };
}

/** The `restructure` study (RQ2). */
export const restructureStudy: StudyDefinition = {
  name: 'restructure',
  description: 'RQ2: restructuring: accuracy at equal CR along each trajectory, NI against its arithmetic, per method (none, slice auto and 0.95, random, low-activation, DeepArc) and pruner',
  grid: restructureGrid,
  run: (params, ctx) => {
    const s = RESTRUCTURE_SIZES[ctx.preset];
    const c = configOf(s, params);
    return params['kind'] === 'recovery' ? recoveryCell(params, s, c) : methodCell(params, s, c);
  },
  report,
  presetNotes: {
    small: 'LeNet-5 on MNIST, seed 0, lamp x none/slice/random; base model at most 2 epochs on 3,000 images; fine-tuning 10 x 64 per round (Adam 1e-3); to CR 0.8; 1,000 test images',
    full: 'LeNet-5 on MNIST and Fashion-MNIST (none, slice (auto), slice-0.95, random, low-activation; lamp and global) and resnet-9 at width 0.5 on Fashion-MNIST (none, slice, random, low-activation, deeparc, deeparc-lowest; lamp); seeds 0-2; base models to convergence; fine-tuning 157 x 64 per round (one epoch of 10,000 images); to CR 0.95; the whole test set; a recovery cell (learning rates 1e-4, 3e-4, 1e-3)',
  },
};
