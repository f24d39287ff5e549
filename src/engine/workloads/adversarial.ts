/**
 * FGSM and PGD (L-infinity), batched and seeded, from correctly classified images (so every adversarial input is a
 * true error of the clean model when the attack succeeds): the step common to both (docs/maintenance.md) is
 *   x <- clip01( x0 + clip_{+-eps}( x + alpha * sign(grad_x CE(f(x), y)) - x0 ) ),
 * FGSM being the one-step case with alpha = eps and no random start; PGD starts from a uniform point of the eps-ball
 * (drawn from our Rng, so the same seed gives the same bytes). Gradients are of the logits' cross-entropy with the
 * true labels, the model in inference mode.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fromArrays } from '../data/from-arrays.js';
import { SemsliceError } from '../errors.js';
import { logitsModel } from '../graph/index.js';
import { Rng } from '../rng.js';
import { crossEntropy, predictLabels } from '../train/index.js';
import { attackDefaults, type AttackParams } from './defaults.js';

/** Options of {@link fgsm} and {@link pgd}; defaults per dataset (see attackDefaults). */
export interface AttackOptions {
  /** L-infinity radius. Default: 0.3 for MNIST, 0.1 for Fashion-MNIST, 8/255 for CIFAR-10. */
  eps?: number;
  /** PGD only: steps. Default 40. */
  steps?: number;
  /** PGD only: step size. Default eps / 30. */
  stepSize?: number;
  /** PGD only: start from a uniform point of the eps-ball. Default true. */
  randomStart?: boolean;
  /** Adversarial images to make (from the first correctly classified images of `data`, in view order). Default 1000. */
  count?: number;
  /** Seeds PGD's random start. Default 0. */
  seed?: number;
  /** Default 128. */
  batchSize?: number;
}

/** What an attack returns. */
export interface AdversarialSet {
  /** The adversarial images with their true labels (name "<data>-<attack>", the split of the source). */
  data: Dataset;
  /** The clean images they were made from, in the same order (a view of the input). */
  sources: Dataset;
  /** Positions of the sources in the input view. */
  positions: Int32Array;
  attack: 'fgsm' | 'pgd';
  params: AttackParams & { seed: number };
  /** The clean model's accuracy on `data` (on `sources` it is 1 by construction). */
  accuracy: number;
}

function checkAttack(kind: string, p: AttackParams, count: number, batchSize: number): void {
  const bad = (msg: string, hint: string) => new SemsliceError('BAD_ATTACK_OPTIONS', `${kind}: ${msg}`, hint);
  if (!(p.eps > 0 && p.eps <= 1)) throw bad(`eps must be in (0, 1], got ${p.eps}.`, 'Pass e.g. { eps: 0.3 } (pixels are in [0, 1]).');
  if (!Number.isInteger(p.steps) || p.steps < 1) throw bad(`steps must be a positive integer, got ${p.steps}.`, 'Pass e.g. { steps: 40 }.');
  if (!(p.stepSize > 0)) throw bad(`stepSize must be positive, got ${p.stepSize}.`, 'Pass e.g. { stepSize: eps / 30 }.');
  if (!Number.isInteger(count) || count < 1) throw bad(`count must be a positive integer, got ${count}.`, 'Pass e.g. { count: 1000 }.');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw bad(`batchSize must be a positive integer, got ${batchSize}.`, 'Pass e.g. { batchSize: 128 }.');
}

/**
 * Positions of the first `count` samples the model classifies correctly. Predicted in chunks of whole batches,
 * stopping once `count` are found: a few hundred sources need not predict a 60,000-image pool.
 */
async function correctPositions(model: tf.LayersModel, data: Dataset, count: number, batchSize: number): Promise<Int32Array> {
  const chunk = Math.ceil((1.25 * count) / batchSize) * batchSize;
  const out: number[] = [];
  for (let start = 0; start < data.size && out.length < count; start += chunk) {
    const n = Math.min(chunk, data.size - start);
    const pred = await predictLabels(model, data.select(Int32Array.from({ length: n }, (_, i) => start + i)), { batchSize });
    for (let i = 0; i < n && out.length < count; i++) if (pred[i] === data.label(start + i)) out.push(start + i);
  }
  return Int32Array.from(out);
}

async function attack(kind: 'fgsm' | 'pgd', model: tf.LayersModel, data: Dataset, o: AttackOptions): Promise<AdversarialSet> {
  const d = attackDefaults(kind, data.name, o.eps);
  const p: AttackParams = kind === 'fgsm' ? d : { eps: d.eps, steps: o.steps ?? d.steps, stepSize: o.stepSize ?? d.stepSize, randomStart: o.randomStart ?? d.randomStart };
  const count = o.count ?? 1000;
  const batchSize = o.batchSize ?? 128;
  const seed = o.seed ?? 0;
  checkAttack(kind, p, count, batchSize);
  const positions = await correctPositions(model, data, count, batchSize);
  if (positions.length === 0) {
    throw new SemsliceError('NO_ATTACK_SOURCES', `${kind}: the model classifies none of the ${data.size} images of ${data.name}/${data.split} correctly.`,
      'Attack a trained model, on data of the task it was trained for.');
  }
  const sources = data.select(positions);
  const head = logitsModel(model);
  const units = head.units;
  const [h, w, c] = sources.sampleShape;
  const per = h * w * c;
  const out = new Float32Array(sources.size * per);
  const rng = new Rng(seed);
  const lossOf = (ys: tf.Tensor1D) => (x: tf.Tensor) => tf.mul(crossEntropy(head.apply(x, false), ys, units), ys.shape[0]) as tf.Scalar;
  let written = 0;
  for (const b of sources.batches(batchSize)) {
    const n = b.ys.shape[0];
    const x0 = b.xs;
    let x: tf.Tensor4D = x0.clone();
    if (p.randomStart) {
      const noise = Float32Array.from({ length: n * per }, () => (2 * rng.next() - 1) * p.eps);
      const next = tf.tidy(() => tf.clipByValue(tf.add(x0, tf.tensor4d(noise, x0.shape)), 0, 1) as tf.Tensor4D);
      x.dispose(); x = next;
    }
    const grad = tf.grad(lossOf(b.ys));
    for (let s = 0; s < p.steps; s++) {
      const next = tf.tidy(() => {
        const g = grad(x);
        const stepped = tf.add(x, tf.mul(tf.sign(g), p.stepSize));
        const delta = tf.clipByValue(tf.sub(stepped, x0), -p.eps, p.eps);
        return tf.clipByValue(tf.add(x0, delta), 0, 1) as tf.Tensor4D;
      });
      x.dispose(); x = next;
      // Long PGD runs: let progress and other work through between steps.
      if (p.steps > 1) await new Promise<void>((r) => setImmediate(r));
    }
    out.set((await x.data()) as Float32Array, written * per);
    written += n;
    tf.dispose([x, b.xs, b.ys]);
  }
  const labels = sources.labels();
  const adv = fromArrays({ name: `${data.name}-${kind}`, split: data.split, images: out, labels, sampleShape: sources.sampleShape, classNames: data.classNames });
  const pred = await predictLabels(model, adv, { batchSize });
  let hits = 0;
  for (let i = 0; i < adv.size; i++) if (pred[i] === labels[i]) hits++;
  return { data: adv, sources, positions, attack: kind, params: { ...p, seed }, accuracy: hits / adv.size };
}

/**
 * FGSM (one step of size eps along the sign of the input gradient) from the first `count` correctly classified
 * images of `data`. Pixels stay in [0, 1] and within eps of their source.
 *
 * @example
 * const adv = await fgsm(model, data.test, { count: 1000 });   // eps 0.3 on MNIST
 * adv.accuracy;                                                  // the clean model on the adversarial images
 * (await evaluate(model, adv.data)).accuracy;                          // the same
 */
export function fgsm(model: tf.LayersModel, data: Dataset, opts: AttackOptions = {}): Promise<AdversarialSet> {
  return attack('fgsm', model, data, opts);
}

/**
 * PGD (L-infinity, random start, `steps` steps of `stepSize`, projected onto the eps-ball and [0, 1]) from the first
 * `count` correctly classified images of `data`; seeded.
 *
 * @example
 * const adv = await pgd(model, data.train.shuffle(1), { count: 1000, seed: 1 }); // eps 0.3, 40 steps of 0.01 on MNIST
 */
export function pgd(model: tf.LayersModel, data: Dataset, opts: AttackOptions = {}): Promise<AdversarialSet> {
  return attack('pgd', model, data, opts);
}
