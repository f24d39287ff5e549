/**
 * Restructuring (RQ2, docs/maintenance.md): a pre-step (ours: remove every neuron outside the slice; or a baseline of
 * the method list), a fine-tuning round, then iterative magnitude pruning with a registered pruner, each iteration
 * followed by the same fine-tuning round, until the stop rule (common/stop-rule.ts) says stop.
 *
 * Every method gets the same fine-tuning rounds: one after its pre-step (also `none`, which removed nothing) and one
 * after every pruning iteration, each `steps` batches of `batchSize` seeded by the seed and the round number.
 * Choices read the validation split only: the stop rule's accuracy, DeepArc's block choice, theta 'auto'. The test
 * set, when given, is measured at every row for the tables (MA is the result's test accuracy) and never decides.
 *
 * CR is of the whole model: 1 - live parameters / the original's parameters, where removed neurons, skipped blocks,
 * pruned kernel entries and entries kept only as zeros (surgery's retained zeros) are not live. NI = pruning
 * iterations run.
 */
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/types.js';
import { fail } from '../../messages/index.js';
import { logitsModel } from '../../graph/index.js';
import { modelFingerprint } from '../../models/fingerprint.js';
import { getPruner } from '../../pruning/index.js';
import { PruningState } from '../../pruning/schedule.js';
import type { Slice } from '../../slicing/slice.js';
import { evaluate, train } from '../../train/index.js';
import { dataRecord, maintenanceSplits, type MaintenanceData } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import { manifestBase, sliceRecord, type ManifestBase } from '../common/manifest.js';
import { countParams } from '../common/params.js';
import { retentionMethod, type Retains } from '../common/retention.js';
import { checkSliceFits, type SliceOrigin } from '../common/slice-check.js';
import { applyStopRule, type StopReason } from '../common/stop-rule.js';
import { givenSliceChoice, taskSlice, type SliceChoice, type SlicePolicyOptions, type TaskSlice } from '../common/task-slice.js';
import { getRestructureMethod, restructureMethodsFor } from './methods.js';

/** The fine-tuning budget, the same for every method: `steps` batches of `batchSize` per round. */
export interface FineTuneOptions {
  /** Batches per fine-tuning round (after the pre-step and after every iteration). 0 = no fine-tuning. */
  steps?: number;
  batchSize?: number;
  /** Adam learning rate. */
  learningRate?: number;
  /** Training replicas (train()'s `workers`): 'auto' (default), 1, 2, ... */
  workers?: number | 'auto';
}

/** Options of {@link restructure}; defaults in MAINTENANCE_DEFAULTS.restructure. */
export interface RestructureOptions extends Omit<MaintenanceData, 'test'> {
  /** The test set: measured at every row for the tables (MA is the result's test accuracy); never decides. */
  test?: Dataset;
  /** The restructuring method (pre-step): 'slice' (ours), 'none', 'random', 'low-activation', 'deeparc', or a registered one. */
  pre?: string;
  /** Registered pruner name. */
  pruner?: string;
  /** Target compression rate of the whole model, in (0, 1). */
  targetCR?: number;
  /** Largest allowed accuracy drop from the original (absolute, on the validation split). */
  maxDrop?: number;
  /** Fraction of the surviving kernel weights pruned per iteration. */
  amountPerIteration?: number;
  /** Upper bound on iterations. */
  maxIterations?: number;
  /** Fine-tune after the pre-step (every method, `none` included). Default true. */
  fineTuneAfterPre?: boolean;
  fineTune?: FineTuneOptions;
  /** How the strategy slices the model when the method needs a slice and none is given (the slice policy). */
  slicePolicy?: SlicePolicyOptions;
  /** Use a slice of another model with the same sites on purpose (see checkSliceFits). Default false. */
  allowForeignSlice?: boolean;
  /** Method knobs (DeepArc: threshold, k). */
  methodParams?: Record<string, number | string | boolean>;
  /** Seeds fine-tuning, the validation split, random removal and block choice. Default 0. */
  seed?: number;
  /** Called after every row of the table. */
  onIteration?: (row: RestructureRow) => void;
  /** Evaluation batch size. Default 256. */
  evalBatchSize?: number;
}

/** One row of the per-iteration table (iteration 0 = after the pre-step and its fine-tuning). */
export interface RestructureRow {
  iteration: number;
  cr: number;
  /** Accuracy on the validation split (what the stop rule reads). */
  accuracy: number;
  /** Accuracy on the test set (null without one). */
  testAccuracy: number | null;
  /** Per-class accuracy on the test set (the validation split without one). */
  perClass: number[];
  /** Live parameters after this iteration. */
  liveParams: number;
  /** Wall-clock seconds of this iteration (pruning, fine-tuning, evaluation). */
  seconds: number;
}

/** The lineage manifest: how the result was made. */
export interface RestructureManifest extends ManifestBase {
  kind: 'semslice-restructure';
  neuronsRemoved: Record<string, number[]>;
  blocksRemoved: string[];
  details?: Record<string, unknown>;
  pruner: string;
  schedule: { amountPerIteration: number; targetCR: number; maxDrop: number; maxIterations: number; fineTune: Required<FineTuneOptions>; fineTuneAfterPre: boolean };
  iterations: Array<{ iteration: number; cr: number; accuracy: number; testAccuracy: number | null }>;
  /** fineTuneRounds: rounds run (one after the pre-step, one per iteration, each `steps` batches; 0 with steps 0). */
  result: { iteration: number; ni: number; cr: number; ma: number; valAccuracy: number; reached: boolean; stop: StopReason; fineTuneRounds: number; fingerprint: string };
}

/** What {@link restructure} returns. */
export interface RestructureResult extends Retains {
  /** The compressed model (stock layers; pruned weights are zeros). The caller owns it. */
  model: tf.LayersModel;
  method: string;
  pruner: string;
  table: aq.ColumnTable;
  rows: RestructureRow[];
  /** Pruning iterations run (including a last one that broke the accuracy bound). */
  ni: number;
  /** Accuracy of the result: on the test set when there is one, else on the validation split. */
  ma: number;
  /** Compression rate of the result. */
  cr: number;
  /** True when the target CR was reached within maxDrop. */
  reached: boolean;
  stop: StopReason;
  original: { params: number; accuracy: number; testAccuracy: number | null; perClass: number[] };
  final: { params: number; liveParams: number; accuracy: number; testAccuracy: number | null; perClass: number[] };
  /** The slice the method used (null for methods without one) and how it was made. */
  slice: Slice | null;
  sliceChoice: SliceChoice | null;
  manifest: RestructureManifest;
}

function checkOptions(o: RestructureOptions): void {
  const D = MAINTENANCE_DEFAULTS.restructure;
  const t = o.targetCR ?? D.targetCR;
  if (!(t > 0 && t < 1)) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'targetCR', open: 'both', value: t, range: [0, 1], example: 0.9 });
  const d = o.maxDrop ?? D.maxDrop;
  if (!(d >= 0 && d <= 1)) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'maxDrop', value: d, range: [0, 1], example: 0.01 });
  const a = o.amountPerIteration ?? D.amountPerIteration;
  if (!(a > 0 && a < 1)) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'amountPerIteration', open: 'both', value: a, range: [0, 1], example: 0.2 });
  const m = o.maxIterations ?? D.maxIterations;
  if (!Number.isInteger(m) || m < 1) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'maxIterations', expected: 'a positive integer', value: m, example: 30 });
  const s = o.fineTune?.steps ?? D.fineTune.steps;
  if (!Number.isInteger(s) || s < 0) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'fineTune.steps', expected: 'a non-negative integer', value: s, example: 100 });
  const b = o.fineTune?.batchSize ?? D.fineTune.batchSize;
  if (!Number.isInteger(b) || b < 1) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'fineTune.batchSize', expected: 'a positive integer', value: b, example: 64 });
  const lr = o.fineTune?.learningRate ?? D.fineTune.learningRate;
  if (!(lr > 0 && Number.isFinite(lr))) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', option: 'fineTune.learningRate', expected: 'a positive number', value: lr, example: 1e-4 });
}

/** Snapshot of a model's weights (to go back to the last good iteration). */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

/**
 * The slice a method uses: the given one (checked against the model) or the policy's slice of every class, made on
 * the training data with the validation split; null for methods that need none.
 */
export async function restructureSlice(model: tf.LayersModel, given: Slice | TaskSlice | null | undefined, needsSlice: boolean,
  splits: { train: Dataset; validation: Dataset }, o: { slicePolicy?: SlicePolicyOptions; allowForeignSlice?: boolean; seed: number }): Promise<TaskSlice & { origin: SliceOrigin } | null> {
  if (!needsSlice && !given) return null;
  if (given) {
    const ts = 'choice' in given ? given : { slice: given, choice: givenSliceChoice(model, given) };
    return { ...ts, origin: await checkSliceFits(model, ts.slice, { allowForeignSlice: o.allowForeignSlice ?? false }) };
  }
  const units = logitsModel(model).units;
  const ts = await taskSlice(model, splits.train, Array.from({ length: units }, (_, c) => c), { seed: o.seed, ...o.slicePolicy, validation: splits.validation });
  return { ...ts, origin: 'this-model' };
}

/**
 * Restructure a model: pre-step, fine-tuning, iterative pruning to a target CR within an accuracy bound.
 * The input model is not changed. Without a slice, methods that need one slice the model by the slice policy.
 *
 * @example
 * const r = await restructure(model, null, { train: data.train.take(5000), test: data.test, pruner: 'lamp', targetCR: 0.9 });
 * r.ni; r.cr; r.ma; r.sliceChoice?.theta;   // iterations, compression rate, test accuracy, theta chosen
 * r.table.print();                         // per-iteration CR and accuracy
 * r.assertRetention({ classes: [3, 5], maxDrop: 0.01 });
 * await models.save(r.model, 'models/lenet5-restructured');
 */
export async function restructure(model: tf.LayersModel, slice: Slice | TaskSlice | null, opts: RestructureOptions): Promise<RestructureResult> {
  checkOptions(opts);
  const D = MAINTENANCE_DEFAULTS.restructure;
  const preName = opts.pre ?? D.pre;
  const pre = getRestructureMethod(preName);
  if (pre.appliesTo && !pre.appliesTo(model)) {
    // Run anyway, it would remove nothing and report a pruner-alone run under the method's name.
    throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'not-applicable', pre: preName, model: model.name, description: pre.description, applies: restructureMethodsFor(model) });
  }
  const prunerName = opts.pruner ?? D.pruner;
  getPruner(prunerName);
  const seed = opts.seed ?? 0;
  const splits = maintenanceSplits({ train: opts.train, test: opts.test ?? opts.train, ...(opts.validation ? { validation: opts.validation } : {}) }, seed);
  const used = await restructureSlice(model, slice, pre.needsSlice, splits, { ...(opts.slicePolicy ? { slicePolicy: opts.slicePolicy } : {}), allowForeignSlice: opts.allowForeignSlice ?? false, seed });
  const targetCR = opts.targetCR ?? D.targetCR;
  const maxDrop = opts.maxDrop ?? D.maxDrop;
  const amount = opts.amountPerIteration ?? D.amountPerIteration;
  const maxIterations = opts.maxIterations ?? D.maxIterations;
  const ft: Required<FineTuneOptions> = {
    steps: opts.fineTune?.steps ?? D.fineTune.steps, batchSize: opts.fineTune?.batchSize ?? D.fineTune.batchSize,
    learningRate: opts.fineTune?.learningRate ?? D.fineTune.learningRate, workers: opts.fineTune?.workers ?? 'auto',
  };
  const fineTuneAfterPre = opts.fineTuneAfterPre ?? true;
  const evalBs = opts.evalBatchSize ?? 256;

  const P0 = countParams(model);
  const measureModel = async (m: tf.LayersModel): Promise<{ accuracy: number; testAccuracy: number | null; perClass: number[] }> => {
    const v = await evaluate(m, splits.validation, { batchSize: evalBs, confusion: false });
    const t = opts.test ? await evaluate(m, splits.test, { batchSize: evalBs, confusion: false }) : null;
    return { accuracy: v.accuracy, testAccuracy: t ? t.accuracy : null, perClass: (t ?? v).perClass };
  };
  const before = await measureModel(model);
  const bound = before.accuracy - maxDrop;

  const outcome = await pre.run(model, {
    ...(used ? { mask: used.slice.mask() } : {}), train: splits.train, validation: splits.validation, seed,
    ...(opts.methodParams ? { params: opts.methodParams } : {}),
  });
  const work = outcome.model;
  const rows: RestructureRow[] = [];
  let good: tf.Tensor[] | undefined;
  try {
    const state = new PruningState(work, outcome.liveKernels);
    const initialDeadKernel = Object.values(outcome.liveKernels).reduce((a, m) => a + m.reduce((x, v) => x + (v === 0 ? 1 : 0), 0), 0);
    const deadOther = outcome.retainedDead - initialDeadKernel;
    const newParams = countParams(work);
    const live = (): number => { const c = state.counts(); return newParams - deadOther - (c.total - c.surviving); };
    let round = 0;
    const fineTune = async (): Promise<void> => {
      if (ft.steps === 0) return;
      const r = round++;
      const subset = splits.train.shuffle(seed * 7919 + r).take(ft.steps * ft.batchSize);
      await train(work, subset, { epochs: 1, batchSize: ft.batchSize, learningRate: ft.learningRate, seed: seed + r, gradientMasks: state.gradientMasks(), workers: ft.workers });
    };
    const measure = async (iteration: number, t0: number): Promise<RestructureRow> => {
      const e = await measureModel(work);
      const l = live();
      const row: RestructureRow = { iteration, cr: 1 - l / P0, ...e, liveParams: l, seconds: (performance.now() - t0) / 1000 };
      rows.push(row);
      opts.onIteration?.(row);
      return row;
    };
    let t0 = performance.now();
    if (fineTuneAfterPre) await fineTune();
    await measure(0, t0);
    let verdict = applyStopRule(rows, bound, targetCR);
    if (!verdict.done) {
      good = snapshot(work);
      for (let it = 1; it <= maxIterations; it++) {
        t0 = performance.now();
        await state.step(prunerName, amount);
        await fineTune();
        await measure(it, t0);
        verdict = applyStopRule(rows, bound, targetCR);
        if (verdict.stop === 'accuracy') {
          // Back to the last good iteration: its weights and its pruning masks' zeros (the snapshot holds both).
          work.setWeights(good);
          break;
        }
        tf.dispose(good);
        good = snapshot(work);
        if (verdict.done) break;
      }
    }
    const resultRow = rows.find((r) => r.iteration === verdict.iteration)!;
    const ma = resultRow.testAccuracy ?? resultRow.accuracy;
    const fingerprint = await modelFingerprint(work);
    const record = used ? sliceRecord(used.slice, used.origin, used.choice) : null;
    const manifest: RestructureManifest = {
      ...await manifestBase('semslice-restructure', preName, model, record, { steps: ft.steps, batchSize: ft.batchSize, learningRate: ft.learningRate, optimizer: 'adam', seed },
        { train: dataRecord(splits.train), validation: dataRecord(splits.validation), test: opts.test ? dataRecord(opts.test) : null }, outcome.note),
      kind: 'semslice-restructure',
      neuronsRemoved: outcome.neuronsRemoved, blocksRemoved: outcome.blocksRemoved, ...(outcome.details ? { details: outcome.details } : {}),
      pruner: prunerName,
      schedule: { amountPerIteration: amount, targetCR, maxDrop, maxIterations, fineTune: ft, fineTuneAfterPre },
      iterations: rows.map((r) => ({ iteration: r.iteration, cr: r.cr, accuracy: r.accuracy, testAccuracy: r.testAccuracy })),
      result: { iteration: resultRow.iteration, ni: verdict.ni, cr: resultRow.cr, ma, valAccuracy: resultRow.accuracy, reached: verdict.reached, stop: verdict.stop, fineTuneRounds: round, fingerprint },
    };
    const table = aq.from(rows.map((r) => ({ ...r, perClass: [...r.perClass] })));
    return {
      model: work, method: preName, pruner: prunerName, table, rows, ni: verdict.ni, ma, cr: resultRow.cr, reached: verdict.reached, stop: verdict.stop,
      original: { params: P0, ...before },
      final: { params: newParams, liveParams: resultRow.liveParams, accuracy: resultRow.accuracy, testAccuracy: resultRow.testAccuracy, perClass: resultRow.perClass },
      slice: used?.slice ?? null, sliceChoice: used?.choice ?? null, manifest,
      assertRetention: retentionMethod(before.perClass, resultRow.perClass),
    };
  } catch (e) {
    work.dispose();
    throw e;
  } finally {
    if (good) tf.dispose(good);
  }
}
