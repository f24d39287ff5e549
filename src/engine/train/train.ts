import * as tf from '@tensorflow/tfjs';
import { adam } from './adam.js';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { fail, say, opt, alt } from '../messages/index.js';
import { Rng } from '../rng.js';
import { layersOfKind, logitsModel } from '../graph/index.js';
import { BestTracker } from './early-stop.js';
import { evaluate } from './evaluate.js';
import { WeightPlan } from './weight-plan.js';
import { BN_RECOMPUTE_SAMPLES, resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './options.js';
import { recomputeBatchNormStatistics, staleBatchNorms } from './batch-norm-stats.js';
import { warn } from '../log.js';
import { groupTable } from './loss.js';
import { makeStep, type StepResult } from './step.js';
import { startDataParallel, type DataParallelStepper } from './parallel/data-parallel.js';
import { resolveWorkers } from './workers.js';
import { checkDataFits } from './validate.js';
import type { EpochMetrics, StepMetrics, TrainHistory } from './types.js';
import { readTidy } from '../read-tidy.js';

/** Dropout layers draw a fresh seed per step from our Rng (a fixed tfjs seed would repeat one mask forever). */
function reseedDropout(model: tf.LayersModel, rng: Rng): () => void {
  const layers = layersOfKind(model, 'dropout') as unknown as Array<{ seed?: number }>;
  return () => { for (const l of layers) l.seed = rng.seed(); };
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
/**
 * Between batches the loop lets timers, signals and I/O run, at most every YIELD_MS: a turn costs about 0.2 ms (a few
 * percent of a LeNet-5 step), and 16 ms keeps an abort or a progress display prompt.
 */
const YIELD_MS = 16;

/**
 * Train a model in place with one seeded custom loop (Adam, sparse softmax cross-entropy on the logits).
 * Same model weights, data, options and seed give byte-identical weights on the same backend.
 * Supports validation per epoch, early stopping, progress and epoch callbacks, an AbortSignal, per-weight
 * gradient masks (masked entries stay bit-identical) and whole-weight freezing via `trainable`. BatchNormalization
 * moving statistics that a short run leaves stale are re-estimated on the training data (`recomputeBatchNorm`).
 * Epochs in the history are numbered from 1.
 *
 * @example
 * const history = await train(model, data.train, { epochs: 3, seed: 42, validation: data.test,
 *   gradientMasks: { 'fc1/kernel': mask }, onEpochEnd: (m) => console.log(m.epoch, m.valAccuracy) });
 */
export async function train(model: tf.LayersModel, data: Dataset, opts: TrainOptions = {}): Promise<TrainHistory> {
  const o = resolveTrainOptions(opts);
  const head = logitsModel(model);
  checkDataFits(model, head.units, data, 'training data');
  if (opts.validation) checkDataFits(model, head.units, opts.validation, 'validation data');
  const groupsTable = lossGroupTable(opts.lossGroups, head.units, data);
  const plan = new WeightPlan(model, opts.gradientMasks, opts.trainable);
  let workers: number;
  try {
    workers = resolveWorkers({ requested: o.workers, batchSize: o.batchSize, samples: data.size * o.epochs, parameters: trainableParameters(plan), convolutional: layersOfKind(model, 'conv2d').length > 0 });
  } catch (e) {
    plan.dispose();
    throw e;
  }
  const optimizer = adam(o.learningRate);
  const groups = groupsTable ? { table: groupsTable, tensor: tf.tensor2d(groupsTable, [head.units, head.units]) } : undefined;
  const dropoutRng = new Rng(o.seed ^ 0x5bd1e995);
  const reseed = reseedDropout(model, dropoutRng);
  const dropoutCount = layersOfKind(model, 'dropout').length;
  let parallel: DataParallelStepper | undefined;
  let step: (xs: tf.Tensor4D, ys: tf.Tensor1D) => StepResult | Promise<StepResult>;
  if (workers > 1) {
    try {
      parallel = await startDataParallel(model, head, plan, optimizer, workers, o.batchSize, opts.extraLoss, groups);
    } catch (e) {
      plan.dispose();
      optimizer.dispose();
      groups?.tensor.dispose();
      throw e;
    }
    const seeds = (): number[] => Array.from({ length: dropoutCount }, () => dropoutRng.seed());
    step = (xs, ys) => parallel!.step(xs, ys, seeds);
  } else {
    step = makeStep(head, plan, optimizer, opts.extraLoss, groups?.tensor);
  }
  const batchNorm = await batchNormPlan(model, data, o, Math.ceil(data.size / o.batchSize) * o.epochs);
  const refreshBatchNorm = async (): Promise<void> => {
    if (!batchNorm) return;
    await recomputeBatchNormStatistics(model, batchNorm, { batchSize: o.evalBatchSize });
    plan.restore(); // frozen moving statistics keep their values
  };
  const shuffleRng = new Rng(o.seed);
  const tracker = new BestTracker(o.earlyStop?.monitor ?? (opts.validation ? 'valLoss' : 'loss'), o.earlyStop);
  const perEpoch = Math.ceil(data.size / o.batchSize);
  const checkpoint = opts.everySteps;
  if (checkpoint && !(Number.isInteger(checkpoint.every) && checkpoint.every >= 1)) {
    throw fail('BAD_TRAIN_OPTIONS', { case: 'value', where: 'train', option: 'everySteps.every', value: checkpoint.every, expected: 'a positive integer', example: 20 });
  }
  const epochs: EpochMetrics[] = [];
  const steps: StepMetrics[] = [];
  let stoppedEarly = false;
  let done = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const view = o.shuffle ? data.shuffle(shuffleRng.seed()) : data;
      const t0 = performance.now();
      const sums = await runEpoch(view, o.batchSize, (xs, ys) => { reseed(); return step(xs, ys); }, () => {
        if (opts.signal?.aborted) {
          throw fail('ABORTED', { case: 'training', epoch, batches: done });
        }
      }, () => {
        done++;
        opts.onProgress?.({ phase: 'train', done, total: perEpoch * o.epochs, message: `epoch ${epoch}/${o.epochs}` });
        return checkpoint && done % checkpoint.every === 0 ? checkpoint.run(done) : undefined;
      });
      const seconds = (performance.now() - t0) / 1000;
      for (const s of sums.steps) steps.push({ step: steps.length + 1, epoch, loss: s.loss, accuracy: s.accuracy });
      const m: EpochMetrics = { epoch, loss: sums.loss / data.size, accuracy: sums.correct / data.size, seconds, samplesPerSecond: data.size / seconds };
      if (opts.validation) {
        await refreshBatchNorm();
        const v = await evaluate(model, opts.validation, { batchSize: o.evalBatchSize, confusion: false });
        m.valLoss = v.loss;
        m.valAccuracy = v.accuracy;
      }
      epochs.push(m);
      await opts.onEpochEnd?.(m);
      if (tracker.update(m, model) && epoch < o.epochs) { stoppedEarly = true; break; }
    }
    if (o.earlyStop?.restoreBestWeights) tracker.restoreBest(model);
    else if (!(opts.validation && epochs.length > 0)) await refreshBatchNorm(); // already done before the last validation
  } finally {
    await parallel?.close();
    tracker.dispose();
    plan.dispose();
    optimizer.dispose();
    groups?.tensor.dispose();
  }
  return { epochs, steps, stoppedEarly, bestEpoch: tracker.bestEpoch, workers };
}

/**
 * The data BatchNormalization statistics are re-estimated on after training (recomputeBatchNorm), or undefined when
 * they are not. A run too short for the layers' momentum warns once, naming them.
 */
async function batchNormPlan(model: tf.LayersModel, data: Dataset, o: ResolvedTrainOptions, steps: number): Promise<Dataset | undefined> {
  if (o.recomputeBatchNorm === true) return sample(data, o.seed);
  const stale = await staleBatchNorms(model, steps);
  if (stale.length === 0) return undefined;
  const names = stale.length <= 6 ? stale.map((s) => s.layer).join(', ') : `${stale.slice(0, 5).map((s) => s.layer).join(', ')} and ${stale.length - 5} more`;
  const momenta = [...new Set(stale.map((s) => s.momentum))].join(', ');
  const left = (100 * Math.max(...stale.map((s) => s.retained))).toPrecision(2);
  const what = `BatchNormalization layers ${names} (momentum ${momenta}) start untrained and get ${steps} training steps in this run: their moving statistics would still hold ${left}% of their initial values (mean 0, variance 1), and evaluation, which normalises with them, would be off, near chance for short runs.`;
  if (o.recomputeBatchNorm === false) {
    warn(say`${what} Pass ${opt('recomputeBatchNorm', true)}${alt(' (or call recomputeBatchNormStatistics(model, data))', '')} to re-estimate them on the training data, or train for more steps.`);
    return undefined;
  }
  const used = sample(data, o.seed);
  warn(say`${what} They are re-estimated on ${used.size.toLocaleString('en-US')} training samples after training (${opt('recomputeBatchNorm', 'auto')}; ${opt('recomputeBatchNorm', false)} keeps them as trained).`);
  return used;
}

/** Up to BN_RECOMPUTE_SAMPLES samples of the data, a seeded draw when there are more. */
function sample(data: Dataset, seed: number): Dataset {
  return data.size <= BN_RECOMPUTE_SAMPLES ? data : data.shuffle(seed ^ 0x2545f491).take(BN_RECOMPUTE_SAMPLES);
}

type StepFn = (xs: tf.Tensor4D, ys: tf.Tensor1D) => StepResult | Promise<StepResult>;

/** The softmax groups' table (loss.ts), checked against the model's outputs and the data's labels; undefined without groups. */
function lossGroupTable(groups: TrainOptions['lossGroups'], units: number, data: Dataset): Float32Array | undefined {
  if (groups === undefined) return undefined;
  const owner = new Map<number, number>();
  groups.forEach((g, i) => {
    for (const c of g) {
      if (!Number.isInteger(c) || c < 0 || c >= units) {
        throw fail('BAD_TRAIN_OPTIONS', { case: 'loss-group-class', group: i, cls: c, units });
      }
      if (owner.has(c) && owner.get(c) !== i) {
        throw fail('BAD_TRAIN_OPTIONS', { case: 'loss-groups-overlap', cls: c, groups: [owner.get(c)!, i] });
      }
      owner.set(c, i);
    }
  });
  const stray = data.classCounts().map((n, c) => (n > 0 && !owner.has(c) ? c : -1)).filter((c) => c >= 0);
  if (stray.length) {
    throw fail('BAD_TRAIN_OPTIONS', { case: 'classes-without-group', classes: stray });
  }
  return groupTable(groups, units);
}

function trainableParameters(plan: WeightPlan): number {
  return plan.varList.reduce((a, v) => a + v.size, 0);
}

/** One pass over view. Loss and hit counts stay on the device and are read once, at the end (per step too). */
async function runEpoch(view: Dataset, batchSize: number, step: StepFn, check: () => void, after: () => unknown): Promise<{ loss: number; correct: number; steps: Array<{ loss: number; accuracy: number }> }> {
  let loss: tf.Scalar = tf.scalar(0);
  let correct: tf.Scalar = tf.scalar(0);
  const perStep: tf.Tensor[] = [];
  const sizes: number[] = [];
  // The next batch is gathered while a data-parallel step waits for its workers (a step returns a promise as soon as
  // the main thread's share is computed); a one-thread step is synchronous, so there it simply comes first.
  const batches = view.batches(batchSize)[Symbol.iterator]();
  let next = batches.next();
  let lastYield = performance.now();
  try {
    while (!next.done) {
      const b = next.value;
      next = { done: true, value: undefined };
      try {
        check();
        const pending = step(b.xs, b.ys);
        next = batches.next();
        const r = await pending;
        const n = b.ys.shape[0];
        const [l, c, s] = tf.tidy(() => [tf.add(loss, tf.mul(r.loss, n)) as tf.Scalar, tf.add(correct, r.correct) as tf.Scalar, tf.stack([r.loss, r.correct])]);
        perStep.push(s);
        sizes.push(n);
        tf.dispose([loss, correct, r.loss, r.correct]);
        loss = l; correct = c;
      } finally {
        b.xs.dispose(); b.ys.dispose();
      }
      await after();
      if (performance.now() - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    const flat = await readTidy(() => tf.concat([tf.stack([loss, correct]), ...(perStep.length ? [tf.reshape(tf.stack(perStep), [-1])] : [])]));
    const steps = sizes.map((n, i) => ({ loss: flat[2 + 2 * i]!, accuracy: flat[3 + 2 * i]! / n }));
    return { loss: flat[0]!, correct: flat[1]!, steps };
  } finally {
    if (!next.done) { next.value.xs.dispose(); next.value.ys.dispose(); }
    tf.dispose([loss, correct, ...perStep]);
  }
}
