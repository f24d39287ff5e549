import * as tf from '@tensorflow/tfjs';
import { adam } from './adam.js';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { Rng } from '../rng.js';
import { layersOfKind, logitsModel } from '../graph/index.js';
import { BestTracker } from './early-stop.js';
import { evaluate } from './evaluate.js';
import { WeightPlan } from './weight-plan.js';
import { resolveTrainOptions, type TrainOptions } from './options.js';
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
 * gradient masks (masked entries stay bit-identical) and whole-weight freezing via `trainable`.
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
  const plan = new WeightPlan(model, opts.gradientMasks, opts.trainable);
  let workers: number;
  try {
    workers = resolveWorkers({ requested: o.workers, batchSize: o.batchSize, samples: data.size * o.epochs, parameters: trainableParameters(plan), convolutional: layersOfKind(model, 'conv2d').length > 0 });
  } catch (e) {
    plan.dispose();
    throw e;
  }
  const optimizer = adam(o.learningRate);
  const dropoutRng = new Rng(o.seed ^ 0x5bd1e995);
  const reseed = reseedDropout(model, dropoutRng);
  const dropoutCount = layersOfKind(model, 'dropout').length;
  let parallel: DataParallelStepper | undefined;
  let step: (xs: tf.Tensor4D, ys: tf.Tensor1D) => StepResult | Promise<StepResult>;
  if (workers > 1) {
    try {
      parallel = await startDataParallel(model, head, plan, optimizer, workers, o.batchSize, opts.extraLoss);
    } catch (e) {
      plan.dispose();
      optimizer.dispose();
      throw e;
    }
    const seeds = (): number[] => Array.from({ length: dropoutCount }, () => dropoutRng.seed());
    step = (xs, ys) => parallel!.step(xs, ys, seeds);
  } else {
    step = makeStep(head, plan, optimizer, opts.extraLoss);
  }
  const shuffleRng = new Rng(o.seed);
  const tracker = new BestTracker(o.earlyStop?.monitor ?? (opts.validation ? 'valLoss' : 'loss'), o.earlyStop);
  const perEpoch = Math.ceil(data.size / o.batchSize);
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
          throw new SemsliceError('ABORTED', `Training aborted in epoch ${epoch} after ${done} batches.`, 'The weights hold the last completed step.');
        }
      }, () => { done++; opts.onProgress?.({ phase: 'train', done, total: perEpoch * o.epochs, message: `epoch ${epoch}/${o.epochs}` }); });
      const seconds = (performance.now() - t0) / 1000;
      for (const s of sums.steps) steps.push({ step: steps.length + 1, epoch, loss: s.loss, accuracy: s.accuracy });
      const m: EpochMetrics = { epoch, loss: sums.loss / data.size, accuracy: sums.correct / data.size, seconds, samplesPerSecond: data.size / seconds };
      if (opts.validation) {
        const v = await evaluate(model, opts.validation, { batchSize: o.evalBatchSize, confusion: false });
        m.valLoss = v.loss;
        m.valAccuracy = v.accuracy;
      }
      epochs.push(m);
      await opts.onEpochEnd?.(m);
      if (tracker.update(m, model) && epoch < o.epochs) { stoppedEarly = true; break; }
    }
    if (o.earlyStop?.restoreBestWeights) tracker.restoreBest(model);
  } finally {
    await parallel?.close();
    tracker.dispose();
    plan.dispose();
    optimizer.dispose();
  }
  return { epochs, steps, stoppedEarly, bestEpoch: tracker.bestEpoch, workers };
}

type StepFn = (xs: tf.Tensor4D, ys: tf.Tensor1D) => StepResult | Promise<StepResult>;

function trainableParameters(plan: WeightPlan): number {
  return plan.varList.reduce((a, v) => a + v.size, 0);
}

/** One pass over view. Loss and hit counts stay on the device and are read once, at the end (per step too). */
async function runEpoch(view: Dataset, batchSize: number, step: StepFn, check: () => void, after: () => void): Promise<{ loss: number; correct: number; steps: Array<{ loss: number; accuracy: number }> }> {
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
      after();
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
