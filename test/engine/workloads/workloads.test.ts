import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fgsm, pgd, mutants, attackDefaults } from '../../../src/engine/workloads/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { evaluate, predictLabels, train } from '../../../src/engine/train/index.js';
import { fingerprint } from '../../../src/engine/fingerprint.js';
import type { Dataset } from '../../../src/engine/data/types.js';
import { prototypeData } from '../slicing/fixtures.js';

function all(d: Dataset): Float32Array {
  return d.gather(Int32Array.from({ length: d.size }, (_, i) => i)).images;
}

/** Largest |adv - src| and whether every pixel is in [0, 1]. */
function distance(adv: Dataset, src: Dataset): { maxDiff: number; inRange: boolean } {
  const a = all(adv), s = all(src);
  let maxDiff = 0, inRange = true;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - s[i]!));
    if (!(a[i]! >= 0 && a[i]! <= 1)) inRange = false;
  }
  return { maxDiff, inRange };
}

describe('workloads: fgsm, pgd, mutants', () => {
  let model: tf.LayersModel;
  const trainData = prototypeData({ classes: 4, perClass: 50, seed: 5 });
  const testData = prototypeData({ classes: 4, perClass: 20, seed: 5, split: 'test' });

  before(async () => {
    await tf.setBackend('cpu');
    model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 2 });
    await train(model, trainData, { epochs: 8, batchSize: 16, seed: 1, learningRate: 0.01, workers: 1 });
  });
  after(() => model.dispose());

  it('defaults follow docs/maintenance.md: MNIST eps 0.3, PGD 40 steps of 0.01 with random start; Fashion-MNIST eps 0.1', () => {
    assert.deepEqual(attackDefaults('fgsm', 'mnist'), { eps: 0.3, steps: 1, stepSize: 0.3, randomStart: false });
    const p = attackDefaults('pgd', 'mnist');
    assert.equal(p.steps, 40); assert.ok(Math.abs(p.stepSize - 0.01) < 1e-12); assert.equal(p.randomStart, true);
    assert.equal(attackDefaults('pgd', 'fashion-mnist').eps, 0.1);
  });

  it('fgsm: within eps of the source, in [0, 1], from correctly classified images, lowers accuracy', async () => {
    const start = tf.memory().numTensors;
    const clean = (await evaluate(model, testData, { confusion: false })).accuracy;
    assert.ok(clean > 0.9, `the fixture model is trained (${clean})`);
    // The prototypes are far apart (0.9 vs 0.1 pixels), so this fixture needs a larger eps than MNIST's 0.3.
    const adv = await fgsm(model, testData, { eps: 0.5, count: 40, batchSize: 16, keep: 'all' });
    assert.equal(adv.data.size, 40);
    assert.equal(adv.keep, 'all');
    assert.equal(adv.attacked, 40);
    assert.equal((await evaluate(model, adv.sources, { confusion: false })).accuracy, 1, 'sources are correctly classified');
    assert.deepEqual(Array.from(adv.data.labels()), Array.from(adv.sources.labels()), 'true labels kept');
    const d = distance(adv.data, adv.sources);
    assert.ok(d.maxDiff <= 0.5 + 1e-6, `max |delta| ${d.maxDiff}`);
    assert.ok(d.maxDiff > 0.49, 'the step is eps');
    assert.ok(d.inRange);
    assert.ok(adv.accuracy <= 0.25, `FGSM accuracy ${adv.accuracy}`);
    assert.equal((await evaluate(model, adv.data, { confusion: false })).accuracy, adv.accuracy);
    assert.ok(Math.abs(adv.successRate - (1 - adv.accuracy)) < 1e-9, 'keep all: the success rate is the share the model gets wrong');
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
  });

  it('keep "errors" (the default): only images the model gets wrong, a true error each; attacks more sources to find them; the share is recorded', async () => {
    const start = tf.memory().numTensors;
    // A weak attack fools the model on some images only, so the two ways of keeping differ.
    const all = await fgsm(model, testData, { eps: 0.25, count: 30, batchSize: 8, keep: 'all' });
    assert.ok(all.accuracy > 0.1 && all.accuracy < 0.9, `a partial attack (model still right on ${all.accuracy})`);
    const errs = await fgsm(model, testData, { eps: 0.25, count: 30, batchSize: 8 });
    assert.equal(errs.keep, 'errors');
    assert.equal(errs.accuracy, 0);
    assert.equal((await evaluate(model, errs.data, { confusion: false })).accuracy, 0, 'every kept image is misclassified');
    assert.equal((await evaluate(model, errs.sources, { confusion: false })).accuracy, 1, 'made from correctly classified images');
    assert.ok(errs.attacked > errs.data.size, `attacked ${errs.attacked} to keep ${errs.data.size}`);
    assert.ok(errs.successRate > 0 && errs.successRate < 1);
    assert.equal(errs.requested, 30);
    assert.ok(errs.data.size <= 30);
    // The first kept images are those of the keep-all run that fooled the model, in the same order.
    const foolingAll = Array.from(await predictLabels(model, all.data)).map((p, i) => (p !== all.data.label(i) ? all.positions[i] : -1)).filter((x) => x >= 0);
    assert.deepEqual(Array.from(errs.positions).slice(0, foolingAll.length), foolingAll);
    // Deterministic.
    const again = await fgsm(model, testData, { eps: 0.25, count: 30, batchSize: 8 });
    assert.equal(again.data.fingerprint(), errs.data.fingerprint());
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
  });

  it('class-targeted attacks: sources only of the given classes; bad classes are SemsliceErrors', async () => {
    const a = await pgd(model, testData, { eps: 0.45, count: 20, steps: 5, stepSize: 0.1, batchSize: 16, classes: [1, 3] });
    assert.ok(a.data.size > 0);
    assert.deepEqual([...new Set(a.data.labels())].sort(), [1, 3]);
    assert.deepEqual(a.classes, [1, 3]);
    await assert.rejects(fgsm(model, testData, { classes: [7] }), { code: 'BAD_ATTACK_OPTIONS' });
    await assert.rejects(fgsm(model, testData, { classes: [] }), { code: 'BAD_ATTACK_OPTIONS' });
    await assert.rejects(fgsm(model, testData, { keep: 'some' as 'all' }), { code: 'BAD_ATTACK_OPTIONS' });
  });

  it('pgd: random start, within eps, in [0, 1], at least as strong as fgsm; same seed same bytes, other seed other bytes', async () => {
    const start = tf.memory().numTensors;
    const o = { eps: 0.45, count: 40, steps: 10, stepSize: 0.1, batchSize: 16, seed: 3 };
    const a = await pgd(model, testData, o);
    const b = await pgd(model, testData, o);
    const c = await pgd(model, testData, { ...o, seed: 4 });
    const d = distance(a.data, a.sources);
    assert.ok(d.maxDiff <= 0.45 + 1e-6 && d.inRange);
    assert.equal(a.data.fingerprint(), b.data.fingerprint());
    assert.notEqual(fingerprint(all(a.data)), fingerprint(all(c.data)));
    const f = await fgsm(model, testData, { eps: 0.45, count: 40, batchSize: 16 });
    assert.ok(a.accuracy <= f.accuracy, `pgd ${a.accuracy} vs fgsm ${f.accuracy}`);
    assert.ok(a.accuracy <= 0.2, `PGD accuracy ${a.accuracy}`);
    assert.equal(tf.memory().numTensors, start);
  });

  it('bad attack options are SemsliceErrors', async () => {
    await assert.rejects(fgsm(model, testData, { eps: 0 }), { code: 'BAD_ATTACK_OPTIONS' });
    await assert.rejects(pgd(model, testData, { steps: 0 }), { code: 'BAD_ATTACK_OPTIONS' });
    await assert.rejects(fgsm(model, testData, { count: 0 }), { code: 'BAD_ATTACK_OPTIONS' });
  });

  it('mutants: accuracy drops by the asked points within tolerance, fraction recorded, input untouched, seeded', async () => {
    const fp = await modelFingerprint(model);
    const start = tf.memory().numTensors;
    const ms = await mutants(model, trainData, { drop: 0.3, count: 2, seed: 7, tolerance: 0.03 });
    assert.equal(await modelFingerprint(model), fp);
    assert.equal(ms.length, 2);
    for (const m of ms) {
      const acc = (await evaluate(m.model, trainData, { confusion: false })).accuracy;
      assert.equal(acc, m.accuracy);
      assert.ok(Math.abs(m.accuracyBefore - acc - 0.3) <= 0.03, `drop ${m.accuracyBefore - acc}`);
      assert.ok(m.withinTolerance);
      assert.ok(m.fractionReplaced > 0 && m.fractionReplaced < 1);
      assert.equal(m.fractionReplaced, m.replaced / m.mutable);
    }
    assert.notEqual(await modelFingerprint(ms[0]!.model), await modelFingerprint(ms[1]!.model));
    const again = await mutants(model, trainData, { drop: 0.3, count: 1, seed: 7, tolerance: 0.03 });
    assert.equal(await modelFingerprint(again[0]!.model), await modelFingerprint(ms[0]!.model));
    for (const m of [...ms, ...again]) m.model.dispose();
    assert.equal(tf.memory().numTensors, start);
    await assert.rejects(mutants(model, trainData, { drop: 1.5 }), { code: 'BAD_MUTANT_OPTIONS' });
  });

  it('a mutant damaged on one class: the drop is measured on that class and the damage concentrates there', async () => {
    const start = tf.memory().numTensors;
    const [m] = await mutants(model, trainData, { drop: 0.3, count: 1, seed: 3, focusClass: 2, tolerance: 0.05 });
    const own = (await evaluate(m!.model, trainData.subsetClasses([2]), { confusion: false })).accuracy;
    assert.equal(own, m!.accuracy, 'the drop is of class 2');
    assert.ok(Math.abs(m!.accuracyBefore - own - 0.3) <= 0.05, `class-2 drop ${m!.accuracyBefore - own}`);
    assert.equal(m!.focusClass, 2);
    const drops = m!.perClassBefore.map((b, k) => b - m!.perClassAfter[k]!);
    const others = drops.filter((_, k) => k !== 2);
    assert.ok(Math.max(...others) < drops[2]! / 2, `class drops ${drops.map((d) => d.toFixed(2)).join(' ')}`);
    // Random damage replaces entries anywhere: it needs far more of them for a drop of the whole model's accuracy.
    const [r] = await mutants(model, trainData, { drop: 0.3, count: 1, seed: 3, tolerance: 0.05 });
    assert.equal(r!.focusClass, null);
    assert.ok(r!.replaced > 10 * m!.replaced, `random ${r!.replaced} entries, focused ${m!.replaced}`);
    m!.model.dispose(); r!.model.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
    await assert.rejects(mutants(model, trainData, { drop: 0.3, focusClass: 9 }), { code: 'BAD_MUTANT_OPTIONS' });
  });
});
