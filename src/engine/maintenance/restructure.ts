/**
 * Restructuring (RQ2, docs/maintenance.md): a pre-step (our neuron removal by the slice, nothing, random neurons,
 * or DeepArc's block skipping), optional fine-tuning, then iterative magnitude pruning with a registered pruner,
 * each iteration followed by the same fine-tuning, until the stop rule:
 * stop at the first iteration whose CR >= targetCR with accuracy >= original - maxDrop, or when an iteration leaves
 * accuracy below that bound after fine-tuning (the last good iteration is then the result).
 *
 * CR is of the whole model: 1 - live parameters / the original's parameters, where removed neurons, skipped blocks,
 * pruned kernel entries and entries kept only as zeros (surgery's retained zeros) are not live. NI = pruning
 * iterations run; MA = accuracy of the result.
 */
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { siteReads } from '../graph/index.js';
import { modelFingerprint } from '../models/fingerprint.js';
import { getPruner } from '../pruning/index.js';
import { PruningState } from '../pruning/schedule.js';
import { Slice } from '../slicing/slice.js';
import { getPreStep } from '../surgery/index.js';
import { evaluate, train } from '../train/index.js';
import { retentionMethod, type Retains } from './retention.js';

/** The fine-tuning budget, the same for every method: `steps` batches of `batchSize` per round. */
export interface FineTuneOptions {
  /** Batches per fine-tuning round (pre-step and every iteration). 0 = no fine-tuning. Default 50. */
  steps?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Training replicas (train()'s `workers`): 'auto' (default; a short round stays on one thread), 1, 2, ... */
  workers?: number | 'auto';
}

/** Options of {@link restructure}. */
export interface RestructureOptions {
  /** Training data (fine-tuning; DeepArc's block choice). */
  train: Dataset;
  /** Data accuracy is measured on (the stop rule, MA, per-class accuracy). */
  test: Dataset;
  /** What is removed first: 'slice' (default with a slice), 'none' (default without), 'random', 'deeparc' (registered by baselines). */
  pre?: string;
  /** Registered pruner name. Default 'lamp'. */
  pruner?: string;
  /** Target compression rate of the whole model, in (0, 1). Default 0.9. */
  targetCR?: number;
  /** Largest allowed accuracy drop from the original (absolute). Default 0.01. */
  maxDrop?: number;
  /** Fraction of the surviving kernel weights pruned per iteration. Default 0.2. */
  amountPerIteration?: number;
  /** Upper bound on iterations. Default 30. */
  maxIterations?: number;
  /** Fine-tune after the pre-step (when it removed something). Default true. */
  fineTuneAfterPre?: boolean;
  fineTune?: FineTuneOptions;
  /** Seeds fine-tuning, random removal and block choice. Default 0. */
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
  accuracy: number;
  perClass: number[];
  /** Live parameters after this iteration. */
  liveParams: number;
  /** Wall-clock seconds of this iteration (pruning, fine-tuning, evaluation). */
  seconds: number;
}

/** The lineage manifest: how the result was made. */
export interface RestructureManifest {
  kind: 'semslice-restructure';
  version: 1;
  model: { name: string; fingerprint: string; params: number };
  slice: { classes: number[]; params: Record<string, unknown>; fingerprints: { model: string; data: string } } | null;
  pre: string;
  neuronsRemoved: Record<string, number[]>;
  blocksRemoved: string[];
  note?: string;
  pruner: string;
  schedule: { amountPerIteration: number; targetCR: number; maxDrop: number; maxIterations: number; fineTune: Required<FineTuneOptions>; fineTuneAfterPre: boolean; seed: number };
  data: { train: string; test: string; trainSize: number; testSize: number };
  iterations: Array<{ iteration: number; cr: number; accuracy: number }>;
  result: { iteration: number; ni: number; cr: number; ma: number; reached: boolean; stop: string; fingerprint: string };
}

/** What {@link restructure} returns. */
export interface RestructureResult extends Retains {
  /** The compressed model (stock layers; pruned weights are zeros). The caller owns it. */
  model: tf.LayersModel;
  /** Per-iteration table: iteration, cr, accuracy, perClass, liveParams, seconds. */
  table: aq.ColumnTable;
  rows: RestructureRow[];
  /** Pruning iterations run (including a last one that broke the accuracy bound). */
  ni: number;
  /** Accuracy of the result. */
  ma: number;
  /** Compression rate of the result. */
  cr: number;
  /** True when the target CR was reached within maxDrop. */
  reached: boolean;
  /** Why the loop stopped: 'target', 'accuracy', 'max-iterations', 'pre-step-accuracy'. */
  stop: 'target' | 'accuracy' | 'max-iterations' | 'pre-step-accuracy';
  original: { params: number; accuracy: number; perClass: number[] };
  final: { params: number; liveParams: number; accuracy: number; perClass: number[] };
  manifest: RestructureManifest;
}

function paramCount(model: tf.LayersModel): number {
  return model.weights.reduce((a, w) => a + w.shape.reduce<number>((x, d) => x * (d ?? 1), 1), 0);
}

function checkOptions(o: RestructureOptions): void {
  const bad = (msg: string, hint: string) => new SemsliceError('BAD_RESTRUCTURE_OPTIONS', `restructure: ${msg}`, hint);
  const t = o.targetCR ?? 0.9;
  if (!(t > 0 && t < 1)) throw bad(`targetCR must be in (0, 1), got ${o.targetCR}.`, 'Pass e.g. { targetCR: 0.9 } (--target-cr 0.9).');
  const d = o.maxDrop ?? 0.01;
  if (!(d >= 0 && d <= 1)) throw bad(`maxDrop must be in [0, 1], got ${o.maxDrop}.`, 'Pass e.g. { maxDrop: 0.01 } (--max-drop 0.01), one point of accuracy.');
  const a = o.amountPerIteration ?? 0.2;
  if (!(a > 0 && a < 1)) throw bad(`amountPerIteration must be in (0, 1), got ${o.amountPerIteration}.`, 'Pass e.g. { amountPerIteration: 0.2 }.');
  const m = o.maxIterations ?? 30;
  if (!Number.isInteger(m) || m < 1) throw bad(`maxIterations must be a positive integer, got ${o.maxIterations}.`, 'Pass e.g. { maxIterations: 30 }.');
  const s = o.fineTune?.steps ?? 50;
  if (!Number.isInteger(s) || s < 0) throw bad(`fineTune.steps must be a non-negative integer, got ${o.fineTune?.steps}.`, 'Pass e.g. { fineTune: { steps: 50 } }.');
  if (!o.train || !o.test) throw bad('train and test data are required.', 'Pass { train: data.train, test: data.test }.');
}

/** The slice's mask, checked against the model's sites (a slice of another model is refused). */
async function sliceMask(model: tf.LayersModel, slice: Slice | null): Promise<Record<string, Float32Array> | undefined> {
  if (!slice) return undefined;
  const fp = slice.fingerprints.model;
  const mine = await modelFingerprint(model);
  const sites = siteReads(model).map((r) => r.site);
  const theirs = slice.sites;
  const sameSites = theirs.length === sites.length && theirs.every((s, i) => s.name === sites[i]!.name && s.neurons === sites[i]!.neurons);
  if (!sameSites || (fp !== 'unknown' && fp !== mine)) {
    throw new SemsliceError('SLICE_MODEL_MISMATCH',
      `The slice was made for another model: ${!sameSites ? `its sites are ${theirs.map((s) => `${s.name}(${s.neurons})`).join(', ')}, the model's ${sites.map((s) => `${s.name}(${s.neurons})`).join(', ')}` : `model fingerprint ${fp}, this model's ${mine}`}.`,
      'Slice this model first (semslice slice --model DIR ...), then restructure it with that slice.');
  }
  return slice.mask();
}

/** Snapshot of a model's weights (to go back to the last good iteration). */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

/**
 * Restructure a model: pre-step, fine-tuning, iterative pruning to a target CR within an accuracy bound.
 * The input model is not changed.
 *
 * @example
 * const r = await restructure(model, slice, { train: data.train.take(2000), test: data.test.take(1000),
 *   pruner: 'lamp', targetCR: 0.9, maxDrop: 0.01, fineTune: { steps: 30 } });
 * r.ni; r.cr; r.ma;           // iterations, compression rate, accuracy
 * r.table.print();            // per-iteration CR and accuracy
 * r.assertRetention({ classes: [3, 5], maxDrop: 0.01 });
 * await models.save(r.model, 'models/lenet5-restructured');
 */
export async function restructure(model: tf.LayersModel, slice: Slice | null, opts: RestructureOptions): Promise<RestructureResult> {
  checkOptions(opts);
  const preName = opts.pre ?? (slice ? 'slice' : 'none');
  const pre = getPreStep(preName);
  const prunerName = opts.pruner ?? 'lamp';
  getPruner(prunerName);
  const mask = await sliceMask(model, slice);
  if (pre.needsSlice && !mask) {
    throw new SemsliceError('NO_SLICE', `The pre-step "${preName}" needs a slice.`, 'Pass a slice (--slice slice.json), or use pre "none".');
  }
  const targetCR = opts.targetCR ?? 0.9;
  const maxDrop = opts.maxDrop ?? 0.01;
  const amount = opts.amountPerIteration ?? 0.2;
  const maxIterations = opts.maxIterations ?? 30;
  const seed = opts.seed ?? 0;
  const ft: Required<FineTuneOptions> = { steps: opts.fineTune?.steps ?? 50, batchSize: opts.fineTune?.batchSize ?? 64, learningRate: opts.fineTune?.learningRate ?? 1e-3, workers: opts.fineTune?.workers ?? 'auto' };
  const fineTuneAfterPre = opts.fineTuneAfterPre ?? true;
  const evalBs = opts.evalBatchSize ?? 256;

  const P0 = paramCount(model);
  const before = await evaluate(model, opts.test, { batchSize: evalBs, confusion: false });
  const bound = before.accuracy - maxDrop;

  const outcome = await pre.run(model, { mask, train: opts.train, test: opts.test, seed });
  const work = outcome.model;
  const rows: RestructureRow[] = [];
  let good: tf.Tensor[] | undefined;
  try {
    const state = new PruningState(work, outcome.liveKernels);
    const initialDeadKernel = Object.values(outcome.liveKernels).reduce((a, m) => a + m.reduce((x, v) => x + (v === 0 ? 1 : 0), 0), 0);
    const deadOther = outcome.retainedDead - initialDeadKernel;
    const newParams = paramCount(work);
    const live = (): number => { const c = state.counts(); return newParams - deadOther - (c.total - c.surviving); };
    let round = 0;
    const fineTune = async (): Promise<void> => {
      if (ft.steps === 0) return;
      const r = round++;
      const subset = opts.train.shuffle(seed * 7919 + r).take(ft.steps * ft.batchSize);
      await train(work, subset, { epochs: 1, batchSize: ft.batchSize, learningRate: ft.learningRate, seed: seed + r, gradientMasks: state.gradientMasks(), workers: ft.workers });
    };
    const measure = async (iteration: number, t0: number): Promise<RestructureRow> => {
      const e = await evaluate(work, opts.test, { batchSize: evalBs, confusion: false });
      const l = live();
      const row = { iteration, cr: 1 - l / P0, accuracy: e.accuracy, perClass: e.perClass, liveParams: l, seconds: (performance.now() - t0) / 1000 };
      rows.push(row);
      opts.onIteration?.(row);
      return row;
    };
    let t0 = performance.now();
    const removedSomething = Object.values(outcome.neuronsRemoved).some((r) => r.length > 0) || (outcome.blocksRemoved?.length ?? 0) > 0;
    if (fineTuneAfterPre && removedSomething) await fineTune();
    let last = await measure(0, t0);
    let resultRow = last;
    let stop: RestructureResult['stop'] = 'max-iterations';
    let ni = 0;
    if (last.accuracy < bound) stop = 'pre-step-accuracy';
    else if (last.cr >= targetCR) stop = 'target';
    else {
      good = snapshot(work);
      for (let it = 1; it <= maxIterations; it++) {
        t0 = performance.now();
        await state.step(prunerName, amount);
        await fineTune();
        last = await measure(it, t0);
        ni = it;
        if (last.accuracy < bound) {
          stop = 'accuracy';
          // Back to the last good iteration: its weights and its pruning masks' zeros (the snapshot holds both).
          work.setWeights(good);
          break;
        }
        resultRow = last;
        tf.dispose(good);
        good = snapshot(work);
        if (last.cr >= targetCR) { stop = 'target'; break; }
      }
    }
    const reached = stop === 'target';
    const fingerprint = await modelFingerprint(work);
    const manifest: RestructureManifest = {
      kind: 'semslice-restructure', version: 1,
      model: { name: model.name, fingerprint: await modelFingerprint(model), params: P0 },
      slice: slice ? { classes: slice.classes, params: { ...slice.params } as Record<string, unknown>, fingerprints: slice.fingerprints } : null,
      pre: preName, neuronsRemoved: outcome.neuronsRemoved, blocksRemoved: outcome.blocksRemoved ?? [],
      ...(outcome.note ? { note: outcome.note } : {}),
      pruner: prunerName,
      schedule: { amountPerIteration: amount, targetCR, maxDrop, maxIterations, fineTune: ft, fineTuneAfterPre, seed },
      data: { train: `${opts.train.name}/${opts.train.split}`, test: `${opts.test.name}/${opts.test.split}`, trainSize: opts.train.size, testSize: opts.test.size },
      iterations: rows.map((r) => ({ iteration: r.iteration, cr: r.cr, accuracy: r.accuracy })),
      result: { iteration: resultRow.iteration, ni, cr: resultRow.cr, ma: resultRow.accuracy, reached, stop, fingerprint },
    };
    const table = aq.from(rows.map((r) => ({ ...r, perClass: [...r.perClass] })));
    return {
      model: work, table, rows, ni, ma: resultRow.accuracy, cr: resultRow.cr, reached, stop,
      original: { params: P0, accuracy: before.accuracy, perClass: before.perClass },
      final: { params: newParams, liveParams: resultRow.liveParams, accuracy: resultRow.accuracy, perClass: resultRow.perClass },
      manifest,
      assertRetention: retentionMethod(before.perClass, resultRow.perClass),
    };
  } catch (e) {
    work.dispose();
    throw e;
  } finally {
    if (good) tf.dispose(good);
  }
}
