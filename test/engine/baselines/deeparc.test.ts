import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyseDeepArc, deeparcLowestChange, deeparcRemoveBlocks, linearCka, modulesByThreshold, residualBlocks, skipBlocks } from '../../../src/engine/baselines/deeparc/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { Rng } from '../../../src/engine/rng.js';
import { restructure } from '../../../src/engine/maintenance/index.js';
import { prototypeData } from '../slicing/fixtures.js';

/** Float64 reference in feature form: ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) with column-centred X, Y. */
function referenceCka(x: number[][], y: number[][]): number {
  const centre = (m: number[][]) => { const mu = m[0]!.map((_, j) => m.reduce((a, r) => a + r[j]!, 0) / m.length); return m.map((r) => r.map((v, j) => v - mu[j]!)); };
  const xc = centre(x), yc = centre(y);
  const cross = (a: number[][], b: number[][]) => { let s = 0; for (let i = 0; i < a[0]!.length; i++) for (let j = 0; j < b[0]!.length; j++) { let d = 0; for (let n = 0; n < a.length; n++) d += a[n]![i]! * b[n]![j]!; s += d * d; } return s; };
  return cross(yc, xc) / Math.sqrt(cross(xc, xc) * cross(yc, yc));
}

describe('baselines/deeparc', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('linear CKA equals a float64 feature-form reference on random matrices; 1 for a scaled copy', () => {
    const rng = new Rng(1);
    for (const [n, p, q] of [[20, 5, 7], [30, 12, 3]] as const) {
      const x = Array.from({ length: n }, () => Array.from({ length: p }, () => rng.normal()));
      const y = Array.from({ length: n }, (_, i) => Array.from({ length: q }, (_, j) => x[i]![j % p]! * 0.5 + rng.normal()));
      const got = linearCka(Float64Array.from(x.flat()), Float64Array.from(y.flat()), n, p, q);
      assert.ok(Math.abs(got - referenceCka(x, y)) < 1e-12, `${got} vs ${referenceCka(x, y)}`);
      assert.ok(Math.abs(linearCka(Float64Array.from(x.flat()), Float64Array.from(x.flat().map((v) => 3 * v)), n, p, p) - 1) < 1e-12);
    }
  });

  it('modules by threshold: a new module starts where CKA(i-1, i) <= threshold', () => {
    assert.deepEqual(modulesByThreshold([0.995, 0.98, 0.999, 0.999], 0.99), [[0, 1], [2, 4]]);
    assert.deepEqual(modulesByThreshold([], 0.99), [[0, 0]]);
  });

  it('resnet-small: three blocks found; skipping one equals running the model without it', async () => {
    const model = buildModel('resnet-small', { inputShape: [8, 8, 1], numClasses: 3, seed: 1, width: 0.5 });
    const blocks = residualBlocks(model);
    assert.deepEqual(blocks.map((b) => [b.name, b.inputLayer, b.outputLayer]), [
      ['block1_add', 'stem_pool', 'block1_relu'], ['block2_add', 'block1_relu', 'block2_relu'], ['block3_add', 'block2_relu', 'block3_relu']]);
    const small = await skipBlocks(model, [blocks[1]!]);
    assert.ok(!small.layers.some((l) => l.name.startsWith('block2')));
    // Reference: block1's output fed to block3 by hand.
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1);
    const b1 = tf.model({ inputs: model.inputs, outputs: model.getLayer('block1_relu').output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
    const want = tf.tidy(() => {
      let t = b1;
      for (const n of ['block3_conv1', 'block3_conv2']) t = model.getLayer(n).apply(t) as tf.Tensor;
      t = model.getLayer('block3_relu').apply(model.getLayer('block3_add').apply([b1, t]) as tf.Tensor) as tf.Tensor;
      for (const n of ['gap', 'logits', 'softmax']) t = model.getLayer(n).apply(t) as tf.Tensor;
      return t;
    });
    const got = small.predict(x) as tf.Tensor;
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!) < 1e-6);
    tf.dispose([x, b1, want, got]);
    small.dispose(); model.dispose();
  });

  it('chain models: modules are layer ranges, block removal does not apply, and restructure refuses the pre-step', async () => {
    const model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 1, width: 0.25 });
    const data = prototypeData({ classes: 4, perClass: 10, seed: 1 });
    const a = await analyseDeepArc(model, data, { samples: 32 });
    assert.equal(a.level, 'layers');
    assert.deepEqual(a.redundant, []);
    assert.match(a.note!, /does not apply/);
    // As a restructure pre-step it is refused before any work (it would remove nothing under DeepArc's name).
    await assert.rejects(restructure(model, null, { train: data, test: data, pre: 'deeparc', targetCR: 0.3, maxDrop: 1, fineTune: { steps: 1, batchSize: 8 } }),
      (e: Error & { code?: string }) => e.code === 'BAD_RESTRUCTURE_OPTIONS' && /does not apply to model/.test(e.message));
    model.dispose();
  });

  it('resnet-small: redundant blocks by threshold, best k-subset skipped (fewer parameters); the deeparc pre-step runs', async () => {
    const model = buildModel('resnet-small', { inputShape: [6, 6, 1], numClasses: 4, seed: 1, width: 0.25 });
    const data = prototypeData({ classes: 4, perClass: 10, seed: 1 });
    const a = await analyseDeepArc(model, data, { samples: 32, threshold: -1 });
    assert.equal(a.level, 'blocks');
    assert.deepEqual(a.modules, [[0, 2]]);
    assert.deepEqual(a.redundant, ['block2_add', 'block3_add']);
    const d = await deeparcRemoveBlocks(model, data, data, { samples: 32, threshold: -1, k: 1 });
    assert.equal(d.removed.length, 1);
    assert.ok(a.redundant.includes(d.removed[0]!));
    assert.ok(d.model.countParams() < model.countParams());
    d.model.dispose();
    const r = await restructure(model, null, { train: data, test: data, pre: 'deeparc', targetCR: 0.3, maxDrop: 1, fineTune: { steps: 1, batchSize: 8 } });
    assert.equal(r.manifest.method, 'deeparc');
    assert.ok(Array.isArray((r.manifest.details as { cka: number[] }).cka), 'the consecutive-block CKA is recorded');
    r.model.dispose(); model.dispose();
  });
  it('k-lowest change on resnet-9, whose consecutive blocks share a tensor: one CKA per block, the k most alike skipped', async () => {
    const start = tf.memory().numTensors;
    const model = buildModel('resnet-9', { inputShape: [6, 6, 1], numClasses: 4, seed: 1, width: 0.25 });
    const data = prototypeData({ classes: 4, perClass: 10, seed: 1 });
    const r = await deeparcLowestChange(model, data, 2, { samples: 32 });
    assert.equal(r.change.length, 9);
    assert.ok(r.change.every((c) => Number.isFinite(c.cka) && c.cka > 0 && c.cka <= 1 + 1e-9), JSON.stringify(r.change));
    const top = [...r.change].sort((a, b) => b.cka - a.cka).slice(0, 2).map((c) => c.block).sort();
    assert.deepEqual([...r.removed].sort(), top, 'the two blocks whose output is most like their input');
    assert.ok(r.model.countParams() < model.countParams());
    r.model.dispose(); model.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
});
