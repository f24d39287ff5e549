/**
 * FGSM and PGD (L-infinity), batched and seeded, from correctly classified images. By default only the adversarial
 * images the model then gets wrong are kept (every one a true error of the model; `keep: 'all'` keeps every attacked
 * image, and the result says what share the model still gets right). The step common to both (docs/maintenance.md) is
 *   x <- clip01( x0 + clip_{+-eps}( x + alpha * sign(grad_x CE(f(x), y)) - x0 ) ),
 * FGSM being the one-step case with alpha = eps and no random start; PGD starts from a uniform point of the eps-ball
 * (drawn from our Rng, so the same seed gives the same bytes). Gradients are of the logits' cross-entropy with the
 * true labels, the model in inference mode.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { fromArrays } from '../data/from-arrays.js';
import { fail } from '../messages/index.js';
import { logitsModel, type LogitsModel } from '../graph/index.js';
import { readTidy } from '../read-tidy.js';
import { Rng } from '../rng.js';
import { crossEntropy, predictLabels } from '../train/index.js';
import { attackDefaults, type AttackParams } from './defaults.js';

/** What an attack's result holds: only the images the model gets wrong after the attack, or every attacked image. */
export type AttackKeep = 'errors' | 'all';

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
  /**
   * Adversarial images to return. Sources are the correctly classified images of `data` in view order (of `classes`
   * when given); with keep 'errors' sources are attacked until this many fool the model or the data runs out.
   * Default 1000.
   */
  count?: number;
  /**
   * 'errors' (default): keep only the adversarial images the model misclassifies, so every one is a true error of the
   * model; 'all': keep every attacked image (the result's `accuracy` says what share the model still gets right).
   */
  keep?: AttackKeep;
  /** Attack only images of these classes (a class-targeted workload). Default: every class. */
  classes?: readonly number[];
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
  /** What `data` holds: only misclassified adversarial images ('errors') or every attacked image ('all'). */
  keep: AttackKeep;
  /** The classes attacked (null: every class). */
  classes: number[] | null;
  /** The clean model's accuracy on `data` (0 with keep 'errors'; on `sources` it is 1 by construction). */
  accuracy: number;
  /** Correctly classified images attacked, and the share of them the attack made the model get wrong. */
  attacked: number;
  successRate: number;
  /** Images asked for; `data.size` is smaller when the data ran out of sources. */
  requested: number;
}

function checkAttack(kind: string, p: AttackParams, count: number, batchSize: number, keep: string, classes: readonly number[] | undefined, units: number): void {
  const where = kind;
  const positive = 'a positive integer';
  if (!(p.eps > 0 && p.eps <= 1)) throw fail('BAD_ATTACK_OPTIONS', { where, option: 'eps', value: p.eps, expected: 'in (0, 1]', example: 0.3 });
  if (!Number.isInteger(p.steps) || p.steps < 1) throw fail('BAD_ATTACK_OPTIONS', { where, option: 'steps', value: p.steps, expected: positive, example: 40 });
  if (!(p.stepSize > 0)) {
    const example = p.eps > 0 && p.eps <= 1 ? Number((p.eps / 30).toPrecision(2)) : 0.01;
    throw fail('BAD_ATTACK_OPTIONS', { where, option: 'stepSize', value: p.stepSize, expected: 'positive', example });
  }
  if (!Number.isInteger(count) || count < 1) throw fail('BAD_ATTACK_OPTIONS', { where, option: 'count', value: count, expected: positive, example: 1000 });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw fail('BAD_ATTACK_OPTIONS', { where, option: 'batchSize', value: batchSize, expected: positive, example: 128 });
  if (keep !== 'errors' && keep !== 'all') throw fail('BAD_ATTACK_OPTIONS', { where, option: 'keep', value: keep, expected: '"errors" or "all"', example: 'errors' });
  if (classes !== undefined && (classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c >= units))) {
    throw fail('BAD_ATTACK_OPTIONS', { where, option: 'classes', value: classes, expected: `a non-empty list of the model's classes (0..${units - 1})`, example: [3, 5, 8] });
  }
}

/** Perturb one batch of sources: `steps` signed-gradient steps of `stepSize`, projected onto the eps-ball and [0, 1]. */
async function perturb(head: LogitsModel, x0: tf.Tensor4D, ys: tf.Tensor1D, p: AttackParams, rng: Rng): Promise<tf.Tensor4D> {
  const units = head.units;
  const per = x0.size / x0.shape[0];
  let x: tf.Tensor4D = x0.clone();
  if (p.randomStart) {
    const noise = Float32Array.from({ length: x0.shape[0] * per }, () => (2 * rng.next() - 1) * p.eps);
    const next = tf.tidy(() => tf.clipByValue(tf.add(x0, tf.tensor4d(noise, x0.shape)), 0, 1) as tf.Tensor4D);
    x.dispose(); x = next;
  }
  const grad = tf.grad((xx: tf.Tensor) => tf.mul(crossEntropy(head.apply(xx as tf.Tensor4D, false), ys, units), ys.shape[0]) as tf.Scalar);
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
  return x;
}

/**
 * The attack, streamed over `data` in chunks: predict a chunk, attack its correctly classified images (of `classes`),
 * keep what `keep` asks for, stop once `count` are kept. Everything runs in view order, so the same inputs and seed
 * give the same bytes.
 */
async function attack(kind: 'fgsm' | 'pgd', model: tf.LayersModel, data: Dataset, o: AttackOptions): Promise<AdversarialSet> {
  const d = attackDefaults(kind, data.name, o.eps);
  const p: AttackParams = kind === 'fgsm' ? d : { eps: d.eps, steps: o.steps ?? d.steps, stepSize: o.stepSize ?? d.stepSize, randomStart: o.randomStart ?? d.randomStart };
  const count = o.count ?? 1000;
  const batchSize = o.batchSize ?? 128;
  const seed = o.seed ?? 0;
  const keep = o.keep ?? 'errors';
  const head = logitsModel(model);
  checkAttack(kind, p, count, batchSize, keep, o.classes, head.units);
  const wanted = o.classes ? new Set(o.classes) : null;
  const [h, w, c] = data.sampleShape;
  const per = h * w * c;
  const rng = new Rng(seed);
  const kept: number[] = [];
  const images: Float32Array[] = [];
  let attacked = 0, fooled = 0;
  const chunk = 4 * batchSize;
  for (let start = 0; start < data.size && kept.length < count; start += chunk) {
    const view = data.select(Int32Array.from({ length: Math.min(chunk, data.size - start) }, (_, i) => start + i));
    const pred = await predictLabels(model, view, { batchSize });
    const candidates: number[] = [];
    for (let i = 0; i < view.size; i++) if (pred[i] === view.label(i) && (!wanted || wanted.has(view.label(i)))) candidates.push(i);
    for (let b0 = 0; b0 < candidates.length && kept.length < count;) {
      // keep 'all' attacks exactly `count` images; 'errors' attacks whole batches (how many will fool it is unknown).
      const idx = candidates.slice(b0, b0 + (keep === 'all' ? Math.min(batchSize, count - kept.length) : batchSize));
      b0 += idx.length;
      const { images: px, labels } = view.gather(idx);
      const x0 = tf.tensor4d(px, [idx.length, h, w, c]);
      const ys = tf.tensor1d(labels, 'int32');
      try {
        const x = await perturb(head, x0, ys, p, rng);
        let pixels: Float32Array, hit: Int32Array;
        try {
          pixels = (await x.data()) as Float32Array;
          hit = await readTidy<Int32Array>(() => tf.cast(tf.equal(tf.argMax(head.apply(x, false), 1), ys), 'int32'));
        } finally {
          x.dispose();
        }
        attacked += idx.length;
        for (let k = 0; k < idx.length; k++) {
          if (hit[k] === 0) fooled++;
          if (kept.length >= count || (keep === 'errors' && hit[k] !== 0)) continue;
          kept.push(start + idx[k]!);
          images.push(pixels.slice(k * per, (k + 1) * per));
        }
      } finally {
        tf.dispose([x0, ys]);
      }
    }
  }
  if (attacked === 0) {
    throw fail('NO_ATTACK_SOURCES', { attack: kind, size: data.size, data: `${data.name}/${data.split}`, ...(o.classes ? { classes: o.classes } : {}) });
  }
  const positions = Int32Array.from(kept);
  const sources = data.select(positions);
  const out = new Float32Array(kept.length * per);
  images.forEach((im, i) => out.set(im, i * per));
  const labels = sources.labels();
  const adv = fromArrays({ name: `${data.name}-${kind}`, split: data.split, images: out, labels, sampleShape: sources.sampleShape, classNames: data.classNames });
  const pred = await predictLabels(model, adv, { batchSize });
  let hits = 0;
  for (let i = 0; i < adv.size; i++) if (pred[i] === labels[i]) hits++;
  return {
    data: adv, sources, positions, attack: kind, params: { ...p, seed }, keep, classes: o.classes ? [...o.classes].sort((a, b) => a - b) : null,
    accuracy: adv.size ? hits / adv.size : 0, attacked, successRate: fooled / attacked, requested: count,
  };
}

/**
 * FGSM (one step of size eps along the sign of the input gradient) from the correctly classified images of `data`,
 * in view order, until `count` adversarial images fool the model (keep 'errors', the default) or `count` were attacked
 * (keep 'all'). Pixels stay in [0, 1] and within eps of their source.
 *
 * @example
 * const adv = await fgsm(model, data.test, { count: 1000 });   // eps 0.3 on MNIST; 1,000 images the model gets wrong
 * adv.successRate;                                               // share of the attacked images that fooled the model
 * const all = await fgsm(model, data.test, { count: 1000, keep: 'all' });
 * all.accuracy;                                                  // share of them the model still gets right
 * const some = await fgsm(model, data.test, { count: 300, classes: [3, 5, 8] });  // a class-targeted workload
 */
export function fgsm(model: tf.LayersModel, data: Dataset, opts: AttackOptions = {}): Promise<AdversarialSet> {
  return attack('fgsm', model, data, opts);
}

/**
 * PGD (L-infinity, random start, `steps` steps of `stepSize`, projected onto the eps-ball and [0, 1]) from the
 * correctly classified images of `data`, kept as {@link fgsm} keeps them; seeded.
 *
 * @example
 * const adv = await pgd(model, data.train.shuffle(1), { count: 1000, seed: 1 }); // eps 0.3, 40 steps of 0.01 on MNIST
 */
export function pgd(model: tf.LayersModel, data: Dataset, opts: AttackOptions = {}): Promise<AdversarialSet> {
  return attack('pgd', model, data, opts);
}
